import { describe, expect, it } from "vitest";
import { NonceStore, type NonceStoreOptions } from "../../src/services/nonce-store.js";

const A = "1311234567";
const B = "1341234567";

function store(o: Partial<NonceStoreOptions> = {}) {
  const clock = { ms: Date.parse("2026-11-22T03:00:00Z") };
  const nonces = new NonceStore({ ttlMs: 60_000, now: () => clock.ms, ...o });
  return { nonces, clock };
}
const issued = (r: ReturnType<NonceStore["issue"]>) => {
  if (!r || !("nonce" in r)) throw new Error(`refused: ${JSON.stringify(r)}`);
  return r.nonce;
};

describe("nonce store: fair shares", () => {
  it("a client fetching 200,000 nonces for one facility gets its share (1,000) and then R012; another facility is still served", () => {
    const { nonces } = store();
    let granted = 0;
    let refused: unknown = null;
    for (let i = 0; i < 200_000; i++) {
      const r = nonces.issue(A);
      if (r && "nonce" in r) granted++;
      else refused ??= r;
    }
    expect(granted).toBe(1_000);
    expect(refused).toEqual({ code: "R012", retryAfterSeconds: 60 });
    expect(issued(nonces.issue(B))).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("a nonce stops counting once it is used or expired", () => {
    const { nonces, clock } = store({ maxPerFacility: 3 });
    const first = issued(nonces.issue(A));
    issued(nonces.issue(A));
    issued(nonces.issue(A));
    expect(nonces.issue(A)).toMatchObject({ code: "R012" });
    expect(nonces.consume(first, A).ok).toBe(true);
    issued(nonces.issue(A));
    expect(nonces.issue(A)).toMatchObject({ code: "R012" });
    clock.ms += 60_001;
    for (let i = 0; i < 3; i++) issued(nonces.issue(A));
  });

  it("used nonces do not count: a steady stream of confirmations never fills the store", () => {
    const { nonces, clock } = store({ maxOutstanding: 1_000 });
    let confirmed = 0;
    for (let i = 0; i < 5_000; i++) {
      clock.ms += 0.5; // 2,000 a second, each used at once, for 2.5 s: 5,000 remembered, 1 outstanding
      if (nonces.consume(issued(nonces.issue(A)), A).ok) confirmed++;
    }
    expect(confirmed).toBe(5_000);
    expect(nonces.size).toBe(5_000);
  });

  it("Retry-After is when the facility's oldest outstanding nonce expires", () => {
    const { nonces, clock } = store({ maxPerFacility: 3 });
    for (let i = 0; i < 3; i++) {
      issued(nonces.issue(A));
      clock.ms += 10_000;
    }
    clock.ms += 5_000; // 35 s after the first
    expect(nonces.issue(A)).toEqual({ code: "R012", retryAfterSeconds: 25 });
  });

  it("the overall cap answers R009 once many facilities hold their full share", () => {
    const { nonces } = store({ maxPerFacility: 3, maxOutstanding: 5 });
    for (let i = 0; i < 3; i++) issued(nonces.issue(A));
    for (let i = 0; i < 2; i++) issued(nonces.issue(B));
    expect(nonces.issue("1311111111")).toEqual({ code: "R009", retryAfterSeconds: 60 });
  });

  it("used and expired nonces are remembered one TTL past expiry (E103/E102), then forgotten (E101)", () => {
    const { nonces, clock } = store();
    const used = issued(nonces.issue(A));
    const unused = issued(nonces.issue(A));
    expect(nonces.consume(used, A).ok).toBe(true);
    expect(nonces.consume(used, A)).toEqual({ ok: false, code: "E103" });
    clock.ms += 90_000;
    issued(nonces.issue(B));
    expect(nonces.consume(unused, A)).toEqual({ ok: false, code: "E102" });
    clock.ms += 40_000;
    issued(nonces.issue(B));
    expect(nonces.consume(used, A)).toEqual({ ok: false, code: "E101" });
    expect(nonces.size).toBe(2);
  });

  it("made-up facility codes are forgotten with their nonces", () => {
    const { nonces, clock } = store();
    for (let i = 0; i < 2_000; i++) issued(nonces.issue(String(1_000_000_000 + i)));
    expect(nonces.facilities).toBe(2_000);
    clock.ms += 120_001;
    issued(nonces.issue(A));
    expect({ facilities: nonces.facilities, size: nonces.size }).toEqual({ facilities: 1, size: 1 });
  });

  it("a nonce for another facility is E104, and is used up by the try", () => {
    const { nonces } = store();
    const n = issued(nonces.issue(A));
    expect(nonces.consume(n, B)).toEqual({ ok: false, code: "E104" });
    expect(nonces.consume(n, A)).toEqual({ ok: false, code: "E103" });
  });
});
