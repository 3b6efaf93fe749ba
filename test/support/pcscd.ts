/**
 * PC/SC for tests: make sure pcscd with the vpcd virtual reader is up (starting `pcscd -f` ourselves when we
 * can), tell test files whether to run, skip or fail, and hand out vpcd slots so test files running in
 * parallel processes never plug two cards into the same "Virtual PCD 00 0N".
 *
 * Rule: with CI=true a missing PC/SC stack fails the pcsc tests (with the reason); elsewhere they skip.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, inject, it } from "vitest";
import { findExecutable } from "../../reader-agent/src/cli/doctor.js";
import { runDir } from "../../reader-agent/src/config.js";
import { pcscdReachable, pcscdSocketPath } from "../../reader-agent/src/transport/pcsc.js";
import {
  listeningTcpPorts,
  vpcdPort,
  vpcdReaderName,
  VPCD_SLOTS,
} from "../../reader-agent/src/transport/vpcd-bridge.js";

export const VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
export const VPCD_CONFIG = "/etc/reader.conf.d/vpcd";
export const APT_INSTALL = "apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev && npm install";

/** What the global setup tells test files. */
export interface PcscAvailability {
  available: boolean;
  reason?: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    pcsc: PcscAvailability;
  }
}

export interface PcscdHandle extends PcscAvailability {
  /** This call started pcscd. */
  startedByUs: boolean;
  /** Ends this run's use of pcscd; stops it if a test run started it and no other run still uses it. */
  stop(): Promise<void>;
}

const noop = async () => {};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** True when a vpcd slot's port is in LISTEN state (read from /proc, so no phantom card is inserted). */
function vpcdListening(slot = 0): boolean {
  const ports = listeningTcpPorts();
  return ports ? ports.has(vpcdPort(slot)) : false;
}

