/**
 * pcscd for onshi-sim: use a running pcscd whose vpcd virtual reader listens, or start `pcscd -f` ourselves
 * (root only), and share it between processes — test runs, the bench and `onshi-sim start` — so the last
 * one using a pcscd that onshi-sim started stops it. Also: the vpcd latency fix (vpcd-latency.ts), the pid
 * and lock-file helpers this bookkeeping needs, and the records of `onshi-sim card insert` processes, one
 * per vpcd slot.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { runDir } from "./data-dir.js";
import { pcscdReachable, pcscdSocketPath } from "@onshi-sim/reader-bindings";
import { ensureVpcdLowLatency, type VpcdLatency } from "./vpcd-latency.js";
import { listeningTcpPorts, vpcdPort } from "./vpcd-bridge.js";

export const VPCD_DRIVER_PATH = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
export const VPCD_CONFIG_PATH = "/etc/reader.conf.d/vpcd";
export const APT_INSTALL_PCSC = "apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev && npm install";

/** Whether pcscd + vpcd can be used, and if not, why (with the command that fixes it). */
export interface PcscAvailability {
  available: boolean;
  reason?: string;
}

export interface PcscdHandle extends PcscAvailability {
  /** This call started pcscd. */
  startedByUs: boolean;
  /** How APDUs over vpcd avoid the ~40 ms delayed ACK (undefined when PC/SC is unavailable). */
  latency?: VpcdLatency;
  /** Ends this process's use of pcscd; stops it if onshi-sim started it and no other process still uses it. */
  stop(): Promise<void>;
}

export interface EnsurePcscdOptions {
  /** How long to wait for a pcscd we start to bring up its socket and the vpcd port. Default 10 s. */
  timeoutMs?: number;
  /**
   * When the bridge cannot set TCP_QUICKACK itself, set `quickack 1` on the loopback route (root only).
   * Default true.
   */
  applyRouteQuickack?: boolean;
}

const noop = async () => {};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `which`, plus the sbin directories a non-root PATH often lacks. */
export function findExecutable(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/sbin", "/usr/local/sbin"]) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // next
    }
  }
  return undefined;
}

/** Alive and not a zombie (a reparented daemon may linger as one where PID 1 does not reap). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** True when this process's pid is in the lock file. */
export function ownsLockFile(path: string): boolean {
  try {
    return readFileSync(path, "utf8").trim() === String(process.pid);
  } catch {
    return false;
  }
}

/**
 * Creates the lock file with our pid, taking it over when the pid in it is dead. Two processes taking over
 * the same stale lock at once can both "succeed": re-check with `ownsLockFile` after a moment.
 */
export function tryLockFile(path: string): boolean {
  try {
    writeFileSync(path, `${process.pid}\n`, { flag: "wx" });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  let owner = NaN;
  try {
    owner = parseInt(readFileSync(path, "utf8"), 10);
  } catch {
    return false; // being replaced right now; try again later
  }
  if (Number.isInteger(owner) && pidAlive(owner)) return false;
  try {
    unlinkSync(path); // stale: its process is gone
  } catch {
    return false;
  }
  return tryLockFile(path);
}

/** Takes the lock (waiting while a live process holds it), runs `fn`, releases it. */
export async function withLockFile<T>(path: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!(tryLockFile(path) && (await sleep(20), ownsLockFile(path)))) {
    if (Date.now() > deadline) throw new Error(`${path} stayed locked for ${timeoutMs} ms`);
    await sleep(50);
  }
  try {
    return await fn();
  } finally {
    if (ownsLockFile(path)) rmSync(path, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// `onshi-sim card insert` processes: one record per vpcd slot in data/run.

/** What `onshi-sim card insert --via vpcd` writes while its card is in a slot. */
export interface VpcdSlotRecord {
  pid: number;
  cardId: string;
  slot: number;
}

export function vpcdSlotRecordFile(slot: number): string {
  return join(runDir(), `vpcd-slot-${slot}.json`);
}

/** The record of the slot, whether or not its process still lives. */
export function readVpcdSlotRecord(slot: number): VpcdSlotRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(vpcdSlotRecordFile(slot), "utf8")) as Partial<VpcdSlotRecord>;
    if (typeof record.pid !== "number" || typeof record.cardId !== "string") return undefined;
    return { pid: record.pid, cardId: record.cardId, slot };
  } catch {
    return undefined;
  }
}

