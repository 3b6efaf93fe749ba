import { describe, expect, it } from "vitest";
import { LoopBudget } from "../../src/oqs/loop-budget.js";

/** Keeps the event loop busy (synchronously) for `ms`, as a burst of API requests would. */
function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe("LoopBudget", () => {
  it("holds background work back after a window the event loop spent busy", () => {
    const budget = new LoopBudget({ maxShare: 0.5, windowMs: 20, floorMs: 60_000 });
    expect(budget.allows()).toBe(true); // nothing measured yet
    busyFor(30);
    expect(budget.allows()).toBe(false);
    expect(budget.allows()).toBe(false);
  });

  it("however busy the loop, one start goes through per floor period (the batch never stops)", () => {
    const budget = new LoopBudget({ maxShare: 0.5, windowMs: 20, floorMs: 25 });
    expect(budget.allows()).toBe(true);
    busyFor(30);
    expect(budget.allows()).toBe(true);
  });

  it("lets work start while the loop has room", () => {
    const budget = new LoopBudget({ maxShare: 1, windowMs: 20, floorMs: 60_000 });
    busyFor(30);
    for (let i = 0; i < 5; i++) expect(budget.allows()).toBe(true);
  });
});
