/**
 * Latency of an APDU over pcscd's vpcd reader, and the two ways to take the delayed ACK out of it.
 *
 * pcscd's vpcd driver writes each message's 2-byte length and its payload with two send()s and without
 * TCP_NODELAY. Nagle then holds the payload until the length is ACKed, and Linux delays that ACK on our
 * (the card's) socket by ~40 ms because the connection is in request/response ("pingpong") mode. Measured
 * on this kind of machine (median APDU round trip, PcscReaderTransport → pcscd → vpcd → a card):
 *   nothing done                                 ~44 ms (TCP_NODELAY on our socket or one-write replies: same)
 *   TCP_QUICKACK on our socket after each read   ~0.3 ms  ← no root: what VpcdBridge does
 *   `quickack 1` on the loopback route            ~0.3 ms  ← root; what ensurePcscd falls back to
 * TCP_NODELAY on our side cannot help: the held-back segment is pcscd's. TCP_QUICKACK is not sticky (the
 * kernel re-enters pingpong mode on our next reply), so it is set again whenever a read leaves a frame
 * incomplete — exactly when pcscd waits for our ACK. Node has no setsockopt, so this goes through the small
 * optional `sockopt` addon (N-API, prebuilt for linux-x64/arm64); without it, the loopback route is the fix.
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import type { Socket } from "node:net";

const IPPROTO_TCP = 6;
/** linux/tcp.h */
const TCP_QUICKACK = 12;

type SetSockOpt = (socket: Socket, level: number, option: number, value: number) => void;

let setsockopt: SetSockOpt | undefined;
let unavailableReason: string | undefined;

function loadSetsockopt(): SetSockOpt | undefined {
  if (setsockopt || unavailableReason) return setsockopt;
  if (process.platform !== "linux") {
    unavailableReason = `TCP_QUICKACK is Linux-only (this is ${process.platform})`;
    return undefined;
  }
  try {
    const mod = createRequire(import.meta.url)("sockopt") as { setsockopt?: unknown };
    if (typeof mod.setsockopt !== "function") throw new Error("sockopt has no setsockopt export");
    setsockopt = mod.setsockopt as SetSockOpt;
  } catch (e) {
    unavailableReason = `the optional sockopt module does not load (${(e as Error).message.split("\n")[0]}); npm install brings it`;
  }
  return setsockopt;
}

/** Whether VpcdBridge can set TCP_QUICKACK on its socket here, and if not, why. */
export function socketQuickackSupport(): { available: true } | { available: false; reason: string } {
  return loadSetsockopt() ? { available: true } : { available: false, reason: unavailableReason ?? "unknown" };
}

/**
 * Asks the kernel to ACK what this socket has received right away (and leave delayed-ACK mode until our
 * next reply). False when that is not possible here or the call failed (e.g. the socket just closed).
 */
export function quickAckNow(socket: Socket): boolean {
  const set = loadSetsockopt();
  if (!set) return false;
  try {
    set(socket, IPPROTO_TCP, TCP_QUICKACK, 1);
    return true;
  } catch {
    return false;
  }
}

/** The loopback route as the kernel creates it; `ip route change` needs every field to find it. */
export const LOOPBACK_ROUTE = "local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 table local";
export const LOOPBACK_QUICKACK_COMMAND = `ip route change ${LOOPBACK_ROUTE} quickack 1`;

/** Whether the loopback route has `quickack 1`; undefined when `ip` is not available. */
export function loopbackQuickackEnabled(): boolean | undefined {
  try {
    const out = execFileSync("ip", ["route", "show", "table", "local", "127.0.0.1"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 2000 });
    return /\bquickack 1\b/.test(out);
  } catch {
    return undefined;
  }
}

/** Sets or clears `quickack` on the loopback route (needs root; lost at reboot). Throws with `ip`'s message on failure. */
export function setLoopbackQuickack(on: boolean): void {
  try {
    execFileSync("ip", ["route", "change", ...LOOPBACK_ROUTE.split(" "), "quickack", on ? "1" : "0"], { stdio: ["ignore", "ignore", "pipe"], timeout: 2000 });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(stderr || (e as Error).message, { cause: e });
  }
}

/** What keeps an APDU over vpcd from waiting for a delayed ACK: our socket, the loopback route, or nothing. */
export type VpcdLatencyFix = "socket" | "route" | "none";

export interface VpcdLatency {
  readonly fix: VpcdLatencyFix;
  /** The loopback route got `quickack 1` in this call. */
  readonly routeChanged: boolean;
  /** One line for a person: what is in place, or what to run. */
  readonly detail: string;
}

export interface VpcdLatencyProbes {
  socketQuickack(): { available: true } | { available: false; reason: string };
  routeQuickack(): boolean | undefined;
  setRouteQuickack(): void;
  isRoot(): boolean;
}

export const systemLatencyProbes: VpcdLatencyProbes = {
  socketQuickack: socketQuickackSupport,
  routeQuickack: loopbackQuickackEnabled,
  setRouteQuickack: () => setLoopbackQuickack(true),
  isRoot: () => process.getuid?.() === 0,
};

/**
 * Makes sure APDUs over vpcd do not wait for delayed ACKs: nothing to do when VpcdBridge can set
 * TCP_QUICKACK itself (no root, nothing changed on the machine); otherwise the loopback route's `quickack 1`,
 * set here once when `applyRoute` and we are root. Never throws.
 */
export function ensureVpcdLowLatency(options: { applyRoute?: boolean } = {}, probes: VpcdLatencyProbes = systemLatencyProbes): VpcdLatency {
  const socket = probes.socketQuickack();
  if (socket.available) return { fix: "socket", routeChanged: false, detail: "VpcdBridge sets TCP_QUICKACK on its socket (no root needed)" };
  const why = `card-side TCP_QUICKACK unavailable: ${socket.reason}`;
  const route = probes.routeQuickack();
  if (route) return { fix: "route", routeChanged: false, detail: `the loopback route has quickack 1 (${why})` };
  if (route === undefined) return { fix: "none", routeChanged: false, detail: `~40 ms per APDU: ${why}, and \`ip\` is not available to check the loopback route` };
  if (options.applyRoute !== false && probes.isRoot()) {
    try {
      probes.setRouteQuickack();
      return { fix: "route", routeChanged: true, detail: `set quickack 1 on the loopback route (${why})` };
    } catch (e) {
      return { fix: "none", routeChanged: false, detail: `~40 ms per APDU: ${why}, and \`${LOOPBACK_QUICKACK_COMMAND}\` failed: ${(e as Error).message}` };
    }
  }
  return { fix: "none", routeChanged: false, detail: `~40 ms per APDU: ${why}; as root: ${LOOPBACK_QUICKACK_COMMAND}` };
}
