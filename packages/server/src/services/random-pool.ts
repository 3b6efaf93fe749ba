/** Random ids and nonces cut from a pooled buffer: one randomFillSync per 8 KiB instead of one call per id. */
import { randomFillSync } from "node:crypto";

const POOL_SIZE = 8192;
let pool = Buffer.alloc(0);
let offset = POOL_SIZE;

export function randomBase64url(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    offset = 0;
  }
  const out = pool.toString("base64url", offset, offset + bytes);
  offset += bytes;
  return out;
}

let lastMs = 0;
let seq = 0;

/**
 * An id that sorts by creation time (base36 milliseconds + a counter) followed by 12 random bytes: new rows land at
 * the right edge of the primary-key B-tree instead of a random page, which keeps each commit small.
 */
export function timeOrderedId(nowMs: number): string {
  if (nowMs === lastMs) seq++;
  else {
    lastMs = nowMs;
    seq = 0;
  }
  return nowMs.toString(36).padStart(9, "0") + seq.toString(36).padStart(4, "0") + randomBase64url(12);
}
