/**
 * `onshi-sim doctor`: is PC/SC ready here, and if not, the exact command for each missing piece.
 * Checks, in the order a fix has to happen: pcscd installed → vpcd driver configured → nfc-pcsc's native
 * module loads → pcscd running → vpcd ports listening → readers visible through PcscReaderTransport.
 * Nothing here connects to a vpcd port (that would insert a phantom card): ports are read from /proc.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { toHex } from "@onshi-sim/apdu";
import { loadNfcPcsc, pcscdReachable, pcscdSocketPath, PcscReaderTransport } from "@onshi-sim/reader-bindings";
import { findExecutable, VPCD_DRIVER_PATH } from "@onshi-sim/card-sim";
import { listeningTcpPorts, VPCD_BASE_PORT, VPCD_SLOTS } from "@onshi-sim/card-sim";
import { LOOPBACK_QUICKACK_COMMAND, systemLatencyProbes, type VpcdLatencyProbes } from "@onshi-sim/card-sim";

export const APT_INSTALL_ALL = "apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev";
export const READER_CONF_DIR = "/etc/reader.conf.d";
const PCSC_HEADER = "/usr/include/PCSC/winscard.h";
const RESTART_PCSCD = "kill $(cat /run/pcscd/pcscd.pid); pcscd";

export type CheckStatus = "ok" | "warn" | "fail";

export interface DoctorCheck {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** The command that fixes it (run as root where it says so). */
  readonly fix?: string;
}

export interface DoctorReader {
  readonly name: string;
  /** ATR of the card in it, hex, when one is present. */
  readonly atr?: string;
}

export interface VpcdSlotConfig {
  readonly reader: string;
  readonly port: number;
}

export interface DoctorReport {
  /** False when any check failed (warnings do not count): the CLI exits 1. */
  readonly ok: boolean;
  readonly checks: DoctorCheck[];
  readonly readers: DoctorReader[];
  readonly vpcdSlots: VpcdSlotConfig[];
}

export interface DoctorOptions {
  /** How long to wait for the reader list through PC/SC. Default 3000 ms. */
  readerTimeoutMs?: number;
  /** For tests: what the latency check sees (default: this machine). */
  latencyProbes?: VpcdLatencyProbes;
}

