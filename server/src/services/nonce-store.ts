/**
 * Single-use challenges for the card path. A nonce is 32 random bytes (base64url), bound to the facility it was
 * issued for, and consumed by its first use whatever the outcome, so a replayed signature is refused.
 * Kept in memory: a restart invalidates outstanding nonces, which only makes the kiosk ask again.
 */
import { randomBase64url } from "./random-pool.js";

interface NonceEntry {
  readonly facility: string;
  readonly expiresAtMs: number;
  used: boolean;
}

export type NonceCheck =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly code: "E101" | "E102" | "E103" | "E104" };

export interface NonceStoreOptions {
  readonly ttlMs: number;
  readonly now: () => number;
  readonly maxOutstanding?: number;
}

export class NonceStore {
  private readonly entries = new Map<string, NonceEntry>();
  private lastSweepMs = 0;
  private readonly max: number;

  constructor(private readonly options: NonceStoreOptions) {
    this.max = options.maxOutstanding ?? 200_000;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** null when the store is full of live nonces (the caller answers 503). */
  issue(facility: string): { nonce: string; expiresAtMs: number } | null {
    const now = this.options.now();
    if (this.entries.size >= this.max || now - this.lastSweepMs > this.options.ttlMs) this.sweep(now);
    if (this.entries.size >= this.max) return null;
    const nonce = randomBase64url(32);
    const expiresAtMs = now + this.options.ttlMs;
    this.entries.set(nonce, { facility, expiresAtMs, used: false });
    return { nonce, expiresAtMs };
  }

  consume(nonce: string, facility: string): NonceCheck {
    const e = this.entries.get(nonce);
    if (!e) return { ok: false, code: "E101" };
    if (e.used) return { ok: false, code: "E103" };
    e.used = true;
    if (this.options.now() > e.expiresAtMs) return { ok: false, code: "E102" };
    if (e.facility !== facility) return { ok: false, code: "E104" };
    return { ok: true, bytes: Buffer.from(nonce, "base64url") };
  }

  /** Forget nonces one TTL past their expiry (kept that long so a late use reads "expired", not "unknown"). */
  private sweep(now: number): void {
    this.lastSweepMs = now;
    for (const [k, e] of this.entries) if (e.expiresAtMs + this.options.ttlMs < now) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }
}
