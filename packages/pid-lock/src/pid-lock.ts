/**
 * A lock file naming the process that holds something — a data folder, a virtual card — so a second process
 * is refused with the holder's name instead of silently sharing (and forking) the state. Lives in the server
 * package because both the server (its data folder) and the reader agent (its cards) need it, and the agent
 * already depends on the server; it uses nothing but node:fs.
 *
 * A holder is alive when its pid is (not a zombie) and, where /proc exists, when that pid's start time is the
 * one recorded: a pid the kernel has handed to an unrelated process since is not the holder. A lock whose
 * holder is gone (SIGKILL, crash) is taken over.
 *
 * The file appears whole (written to a temp file, then hard-linked into place: link fails when the name
 * exists, so exactly one of several processes gets it). A stale lock is removed only under a second, short
 * lock (`<lock>.break`), so two processes breaking the same stale lock cannot remove each other's fresh one.
 */
import { randomBytes } from "node:crypto";
import { closeSync, constants, fstatSync, linkSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";

/** What a lock file says. `details` describe the holder for refusal messages: `process` (what it is), URL, …. */
export interface PidLockRecord {
  readonly pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot); absent where there is no /proc. */
  readonly startTime?: string;
  /** Tells this holder's lock from a later one by the same pid. */
  readonly token: string;
  /** When it was taken (ISO 8601). */
  readonly since: string;
  readonly details: Readonly<Record<string, string | number>>;
}

export class PidLockError extends Error {
  override name = "PidLockError";
}

const MAX_LOCK_BYTES = 64 * 1024;

/** The start time of a process (clock ticks after boot), or undefined when it is gone or there is no /proc. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces or ')': count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[19]; // field 22; fields[0] is field 3
}

function hasProc(): boolean {
  return processStartTime(process.pid) !== undefined;
}

/** Alive and not a zombie. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return !hasProc(); // /proc exists but not this pid: it just went; no /proc at all: trust kill(0)
  }
}

/** True while the process that wrote `record` runs (and its pid was not reused since). */
export function holderAlive(record: PidLockRecord): boolean {
  if (!pidAlive(record.pid)) return false;
  if (record.startTime === undefined) return true;
  const now = processStartTime(record.pid);
  return now === undefined ? !hasProc() : now === record.startTime;
}

type Read = { readonly kind: "missing" } | { readonly kind: "garbage" } | { readonly kind: "record"; readonly record: PidLockRecord };

function readLock(path: string): Read {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { kind: "missing" };
    if (code === "ELOOP") throw new PidLockError(`${path} is a symbolic link, not a lock file; remove it`);
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new PidLockError(`${path} is not a regular file; remove it`);
    if (st.size > MAX_LOCK_BYTES) return { kind: "garbage" };
    const buf = Buffer.alloc(st.size);
    const n = st.size === 0 ? 0 : readSync(fd, buf, 0, st.size, 0);
    const raw = JSON.parse(buf.subarray(0, n).toString("utf8")) as Partial<PidLockRecord>;
    if (typeof raw.pid !== "number" || typeof raw.token !== "string") return { kind: "garbage" };
    return {
      kind: "record",
      record: {
        pid: raw.pid,
        ...(typeof raw.startTime === "string" ? { startTime: raw.startTime } : {}),
        token: raw.token,
        since: typeof raw.since === "string" ? raw.since : "",
        details: typeof raw.details === "object" && raw.details !== null ? raw.details : {},
      },
    };
  } catch (e) {
    if (e instanceof PidLockError) throw e;
    return { kind: "garbage" }; // not JSON: nobody we could name holds it
  } finally {
    closeSync(fd);
  }
}