export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const add = (c: DoctorCheck) => checks.push(c);
  const root = process.getuid?.() === 0;
  const asRoot = (cmd: string) => (root ? cmd : `sudo ${cmd.replace(/; /g, "; sudo ")}`);

  // 1. pcscd installed
  const pcscd = findExecutable("pcscd");
  if (pcscd) add({ name: "pcscd installed", status: "ok", detail: `${pcscd}${pcscdVersion(pcscd)}` });
  else add({ name: "pcscd installed", status: "fail", detail: "pcscd (the PC/SC daemon) is not installed", fix: asRoot(APT_INSTALL_ALL) });

  // 2. vpcd driver and its reader.conf entry
  const vpcdSlots = readVpcdConfig();
  const driver = existsSync(VPCD_DRIVER_PATH);
  if (driver && vpcdSlots.length) {
    add({ name: "vpcd virtual reader", status: "ok", detail: vpcdSlots.map((s) => `"${s.reader}" ← port ${s.port}`).join(", ") });
  } else {
    const missing = [!driver && VPCD_DRIVER_PATH, !vpcdSlots.length && `a vpcd entry in ${READER_CONF_DIR}`].filter(Boolean).join(" and ");
    add({ name: "vpcd virtual reader", status: "fail", detail: `vsmartcard-vpcd is missing (${missing}): no virtual reader for virtual cards`, fix: asRoot(`apt-get install -y vsmartcard-vpcd; ${RESTART_PCSCD}`) });
  }

  // 3. nfc-pcsc and its native module
  let nativeOk = false;
  try {
    await loadNfcPcsc();
    nativeOk = true;
    add({ name: "nfc-pcsc native module", status: "ok", detail: "nfc-pcsc and @pokusew/pcsclite load" });
  } catch (e) {
    const headers = existsSync(PCSC_HEADER);
    add({
      name: "nfc-pcsc native module",
      status: "fail",
      detail: `${(e as Error).message.replace(/ Fix: .*$/, "")}${headers ? "" : ` (${PCSC_HEADER} is missing: libpcsclite-dev is needed to build it)`}`,
      fix: headers ? "npm install" : `${asRoot("apt-get install -y libpcsclite-dev")} && npm install`,
    });
  }

  // 4. pcscd running
  const socketPath = pcscdSocketPath();
  const running = await pcscdReachable(socketPath);
  if (running) add({ name: "pcscd running", status: "ok", detail: `answers on ${socketPath}` });
  else
    add({
      name: "pcscd running",
      status: "fail",
      detail: `no answer on ${socketPath}`,
      fix: pcscd ? `${asRoot("pcscd")}   (or \`${asRoot("pcscd -f")} &\` to keep it in a shell's foreground)` : `${asRoot(APT_INSTALL_ALL)}; then ${asRoot("pcscd")}`,
    });

  // 5. vpcd ports listening (only meaningful once pcscd runs with the driver configured)
  const listening = listeningTcpPorts();
  if (running && vpcdSlots.length && listening) {
    const down = vpcdSlots.filter((s) => !listening.has(s.port));
    if (down.length) {
      add({
        name: "vpcd listening",
        status: "fail",
        detail: `pcscd runs but nothing listens on port ${down.map((s) => s.port).join(", ")} (pcscd was started before vsmartcard-vpcd was installed?)`,
        fix: asRoot(RESTART_PCSCD),
      });
    } else {
      const addresses = new Set(vpcdSlots.flatMap((s) => listening.get(s.port) ?? []));
      const open = [...addresses].some((a) => a === "0.0.0.0" || a === "::");
      add({ name: "vpcd listening", status: "ok", detail: `ports ${vpcdSlots.map((s) => s.port).join(", ")} on ${[...addresses].join(", ")}` });
      if (open) {
        add({
          name: "vpcd exposure",
          status: "warn",
          detail: "vpcd listens on all interfaces: anyone who can reach this machine can plug a virtual card into it; firewall those ports on a shared network",
        });
      }
    }
  }

  // 6. the delayed ACK that would cost each APDU over vpcd ~40 ms (doctor only looks; it changes nothing)
  add(latencyCheck(options.latencyProbes ?? systemLatencyProbes, asRoot));

  // 7. readers, through the same transport the simulator uses
  const readers: DoctorReader[] = [];
  if (running && nativeOk) {
    const found = await listReaders(options.readerTimeoutMs ?? 3000);
    if (found instanceof Error) {
      add({ name: "readers", status: "fail", detail: `could not list readers through PC/SC: ${found.message}`, fix: asRoot(RESTART_PCSCD) });
    } else {
      readers.push(...found);
      const virtual = vpcdSlots.filter((s) => found.some((r) => r.name === s.reader));
      if (found.length === 0) {
        add({ name: "readers", status: "fail", detail: "pcscd reports no reader at all", fix: vpcdSlots.length ? asRoot(RESTART_PCSCD) : asRoot(`apt-get install -y vsmartcard-vpcd; ${RESTART_PCSCD}`) });
      } else if (vpcdSlots.length && virtual.length === 0) {
        add({ name: "readers", status: "fail", detail: `no "Virtual PCD" reader among ${found.map((r) => `"${r.name}"`).join(", ")}`, fix: asRoot(RESTART_PCSCD) });
      } else {
        add({ name: "readers", status: "ok", detail: `${found.length} reader${found.length === 1 ? "" : "s"}` });
      }
    }
  }

  return { ok: checks.every((c) => c.status !== "fail"), checks, readers, vpcdSlots };
}

/** Whether APDUs over vpcd skip the ~40 ms delayed ACK (see transport/vpcd-latency.ts); only looks. */
export function latencyCheck(probes: VpcdLatencyProbes, asRoot: (cmd: string) => string): DoctorCheck {
  const name = "vpcd latency";
  const socket = probes.socketQuickack();
  if (socket.available) return { name, status: "ok", detail: "quickack on: the virtual card sets TCP_QUICKACK on its own socket (~0.3 ms per APDU, no root needed)" };
  const route = probes.routeQuickack();
  if (route) return { name, status: "ok", detail: `quickack on: the loopback route has quickack 1 (card-side TCP_QUICKACK unavailable: ${socket.reason})` };
  return {
    name,
    status: "warn",
    detail:
      `quickack off: each APDU over vpcd waits ~40 ms for a delayed ACK (card-side TCP_QUICKACK unavailable: ${socket.reason}` +
      `${route === undefined ? "; `ip` not found to check the loopback route" : ""}); quickack on the loopback route fixes it`,
    fix: asRoot(LOOPBACK_QUICKACK_COMMAND),
  };
}

