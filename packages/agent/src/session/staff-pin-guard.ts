/**
 * The staff PIN (目視 and staff input) is typed on screens in a public waiting room, so guessing it must not be
 * free: after `maxFailures` wrong PINs in a row it is locked for `lockMs`, for every reader of the agent at once
 * (one guard per SessionManager — pulling the card and starting a new session does not reset it). While locked,
 * even the right PIN is refused. The comparison is constant-time; the PIN itself is never logged.
 */
import { timingSafeEqual } from "node:crypto";

export interface StaffPinLockOptions {
  /** Wrong staff PINs in a row before the lock. Default 5. */
  readonly maxFailures?: number;
  /** How long the lock lasts. Default 5 minutes. */
  readonly lockMs?: number;
}

export type StaffPinCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: "staff-pin-wrong"; readonly retryAfterMs: null; readonly triesLeft: number }
  | { readonly ok: false; readonly code: "staff-pin-locked"; readonly retryAfterMs: number };

export class StaffPinGuard {
  readonly #pin: Buffer;
  readonly #maxFailures: number;
  readonly #lockMs: number;
  readonly #now: () => number;
  #failures = 0;
  #lockedUntil = 0;

  constructor(pin: string, options: StaffPinLockOptions = {}, now: () => number = Date.now) {
    this.#pin = Buffer.from(pin);
    this.#maxFailures = options.maxFailures ?? 5;
    this.#lockMs = options.lockMs ?? 5 * 60_000;
    this.#now = now;
  }

  /** The guard for a configured staff PIN; none when 目視 is not configured. */
  static forPin(pin: string | undefined, options?: StaffPinLockOptions): StaffPinGuard | undefined {
    return pin ? new StaffPinGuard(pin, options) : undefined;
  }

  check(given: string): StaffPinCheck {
    const now = this.#now();
    if (now < this.#lockedUntil) return { ok: false, code: "staff-pin-locked", retryAfterMs: this.#lockedUntil - now };
    const a = Buffer.from(given);
    if (a.length === this.#pin.length && timingSafeEqual(a, this.#pin)) {
      this.#failures = 0;
      return { ok: true };
    }
    this.#failures++;
    if (this.#failures >= this.#maxFailures) {
      this.#failures = 0;
      this.#lockedUntil = now + this.#lockMs;
      return { ok: false, code: "staff-pin-locked", retryAfterMs: this.#lockMs };
    }
    return { ok: false, code: "staff-pin-wrong", retryAfterMs: null, triesLeft: this.#maxFailures - this.#failures };
  }
}
