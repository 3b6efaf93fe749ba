import { describe, expect, it } from "vitest";
import { StaffPinGuard } from "../../src/session/staff-pin-guard.js";

describe("StaffPinGuard", () => {
  it("counts wrong PINs in a row, locks at the limit, refuses even the right PIN while locked, then lets it in", () => {
    let now = 1_000;
    const guard = new StaffPinGuard("246810", { maxFailures: 3, lockMs: 60_000 }, () => now);
    expect(guard.check("000000")).toEqual({ ok: false, code: "staff-pin-wrong", retryAfterMs: null, triesLeft: 2 });
    expect(guard.check("24681")).toEqual({ ok: false, code: "staff-pin-wrong", retryAfterMs: null, triesLeft: 1 });
    expect(guard.check("2468100")).toEqual({ ok: false, code: "staff-pin-locked", retryAfterMs: 60_000 });
    now += 59_000;
    expect(guard.check("246810")).toEqual({ ok: false, code: "staff-pin-locked", retryAfterMs: 1_000 });
    now += 1_000;
    expect(guard.check("246810")).toEqual({ ok: true });
  });

  it("a right PIN resets the count", () => {
    const guard = new StaffPinGuard("246810", { maxFailures: 2 });
    expect(guard.check("1").ok).toBe(false);
    expect(guard.check("246810").ok).toBe(true);
    expect(guard.check("1")).toMatchObject({ code: "staff-pin-wrong" });
  });

  it("defaults to 5 wrong PINs and a 5-minute lock", () => {
    const guard = new StaffPinGuard("246810", {}, () => 0);
    for (let i = 0; i < 4; i++) expect(guard.check("x")).toMatchObject({ code: "staff-pin-wrong" });
    expect(guard.check("x")).toEqual({ ok: false, code: "staff-pin-locked", retryAfterMs: 300_000 });
  });
});
