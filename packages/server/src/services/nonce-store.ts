/**
 * Single-use challenges for the card path. A nonce is 32 random bytes (base64url), bound to the facility it was
 * issued for, and consumed by its first use whatever the outcome, so a replayed signature is refused.
 * Kept in memory: a restart invalidates outstanding nonces, which only makes the kiosk ask again.
 *
 * Fair shares. A nonce is *outstanding* from its issue until it is used or expires. One facility may hold
 * `maxPerFacility` outstanding nonces (default 1,000 — a clinic's readers hold one each), all facilities together
 * `maxOutstanding` (default 100,000). A client asking for more than its facility's share is refused (R012, HTTP 429)
 * with the time until its own oldest nonce expires, and keeps the ones it has: nobody else notices. Only when a
 * hundred facilities hold their full share at once does the store answer R009 (503) to everyone. Used and expired
 * nonces never count; before this, a flood of 200,000 filled the one shared limit with nonces nobody would use, and
 * every facility got 503 until they were swept two minutes later.
 *
 * Used and expired nonces are still remembered for one TTL past their expiry, so a late use reads E102/E103 rather
 * than E101; they are forgotten oldest first, a few on each issue, never in one long sweep of the whole map.
 * The card path pays a map lookup and a few counter updates per nonce.
 */
import { randomBase64url } from "./random-pool.js";

/** A facility with remembered nonces; dropped when its latest one is forgotten. */
interface Holder {
  readonly facility: string;
  outstanding: number;
  /** Its nonces in issue order (= expiry order), used ones among them until they reach the front. */
  readonly queue: Fifo<NonceEntry>;
  latest: NonceEntry | null;
}

interface NonceEntry {
  readonly nonce: string;
  readonly holder: Holder;
  readonly expiresAtMs: number;
  used: boolean;
  /** Counted in its holder's share (issued, not used, not yet seen expired). */
  outstanding: boolean;
}

export type NonceCheck =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly code: "E101" | "E102" | "E103" | "E104" };

export type NonceIssue =
  | { readonly nonce: string; readonly expiresAtMs: number }
  /** R012: this facility holds its share; R009: all facilities together hold the store's. */
  | { readonly code: "R012" | "R009"; readonly retryAfterSeconds: number };

export interface NonceStoreOptions {
  readonly ttlMs: number;
  readonly now: () => number;
  /** Outstanding nonces one facility may hold (default 1,000). */
  readonly maxPerFacility?: number;
  /** Outstanding nonces all facilities may hold together (default 100,000). */
  readonly maxOutstanding?: number;
}

export const DEFAULT_MAX_NONCES_PER_FACILITY = 1_000;
export const DEFAULT_MAX_OUTSTANDING_NONCES = 100_000;

export class NonceStore {
  private readonly entries = new Map<string, NonceEntry>();
  private readonly holders = new Map<string, Holder>();
  /** Every remembered nonce in issue order: released at expiry, forgotten one TTL later. */
  private readonly toExpire = new Fifo<NonceEntry>();
  private readonly toForget = new Fifo<NonceEntry>();
  private outstanding = 0;
  private readonly maxPerFacility: number;
  private readonly maxOutstanding: number;

  constructor(private readonly options: NonceStoreOptions) {
    this.maxPerFacility = options.maxPerFacility ?? DEFAULT_MAX_NONCES_PER_FACILITY;
    this.maxOutstanding = options.maxOutstanding ?? DEFAULT_MAX_OUTSTANDING_NONCES;
    if (!(this.maxPerFacility >= 1 && this.maxOutstanding >= 1)) throw new Error("nonce limits must be at least 1");
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  issue(facility: string): NonceIssue {
    const now = this.options.now();
    this.expire(now);
    const holder = this.holders.get(facility);
    if (holder && holder.outstanding >= this.maxPerFacility) {
      while (!holder.queue.peek()!.outstanding) holder.queue.shift();
      return { code: "R012", retryAfterSeconds: secondsUntil(holder.queue.peek()!.expiresAtMs, now) };
    }
    if (this.outstanding >= this.maxOutstanding) {
      return { code: "R009", retryAfterSeconds: secondsUntil(this.toExpire.peek()?.expiresAtMs ?? now + this.options.ttlMs, now) };
    }
    const h = holder ?? this.newHolder(facility);
    // Keep the queue short: whatever was used at its front has nothing left to say.
    while (h.queue.length > 0 && !h.queue.peek()!.outstanding) h.queue.shift();
    const nonce = randomBase64url(32);
    const entry: NonceEntry = { nonce, holder: h, expiresAtMs: now + this.options.ttlMs, used: false, outstanding: true };
    this.entries.set(nonce, entry);
    h.queue.push(entry);
    h.latest = entry;
    h.outstanding++;
    this.outstanding++;
    this.toExpire.push(entry);
    this.toForget.push(entry);
    return { nonce, expiresAtMs: entry.expiresAtMs };
  }

  consume(nonce: string, facility: string): NonceCheck {
    const e = this.entries.get(nonce);
    if (!e) return { ok: false, code: "E101" };
    if (e.used) return { ok: false, code: "E103" };
    e.used = true;
    if (e.outstanding) this.release(e);
    if (this.options.now() > e.expiresAtMs) return { ok: false, code: "E102" };
    if (e.holder.facility !== facility) return { ok: false, code: "E104" };
    return { ok: true, bytes: Buffer.from(nonce, "base64url") };
  }

  /** Nonces remembered (outstanding, used or expired). */
  get size(): number {
    return this.entries.size;
  }

  /** Facilities with remembered nonces. */
  get facilities(): number {
    return this.holders.size;
  }

  private newHolder(facility: string): Holder {
    const h: Holder = { facility, outstanding: 0, queue: new Fifo(), latest: null };
    this.holders.set(facility, h);
    return h;
  }

  private release(e: NonceEntry): void {
    e.outstanding = false;
    this.outstanding--;
    e.holder.outstanding--;
  }

  /** Releases nonces that have expired and forgets those one TTL past it; amortised O(1) per issue. */
  private expire(now: number): void {
    for (let e = this.toExpire.peek(); e && e.expiresAtMs < now; e = this.toExpire.peek()) {
      this.toExpire.shift();
      if (e.outstanding) this.release(e);
    }
    for (let e = this.toForget.peek(); e && e.expiresAtMs + this.options.ttlMs < now; e = this.toForget.peek()) {
      this.toForget.shift();
      this.entries.delete(e.nonce);
      // Its facility has asked for nothing since: forget the facility too (codes can be made up, so this bounds the map).
      if (e.holder.latest === e && this.holders.get(e.holder.facility) === e.holder) this.holders.delete(e.holder.facility);
    }
  }
}

const secondsUntil = (ms: number, now: number) => Math.max(1, Math.ceil((ms - now) / 1000));

/** A first-in first-out queue on an array: shift moves a start index, and the array is compacted now and then. */
class Fifo<T> {
  private items: (T | undefined)[] = [];
  private start = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.start];
  }

  shift(): void {
    this.items[this.start++] = undefined;
    if (this.start >= 1024 && this.start * 2 >= this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }
}