/** Creates `path` with `record` in it, whole, unless it exists. */
function createExclusive(path: string, record: PidLockRecord): boolean {
  const tmp = `${path}.${record.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    writeSync(fd, JSON.stringify(record) + "\n");
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  } finally {
    unlinkSync(tmp);
  }
}

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));
const sleepSync = (ms: number) => Atomics.wait(pause, 0, 0, ms);

/** Removes the lock at `path` if its holder is gone; false when another process is doing that right now. */
function breakStale(path: string, self: PidLockRecord): boolean {
  const guard = `${path}.break`;
  if (!createExclusive(guard, self)) {
    const g = readLock(guard);
    if (g.kind === "record" && holderAlive(g.record)) return false;
    // A breaker died within the few syscalls it holds the guard: take its guard away and start over.
    unlinkIfPresent(guard);
    return true;
  }
  try {
    // Under the guard nobody else removes `path`, and nobody creates it while it exists: what we read now is
    // what we remove.
    const now = readLock(path);
    if (now.kind === "missing" || (now.kind === "record" && holderAlive(now.record))) return true;
    unlinkIfPresent(path);
    return true;
  } finally {
    unlinkIfPresent(guard);
  }
}

/** Locks taken by this process, released when it exits normally (a killed one leaves a stale lock behind). */
const held = new Set<PidLock>();
let exitHook = false;

export type PidLockAttempt = { readonly lock: PidLock; readonly holder?: undefined } | { readonly lock?: undefined; readonly holder: PidLockRecord };

export class PidLock {
  readonly #path: string;
  #record: PidLockRecord;
  #released = false;

  private constructor(path: string, record: PidLockRecord) {
    this.#path = path;
    this.#record = record;
  }

  /**
   * Takes the lock at `path` for this process, or answers who holds it. A lock held by this same process
   * (another part of it) is held: a second claim within one process is refused like one from outside.
   */
  static tryAcquire(path: string, details: Record<string, string | number> = {}): PidLockAttempt {
    const startTime = processStartTime(process.pid);
    const record: PidLockRecord = {
      pid: process.pid,
      ...(startTime !== undefined ? { startTime } : {}),
      token: randomBytes(12).toString("hex"),
      since: new Date().toISOString(),
      details,
    };
    for (let attempt = 0; attempt < 200; attempt++) {
      if (createExclusive(path, record)) {
        const lock = new PidLock(path, record);
        held.add(lock);
        if (!exitHook) {
          exitHook = true;
          process.once("exit", () => {
            for (const l of held) l.release();
          });
        }
        return { lock };
      }
      const current = readLock(path);
      if (current.kind === "record" && holderAlive(current.record)) return { holder: current.record };
      if (current.kind !== "missing" && !breakStale(path, record)) sleepSync(2);
    }
    throw new PidLockError(`could not take the lock ${path}: other processes keep taking and breaking it`);
  }

  /** The live holder of the lock at `path`, if any. */
  static holder(path: string): PidLockRecord | undefined {
    const r = readLock(path);
    return r.kind === "record" && holderAlive(r.record) ? r.record : undefined;
  }

  get path(): string {
    return this.#path;
  }

  get record(): PidLockRecord {
    return this.#record;
  }

  /** Adds to what the lock says about its holder (e.g. the URL once listening). */
  update(details: Record<string, string | number>): void {
    if (this.#released) throw new PidLockError(`${this.#path}: the lock was released`);
    const record = { ...this.#record, details: { ...this.#record.details, ...details } };
    const tmp = `${this.#path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      writeSync(fd, JSON.stringify(record) + "\n");
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#path); // ours while we live: nobody else replaces or removes it meanwhile
    this.#record = record;
  }

  /** Gives the lock up (idempotent); leaves the file alone if it is no longer ours. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    held.delete(this);
    try {
      const r = readLock(this.#path);
      if (r.kind === "record" && r.record.token === this.#record.token) unlinkIfPresent(this.#path);
    } catch {
      // not ours to clean up
    }
  }
}

/** "pid 123 (<details.process>), <other details>, since <time>" for refusal messages. */
export function describeHolder(record: PidLockRecord): string {
  const { process: what, ...rest } = record.details;
  const details = Object.entries(rest).map(([k, v]) => `${k} ${v}`);
  return [`pid ${record.pid}${what !== undefined ? ` (${what})` : ""}`, ...details, ...(record.since ? [`since ${record.since}`] : [])].join(", ");
}