/** Alive and not a zombie (a reparented daemon may linger as one where PID 1 does not reap). */
function pidAlive(pid: number): boolean {
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
 * Several test runs (other engineers, the bench, parallel vitest invocations) can share one pcscd, so the
 * harness keeps its state under the temp dir and changes it only while holding `start.lock`:
 *   users/<pid>   one file per run using pcscd;
 *   pcscd.pid     set when a test run started pcscd.
 * Startup under the lock means two runs never both start pcscd (the second one would take over the
 * socket while the ports stay with the first: no readers at all). At teardown the last run using a
 * test-started pcscd stops it, whichever run started it.
 */
const STATE_DIR = join(tmpdir(), "onshi-sim-pcscd");
const USERS_DIR = join(STATE_DIR, "users");
const STARTED_PID = join(STATE_DIR, "pcscd.pid");
const START_LOCK = join(STATE_DIR, "start.lock");

async function withStartLock<T>(timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  mkdirSync(USERS_DIR, { recursive: true });
  const deadline = Date.now() + timeoutMs;
  while (!(tryLock(START_LOCK) && (await sleep(20), ownsLock(START_LOCK)))) {
    if (Date.now() > deadline) throw new Error(`${START_LOCK} stayed locked for ${timeoutMs} ms`);
    await sleep(50);
  }
  try {
    return await fn();
  } finally {
    if (ownsLock(START_LOCK)) rmSync(START_LOCK, { force: true });
  }
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

function testStartedPcscd(): number | undefined {
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

/** Registers this run as a pcscd user; its stop() stops a test-started pcscd when no other run uses it. */
function using(startedByUs: boolean): PcscdHandle {
  const me = join(USERS_DIR, String(process.pid));
  writeFileSync(me, "");
  let stopped = false;
  return {
    available: true,
    startedByUs,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await withStartLock(30_000, async () => {
        rmSync(me, { force: true });
        const pid = testStartedPcscd();
        if (pid === undefined || otherLiveUsers() > 0) return;
        await stopPid(pid);
        rmSync(STARTED_PID, { force: true });
      });
    },
  };
}

/**
 * Uses a running pcscd whose vpcd listens on 127.0.0.1:35963, or starts `pcscd -f` (root only) and waits up
 * to `timeoutMs` for its socket and the vpcd port. Never throws: problems come back as `available: false`
 * with the reason and the command that fixes it.
 */
export async function ensurePcscd(options: { timeoutMs?: number } = {}): Promise<PcscdHandle> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  try {
    return await withStartLock(timeoutMs + 20_000, () => ensureLocked(timeoutMs));
  } catch (e) {
    return unavailable(`could not check pcscd: ${(e as Error).message}`);
  }
}

function unavailable(reason: string): PcscdHandle {
  return { available: false, reason, startedByUs: false, stop: noop };
}

async function ensureLocked(timeoutMs: number): Promise<PcscdHandle> {
  const socketPath = pcscdSocketPath();
  if (await pcscdReachable(socketPath)) {
    if (vpcdListening(0)) return using(false);
    return unavailable(
      existsSync(VPCD_CONFIG)
        ? `pcscd is running but its vpcd reader does not listen on port ${vpcdPort(0)} (it was started before vsmartcard-vpcd was installed?): ` +
            "restart it: kill $(cat /run/pcscd/pcscd.pid); pcscd"
        : `pcscd is running but the vpcd virtual reader is not installed: apt-get install -y vsmartcard-vpcd, then restart pcscd`,
    );
  }
  const stray = runningPcscdPid();
  if (stray !== undefined) return unavailable(`pcscd (pid ${stray}) is running but does not answer on ${socketPath}: restart it (kill ${stray}; pcscd)`);

  const pcscd = findExecutable("pcscd");
  const missing = [!pcscd && "pcscd", !existsSync(VPCD_DRIVER) && VPCD_DRIVER, !existsSync(VPCD_CONFIG) && VPCD_CONFIG].filter(Boolean);
  if (!pcscd || missing.length) return unavailable(`PC/SC is not installed (missing ${missing.join(", ")}): ${APT_INSTALL}`);
  if (process.getuid?.() !== 0) return unavailable("pcscd is not running and starting it needs root: sudo pcscd");

  // -f keeps it from daemonising, so the pid we get is pcscd's own. Its log goes to a file, not a pipe: a
  // pipe would keep this process alive, and closing it would SIGPIPE a pcscd that outlives this run.
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
    if (vpcdListening(0) && (await pcscdReachable(socketPath))) return using(true);
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

export type PcscTestMode = "run" | "skip" | "fail";

/** run: PC/SC is there; skip: it is not (outside CI); fail: it is not and CI=true, where skipping hides breakage. */
export function pcscTestMode(): { mode: PcscTestMode; reason: string } {
  const provided = inject("pcsc") as PcscAvailability | undefined;
  const state: PcscAvailability = provided ?? { available: false, reason: "test/global-setup.ts did not run, so PC/SC was not checked" };
  if (state.available) return { mode: "run", reason: "" };
  const reason = state.reason ?? "PC/SC is unavailable";
  return { mode: process.env.CI === "true" ? "fail" : "skip", reason };
}

/** `describe` for tests that need pcscd + vpcd: runs, skips (saying why) or fails per `pcscTestMode()`. */
export function describePcsc(name: string, body: () => void): void {
  const { mode, reason } = pcscTestMode();
  if (mode === "run") {
    describe(name, body);
  } else if (mode === "skip") {
    process.stderr.write(`[pcsc] skipping "${name}": ${reason}\n`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  } else {
    describe(name, () => {
      it("needs PC/SC: CI=true fails instead of skipping", () => {
        throw new Error(`PC/SC is unavailable in CI: ${reason}`);
      });
    });
  }
}

export interface VpcdSlotLease {
  readonly slot: number;
  readonly port: number;
  readonly reader: string;
  /** Remove the card first. Resolves once pcscd has had time to notice the removal, then frees the slot. */
  release(): Promise<void>;
}

/** pcscd polls a vpcd slot about every 0.45 s; a slot handed on sooner could still show the last card. */
const SLOT_SETTLE_MS = 700;

const LOCK_DIR = join(tmpdir(), "onshi-sim-vpcd-locks");

/**
 * Takes a vpcd slot for this process: a lock file per slot under the temp dir (stale locks of dead pids are
 * taken over), skipping slots that hold a card of `onshi-sim card insert`. Waits while every slot is busy.
 * vpcd has 2 slots, so at most two pcsc test files run at once; the rest wait here.
 */
export async function acquireVpcdSlot(options: { timeoutMs?: number } = {}): Promise<VpcdSlotLease> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  mkdirSync(LOCK_DIR, { recursive: true });
  for (;;) {
    for (let slot = 0; slot < VPCD_SLOTS; slot++) {
      if (cliCardIn(slot)) continue;
      const lock = join(LOCK_DIR, `slot-${slot}.lock`);
      // Re-read after a moment: two processes taking over the same stale lock at once both "succeed",
      // but only one of them still finds its own pid in the file.
      if (tryLock(lock) && (await sleep(50), ownsLock(lock))) {
        let released = false;
        const unlock = () => {
          process.off("exit", unlock);
          try {
            if (ownsLock(lock)) unlinkSync(lock);
          } catch {
            // already gone
          }
        };
        process.on("exit", unlock);
        const release = async () => {
          if (released) return;
          released = true;
          await sleep(SLOT_SETTLE_MS);
          unlock();
        };
        return { slot, port: vpcdPort(slot), reader: vpcdReaderName(slot), release };
      }
    }
    if (Date.now() > deadline) throw new Error(`no free vpcd slot within the timeout (locks in ${LOCK_DIR})`);
    await sleep(200);
  }
}

function ownsLock(path: string): boolean {
  try {
    return readFileSync(path, "utf8").trim() === String(process.pid);
  } catch {
    return false;
  }
}

function tryLock(path: string): boolean {
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
  return tryLock(path);
}

/** A card a developer inserted with `onshi-sim card insert --slot N` (pid file in data/run). */
function cliCardIn(slot: number): boolean {
  try {
    const record = JSON.parse(readFileSync(join(runDir(), `vpcd-slot-${slot}.json`), "utf8")) as { pid?: unknown };
    return typeof record.pid === "number" && pidAlive(record.pid);
  } catch {
    return false;
  }
}