async function listReaders(timeoutMs: number): Promise<DoctorReader[] | Error> {
  const transport = new PcscReaderTransport({ readerWaitMs: Math.min(300, timeoutMs) });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no reader list within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([transport.start(), timeout]);
    return transport.listReaders().map((name) => {
      const atr = transport.cardIn(name);
      return atr ? { name, atr: toHex(atr) } : { name };
    });
  } catch (e) {
    return e as Error;
  } finally {
    clearTimeout(timer);
    await transport.close();
  }
}

/** The vpcd entries of pcscd's reader.conf.d: reader names and ports (CHANNELID + slot, 2 slots each). */
export function readVpcdConfig(dir = READER_CONF_DIR): VpcdSlotConfig[] {
  let files: string[];
  try {
    files = readdirSync(dir).sort(); // pcscd reads them in this order
  } catch {
    return [];
  }
  const slots: VpcdSlotConfig[] = [];
  let readerIndex = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), "utf8");
    } catch {
      continue;
    }
    for (const block of text.split(/\n\s*\n/)) {
      const field = (key: string) => new RegExp(`^\\s*${key}\\s+(.+?)\\s*$`, "m").exec(block)?.[1]?.replace(/^"|"$/g, "");
      const lib = field("LIBPATH");
      if (!lib) continue;
      // pcscd numbers every configured reader in turn; our names hold when vpcd is the first (or only) one.
      const index = readerIndex++;
      if (!/libifdvpcd/.test(lib)) continue;
      const channel = field("CHANNELID");
      const base = channel ? Number(channel) : VPCD_BASE_PORT;
      const friendly = field("FRIENDLYNAME") ?? "Virtual PCD";
      for (let slot = 0; slot < VPCD_SLOTS; slot++) {
        slots.push({ reader: `${friendly} ${hex2(index)} ${hex2(slot)}`, port: (Number.isFinite(base) ? base : VPCD_BASE_PORT) + slot });
      }
    }
  }
  return slots;
}

function hex2(n: number): string {
  return n.toString(16).toUpperCase().padStart(2, "0");
}

function pcscdVersion(path: string): string {
  try {
    const out = execFileSync(path, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 2000 });
    const m = /pcsc-lite version (\d+(?:\.\d+)*)/.exec(out);
    return m ? ` (pcsc-lite ${m[1]})` : "";
  } catch {
    return "";
  }
}

const MARK: Record<CheckStatus, string> = { ok: "ok  ", warn: "warn", fail: "FAIL" };

export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length), 0);
  const lines = ["onshi-sim doctor — PC/SC readiness", ""];
  for (const c of report.checks) {
    lines.push(`  ${MARK[c.status]}  ${c.name.padEnd(width)}  ${c.detail}`);
    if (c.fix && c.status !== "ok") lines.push(`  ${" ".repeat(4)}  ${" ".repeat(width)}  fix: ${c.fix}`);
  }
  if (report.readers.length) {
    lines.push("", "readers:");
    const rw = Math.max(...report.readers.map((r) => r.name.length));
    for (const r of report.readers) lines.push(`  ${r.name.padEnd(rw)}  ${r.atr ? `card, ATR ${r.atr}` : "no card"}`);
  }
  lines.push("");
  const fixes = [...new Set(report.checks.filter((c) => c.status === "fail" && c.fix).map((c) => c.fix as string))];
  if (report.ok) {
    lines.push("PC/SC is ready.");
    const warnFixes = report.checks.filter((c) => c.status === "warn" && c.fix);
    for (const c of warnFixes) lines.push(`optional (${c.name}): ${c.fix}`);
  } else {
    lines.push("PC/SC is NOT ready. To fix, in this order:");
    fixes.forEach((f, i) => lines.push(`  ${i + 1}. ${f}`));
    lines.push(`(everything at once on Debian: ${APT_INSTALL_ALL}, then npm install, then pcscd)`);
  }
  return lines.join("\n");
}

