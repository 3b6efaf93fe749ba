/**
 * The persistent part of a virtual card: retry counters. Everything else (selected file, verified PINs) is
 * volatile and dies with power-off, as on the real chip. A locked card therefore stays locked when it is
 * removed and inserted again, and across process restarts when the store is a file.
 *
 * A card is in one reader at a time: a store hands each card to one holder (`claim`) and refuses a second
 * one — in the same process or, for the file store, in any other — so no two copies of a card count wrong
 * PINs apart from each other.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describeHolder, PidLock, PidLockError } from "@onshi-sim/pid-lock";

/** One counter per reference-data object on the card. */
export const PIN_OBJECTS = {
  userAuth: { maxTries: 3, label: "JPKI user-authentication PIN (利用者証明用暗証番号)" },
  signing: { maxTries: 5, label: "JPKI signing password (署名用パスワード)" },
  assist: { maxTries: 3, label: "券面事項入力補助用暗証番号" },
  assistMatchA: { maxTries: 10, label: "入力補助AP 照合番号A" },
  assistMatchB: { maxTries: 10, label: "入力補助AP 照合番号B" },
  cardFace: { maxTries: 10, label: "券面AP 照合番号B" },
  cardFaceMatchA: { maxTries: 10, label: "券面AP 照合番号A" },
} as const;

export type PinObjectName = keyof typeof PIN_OBJECTS;
export type RetryCounters = Record<PinObjectName, number>;

export interface CardState {
  readonly version: 1;
  retries: RetryCounters;
}

/** A card taken by one holder; `release` gives it back (idempotent). */
export interface CardClaim {
  release(): void;
}

export interface CardStateStore {
  load(cardId: string): CardState | undefined;
  save(cardId: string, state: CardState): void;
  delete(cardId: string): void;
  /**
   * Takes the card for one holder (`holder` says who, for the message a second claimant gets). Throws
   * CardInUseError while another claim on the card is live.
   */
  claim(cardId: string, holder: string): CardClaim;
}

/** The card is in another reader (process, or part of this one). */
export class CardInUseError extends Error {
  override name = "CardInUseError";
  constructor(
    readonly cardId: string,
    /** Who has it: "pid 123 (onshi-sim card insert --via memory), since …", or the holder within this process. */
    readonly holder: string,
  ) {
    super(`card "${cardId}" is already inserted by ${holder}: a card is in one reader at a time — remove it there first`);
  }
}

export class MemoryCardStateStore implements CardStateStore {
  readonly #states = new Map<string, CardState>();
  readonly #claims = new Map<string, string>();
  load(cardId: string): CardState | undefined {
    const s = this.#states.get(cardId);
    return s && { version: 1, retries: { ...s.retries } };
  }
  save(cardId: string, state: CardState): void {
    this.#states.set(cardId, { version: 1, retries: { ...state.retries } });
  }
  delete(cardId: string): void {
    this.#states.delete(cardId);
  }
  claim(cardId: string, holder: string): CardClaim {
    const current = this.#claims.get(cardId);
    if (current !== undefined) throw new CardInUseError(cardId, `${current} in this process`);
    this.#claims.set(cardId, holder);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#claims.delete(cardId);
      },
    };
  }
}

/** A state file is a few hundred bytes; anything much larger is not one (and is not read into memory). */
const MAX_STATE_BYTES = 64 * 1024;

/**
 * One small JSON file per card under `dir`, replaced atomically (write + rename) so a crash mid-write never
 * leaves a card with a corrupt counter. A corrupt or unreadable file is reported, not ignored: silently
 * resetting counters would unlock a locked card. Neither the file nor its temp file is ever followed through
 * a symbolic link. Claims are lock files next to the state (`<id>.lock`, see PidLock): one holder per card
 * across every process on the machine.
 */
