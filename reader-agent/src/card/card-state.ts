/**
 * The persistent part of a virtual card: retry counters. Everything else (selected file, verified PINs) is
 * volatile and dies with power-off, as on the real chip. A locked card therefore stays locked when it is
 * removed and inserted again, and across process restarts when the store is a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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

export interface CardStateStore {
  load(cardId: string): CardState | undefined;
  save(cardId: string, state: CardState): void;
  delete(cardId: string): void;
}

export class MemoryCardStateStore implements CardStateStore {
  readonly #states = new Map<string, CardState>();
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
}

/**
 * One small JSON file per card under `dir`, replaced atomically (write + rename) so a crash mid-write
 * never leaves a card with a corrupt counter. A corrupt or unreadable file is reported, not ignored:
 * silently resetting counters would unlock a locked card.
 */
export class FileCardStateStore implements CardStateStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  #path(cardId: string): string {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(cardId)) throw new Error(`invalid card id ${JSON.stringify(cardId)}`);
    return join(this.dir, `${cardId}.state.json`);
  }

  load(cardId: string): CardState | undefined {
    let text: string;
    try {
      text = readFileSync(this.#path(cardId), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
    return parseCardState(text, this.#path(cardId));
  }

  save(cardId: string, state: CardState): void {
    const path = this.#path(cardId);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, retries: state.retries }, null, 2) + "\n");
    renameSync(tmp, path);
  }

  delete(cardId: string): void {
    try {
      writeFileSync(this.#path(cardId), ""); // truncate first so a reader never sees half a file
      renameSync(this.#path(cardId), `${this.#path(cardId)}.deleted`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
}

export class CardStateError extends Error {
  override name = "CardStateError";
}

export function parseCardState(text: string, source: string): CardState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CardStateError(`${source}: not valid JSON (${(e as Error).message}); delete it or run "onshi-sim card reset-pin" to recreate it`);
  }
  if (typeof raw !== "object" || raw === null || (raw as { version?: unknown }).version !== 1) {
    throw new CardStateError(`${source}: expected {"version":1,"retries":{…}}`);
  }
  const retries = (raw as { retries?: unknown }).retries;
  if (typeof retries !== "object" || retries === null) throw new CardStateError(`${source}: retries: missing`);
  const out = {} as RetryCounters;
  for (const [name, { maxTries }] of Object.entries(PIN_OBJECTS) as [PinObjectName, { maxTries: number }][]) {
    const v = (retries as Record<string, unknown>)[name];
    if (v === undefined) {
      out[name] = maxTries;
      continue;
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > maxTries) {
      throw new CardStateError(`${source}: retries.${name}: expected an integer 0..${maxTries}, got ${JSON.stringify(v)}`);
    }
    out[name] = v;
  }
  return { version: 1, retries: out };
}
