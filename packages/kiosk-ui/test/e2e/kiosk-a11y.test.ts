/**
 * axe-core (injected into the page) on every kiosk screen and the staff pages: no serious or critical
 * violations; and on every kiosk screen, no sentence said twice (support/sentences.ts). The same tour as
 * `npm run screenshots`, so each screen is the real one (real agent, server, camera) — one browser for both checks.
 */
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { chromiumAvailable, startStack, type Stack } from "../support/stack.js";
import { repeatedOnScreen } from "../support/sentences.js";
import { TOUR_SCREENS, tour } from "../support/tour.js";

const run = chromiumAvailable();
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

async function axe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => "axe" in globalThis))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const a = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const doc = (globalThis as unknown as { document: unknown }).document;
    const result = await a.run(doc, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

describe.skipIf(!run)("accessibility (axe-core)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ face: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("every screen has no serious or critical violations, and no kiosk screen says a sentence twice", async () => {
    const found: Record<string, AxeViolation[]> = {};
    const repeated: Record<string, string[]> = {};
    const visited: string[] = [];
    await tour(stack, async (name, page) => {
      visited.push(name);
      const serious = (await axe(page)).filter((v) => v.impact === "serious" || v.impact === "critical");
      if (serious.length) found[name] = serious;
      // The patient's screens; /reception and /trainer list many sessions and events, which may say the same.
      if (name !== "reception" && name !== "trainer") {
        const again = await repeatedOnScreen(page);
        if (again.length) repeated[name] = again;
      }
    });
    expect(visited).toEqual([...TOUR_SCREENS]);
    expect(found).toEqual({});
    expect(repeated).toEqual({});
  }, 120_000);
});
