/**
 * The iPhone's "owner authenticated" state (Face ID / Touch ID on the phone, REFERENCE §6 [C]): the virtual
 * iPhone signs with its user-auth key only while this says yes. Set by the trainer, a scenario step, a test or
 * `onshi-sim phone auth <id>`; one authentication allows one signature (as each use on a real phone asks for
 * Face ID again), or lapses after its window.
 *
 * The file form lets another process (the CLI) authenticate a phone that `card insert` holds:
 * `data/cards/<id>.owner-auth.json` = `{ "until": "<ISO time>" }`, written whole (temp file, then rename).
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface OwnerAuthGate {
  /** Whether the owner is authenticated now. */
  isAuthenticated(): boolean;
  /** The authentication was used (a signature was made): it is gone. */
  consume(): void;
}

/** Default owner-auth window, long enough to authenticate and then hold the phone over the reader. */
export const OWNER_AUTH_DEFAULT_MS = 120_000;

export class MemoryOwnerAuth implements OwnerAuthGate {
  #until = 0;
  constructor(readonly now: () => number = Date.now) {}
  set(authenticated: boolean, forMs = OWNER_AUTH_DEFAULT_MS): void {
    this.#until = authenticated ? this.now() + forMs : 0;
  }
  isAuthenticated(): boolean {
    return this.now() < this.#until;
  }
  consume(): void {
    this.#until = 0;
  }
}

const fileOf = (dir: string, phoneId: string) => {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(phoneId)) throw new Error(`invalid phone id ${JSON.stringify(phoneId)}`);
  return join(dir, `${phoneId}.owner-auth.json`);
};

/** Sets (or clears, `forMs` null) the owner authentication of a phone in `dir` (data/cards). */
export function writeOwnerAuth(dir: string, phoneId: string, forMs: number | null, now = Date.now()): void {
  const file = fileOf(dir, phoneId);
  if (forMs === null) return rmSync(file, { force: true });
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ until: new Date(now + forMs).toISOString() })}\n`);
  renameSync(tmp, file);
}

/** Until when the phone's owner is authenticated, or null. A damaged file counts as not authenticated. */
export function readOwnerAuth(dir: string, phoneId: string): Date | null {
  try {
    const { until } = JSON.parse(readFileSync(fileOf(dir, phoneId), "utf8")) as { until?: unknown };
    const d = typeof until === "string" ? new Date(until) : null;
    return d && !Number.isNaN(d.getTime()) ? d : null;
  } catch {
    return null;
  }
}

export class FileOwnerAuth implements OwnerAuthGate {
  constructor(
    readonly dir: string,
    readonly phoneId: string,
    readonly now: () => number = Date.now,
  ) {}
  isAuthenticated(): boolean {
    const until = readOwnerAuth(this.dir, this.phoneId);
    return until !== null && this.now() < until.getTime();
  }
  consume(): void {
    writeOwnerAuth(this.dir, this.phoneId, null);
  }
}
