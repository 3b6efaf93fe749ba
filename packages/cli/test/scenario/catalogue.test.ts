/**
 * Every catalogue scenario without a face step, one test each, against one real mock server (own temp dir,
 * reseeded per scenario) and one real reader agent without face verification. The face scenarios are in
 * catalogue-face.test.ts (they need the face models); together the two files run the whole catalogue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatScenarioResult, ScenarioRunner } from "../../src/scenario-runner.js";
import { loadScenarios, needsFace } from "@onshi-sim/scenarios";

const scenarios = loadScenarios().filter((s) => !needsFace(s));

describe("scenario catalogue (PIN, 目視, lookups, faults)", () => {
  let runner: ScenarioRunner;
  beforeAll(async () => {
    runner = await ScenarioRunner.start({ scenarios, faceVerifier: false });
  });
  afterAll(async () => {
    await runner?.close();
  });

  it("has scenarios to run", () => {
    expect(scenarios.length).toBeGreaterThan(20);
  });

  it("reports each step as it runs, and can be held before each (guided demo)", async () => {
    const scenario = scenarios.find((s) => s.name === "mynacard-pin");
    if (!scenario) throw new Error("mynacard-pin missing");
    const seen: string[] = [];
    const result = await runner.run(scenario, {
      beforeStep: async (step, i) => {
        seen.push(`before ${i} ${step.do} ${step.narration.en.length > 0}`);
        await new Promise((r) => setTimeout(r, 5));
      },
      onStep: (r) => seen.push(`after ${r.index} ${r.status}`),
    });
    expect(result.ok, formatScenarioResult(result)).toBe(true);
    expect(seen.slice(0, 4)).toEqual(["before 0 insert true", "after 0 pass", "before 1 choose true", "after 1 pass"]);
    expect(seen).toHaveLength(scenario.steps.length * 2);
  });

  for (const scenario of scenarios) {
    it(scenario.name, { timeout: 60_000 }, async () => {
      const result = await runner.run(scenario);
      expect(result.ok, formatScenarioResult(result)).toBe(true);
      expect(result.steps.every((s) => s.status === "pass")).toBe(true);
    });
  }
});