/** The `card insert` process holding a card in the slot right now, if any. */
export function vpcdSlotHolder(slot: number): VpcdSlotRecord | undefined {
  const record = readVpcdSlotRecord(slot);
  return record && pidAlive(record.pid) ? record : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Sharing one pcscd between processes.

/** True when a vpcd slot's port is in LISTEN state (read from /proc, so no phantom card is inserted). */
function vpcdListening(slot = 0): boolean {
  const ports = listeningTcpPorts();
  return ports ? ports.has(vpcdPort(slot)) : false;
}

/** pcscd's pid from its pid file (which ends in a NUL), if that process is alive. */
function runningPcscdPid(): number | undefined {
  try {
    const pid = parseInt(readFileSync("/run/pcscd/pcscd.pid", "utf8"), 10);
    return Number.isInteger(pid) && pid > 0 && pidAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/*
 * Several processes (test runs, the bench, `onshi-sim start`, other developers) can share one pcscd, so the
 * state lives under the temp dir and changes only while holding `start.lock`:
 *   users/<pid>   one file per process using pcscd through ensurePcscd;
 *   pcscd.pid     set when onshi-sim started pcscd.
 * Startup under the lock means two processes never both start pcscd (the second one would take over the
 * socket while the ports stay with the first: no readers at all). At stop() the last process using an
 * onshi-sim-started pcscd stops it, whichever process started it. A pcscd started by anyone else is never
 * stopped.
 */
const STATE_DIR = join(tmpdir(), "onshi-sim-pcscd");
const USERS_DIR = join(STATE_DIR, "users");
const STARTED_PID = join(STATE_DIR, "pcscd.pid");
const START_LOCK = join(STATE_DIR, "start.lock");

function withStartLock<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  mkdirSync(USERS_DIR, { recursive: true });
  return withLockFile(START_LOCK, timeoutMs, fn);
}

function otherLiveUsers(): number {
  let n = 0;
  for (const name of readdirSync(USERS_DIR)) {
    const pid = Number(name);
    if (pid === process.pid || !Number.isInteger(pid)) continue;
    if (pidAlive(pid)) n++;
    else rmSync(join(USERS_DIR, name), { force: true });
  }
  return n;
}

function ourStartedPcscd(): number | undefined {
  try {
    const pid = parseInt(readFileSync(STARTED_PID, "utf8"), 10);
    if (!Number.isInteger(pid) || !pidAlive(pid)) return undefined;
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "pcscd" ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function stopPid(pid: number): Promise<void> {
  process.kill(pid, "SIGTERM");
  for (let i = 0; i < 50 && pidAlive(pid); i++) await sleep(100);
  if (pidAlive(pid)) process.kill(pid, "SIGKILL");
  for (let i = 0; i < 20 && pidAlive(pid); i++) await sleep(100);
}

/** Registers this process as a pcscd user; its stop() stops an onshi-sim-started pcscd when no other process uses it. */
function using(startedByUs: boolean, latency: VpcdLatency): PcscdHandle {
  const me = join(USERS_DIR, String(process.pid));
  writeFileSync(me, "");
  let stopped = false;
  return {
    available: true,
    startedByUs,
    latency,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await withStartLock(30_000, async () => {
        rmSync(me, { force: true });
        const pid = ourStartedPcscd();
        if (pid === undefined || otherLiveUsers() > 0) return;
        await stopPid(pid);
        rmSync(STARTED_PID, { force: true });
      });
    },
  };
}

function unavailable(reason: string): PcscdHandle {
  return { available: false, reason, startedByUs: false, stop: noop };
}

/**
 * Uses a running pcscd whose vpcd listens on 127.0.0.1:35963, or starts `pcscd -f` (root only) and waits up
 * to `timeoutMs` for its socket and the vpcd port; then makes sure APDUs over vpcd skip the delayed ACK
 * (`latency` says how). Never throws: problems come back as `available: false` with the reason and the
 * command that fixes it.
 */
export async function ensurePcscd(options: EnsurePcscdOptions = {}): Promise<PcscdHandle> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    return await withStartLock(timeoutMs + 20_000, () => ensureLocked(timeoutMs, options.applyRouteQuickack ?? true));
  } catch (e) {
    return unavailable(`could not check pcscd: ${(e as Error).message}`);
  }
}

async function ensureLocked(timeoutMs: number, applyRoute: boolean): Promise<PcscdHandle> {
  const socketPath = pcscdSocketPath();
  if (await pcscdReachable(socketPath)) {
    if (vpcdListening(0)) return using(false, ensureVpcdLowLatency({ applyRoute }));
    return unavailable(
      existsSync(VPCD_CONFIG_PATH)
        ? `pcscd is running but its vpcd reader does not listen on port ${vpcdPort(0)} (it was started before vsmartcard-vpcd was installed?): ` +
            "restart it: kill $(cat /run/pcscd/pcscd.pid); pcscd"
        : `pcscd is running but the vpcd virtual reader is not installed: apt-get install -y vsmartcard-vpcd, then restart pcscd`,
    );
  }
  const stray = runningPcscdPid();
  if (stray !== undefined) return unavailable(`pcscd (pid ${stray}) is running but does not answer on ${socketPath}: restart it (kill ${stray}; pcscd)`);

  const pcscd = findExecutable("pcscd");
  const missing = [!pcscd && "pcscd", !existsSync(VPCD_DRIVER_PATH) && VPCD_DRIVER_PATH, !existsSync(VPCD_CONFIG_PATH) && VPCD_CONFIG_PATH].filter(Boolean);
  if (!pcscd || missing.length) return unavailable(`PC/SC is not installed (missing ${missing.join(", ")}): ${APT_INSTALL_PCSC}`);
  if (process.getuid?.() !== 0) return unavailable("pcscd is not running and starting it needs root: sudo pcscd");

  // -f keeps it from daemonising, so the pid we get is pcscd's own. Its log goes to a file, not a pipe: a
  // pipe would keep this process alive, and closing it would SIGPIPE a pcscd that outlives this process.
  const logFile = join(STATE_DIR, "pcscd.log");
  const logFd = openSync(logFile, "w");
  const child: ChildProcess = spawn(pcscd, ["-f"], { stdio: ["ignore", logFd, logFd], detached: true });
  closeSync(logFd);
  child.unref();
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = `exit ${signal ?? code}`));
  child.once("error", (err) => (exited = err.message));
  if (child.pid !== undefined) writeFileSync(STARTED_PID, `${child.pid}\n`);

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && exited === undefined) {
    if (vpcdListening(0) && (await pcscdReachable(socketPath))) return using(true, ensureVpcdLowLatency({ applyRoute }));
    await sleep(100);
  }
  const why = exited !== undefined ? `pcscd -f stopped (${exited})` : `pcscd -f did not bring up ${socketPath} and vpcd port ${vpcdPort(0)} within ${timeoutMs} ms`;
  if (child.pid !== undefined && exited === undefined) await stopPid(child.pid);
  rmSync(STARTED_PID, { force: true });
  let log = "";
  try {
    log = readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join(" | ");
  } catch {
    // no log
  }
  return unavailable(`${why}${log ? `; its log (${logFile}): ${log}` : ""}`);
}