export class FileCardStateStore implements CardStateStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  #file(cardId: string, suffix: string): string {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(cardId)) throw new Error(`invalid card id ${JSON.stringify(cardId)}`);
    return join(this.dir, `${cardId}${suffix}`);
  }

  #path(cardId: string): string {
    return this.#file(cardId, ".state.json");
  }

  load(cardId: string): CardState | undefined {
    const path = this.#path(cardId);
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return undefined;
      if (code === "ELOOP") throw corrupt(path, cardId, "it is a symbolic link, which card state files never are");
      throw e;
    }
    let text: string;
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw corrupt(path, cardId, "it is not a regular file");
      if (st.size > MAX_STATE_BYTES) throw corrupt(path, cardId, `it is ${st.size} bytes, far more than a state file`);
      const buf = Buffer.alloc(st.size);
      const n = st.size === 0 ? 0 : readSync(fd, buf, 0, st.size, 0);
      text = buf.subarray(0, n).toString("utf8");
    } finally {
      closeSync(fd);
    }
    return parseCardState(text, path, cardId);
  }

  save(cardId: string, state: CardState): void {
    const path = this.#path(cardId);
    const tmp = `${path}.${process.pid}.tmp`;
    const text = JSON.stringify({ version: 1, retries: state.retries }, null, 2) + "\n";
    let fd: number;
    try {
      fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      // Left by a killed process that had our pid, or planted: unlink removes the name, never a link's target.
      unlinkSync(tmp);
      fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    }
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    if (isSymlink(path)) {
      unlinkSync(tmp);
      throw corrupt(path, cardId, "it is a symbolic link, which card state files never are");
    }
    renameSync(tmp, path);
  }

  delete(cardId: string): void {
    const path = this.#path(cardId);
    if (isSymlink(path)) throw corrupt(path, cardId, "it is a symbolic link, which card state files never are");
    try {
      writeFileSync(path, ""); // truncate first so a reader never sees half a file
      renameSync(path, `${path}.deleted`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }

  claim(cardId: string, holder: string): CardClaim {
    const lockPath = this.#file(cardId, ".lock");
    let attempt;
    try {
      attempt = PidLock.tryAcquire(lockPath, { process: holder });
    } catch (e) {
      if (e instanceof PidLockError) throw new CardStateError(`card "${cardId}": ${e.message}`);
      throw e;
    }
    if (attempt.holder) throw new CardInUseError(cardId, describeHolder(attempt.holder));
    const lock = attempt.lock;
    return { release: () => lock.release() };
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The error for a state file that cannot be used: its path and the way out, never its content. */
function corrupt(path: string, cardId: string, why: string): CardStateError {
  return new CardStateError(
    `${path} is not a usable card state file (${why}): run \`onshi-sim card reset-pin ${cardId} --all\` to write a new one ` +
      `with full counters, or delete it (the card then starts from its fixture's counters)`,
  );
}

export class CardStateError extends Error {
  override name = "CardStateError";
}

/** Parses a state file's text; errors name `source` and the fix, and never quote the text. */
export function parseCardState(text: string, source: string, cardId: string): CardState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt(source, cardId, text.length === 0 ? "it is empty" : "it is not JSON");
  }
  if (typeof raw !== "object" || raw === null || (raw as { version?: unknown }).version !== 1) {
    throw corrupt(source, cardId, `expected {"version":1,"retries":{…}}`);
  }
  const retries = (raw as { retries?: unknown }).retries;
  if (typeof retries !== "object" || retries === null) throw corrupt(source, cardId, "retries: missing");
  const out = {} as RetryCounters;
  for (const [name, { maxTries }] of Object.entries(PIN_OBJECTS) as [PinObjectName, { maxTries: number }][]) {
    const v = (retries as Record<string, unknown>)[name];
    if (v === undefined) {
      out[name] = maxTries;
      continue;
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > maxTries) {
      throw corrupt(source, cardId, `retries.${name}: not an integer 0..${maxTries}`);
    }
    out[name] = v;
  }
  return { version: 1, retries: out };
}
