/**
 * The catalogue scenarios that show a face to the camera, one test each, with the real face verifier (face-api,
 * WASM, in a worker: loaded once for the file) shared by all of them, a real agent and a real mock server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatScenarioResult, ScenarioRunner } from "../../src/scenario-runner.js";
import { loadScenarios, needsFace } from "@onshi-sim/scenarios";

const scenarios = loadScenarios().filter(needsFace);

describe("scenario catalogue (face recognition)", () => {
  let runner: ScenarioRunner;
  beforeAll(async () => {
    runner = await ScenarioRunner.start({ scenarios });
  }, 120_000);
  afterAll(async () => {
    await runner?.close();
  });

  it("loads the face verifier because these scenarios need it", () => {
    expect(scenarios.length).toBeGreaterThan(0);
    expect(runner.faceVerification).toBe(true);
  });

  for (const scenario of scenarios) {
    it(scenario.name, { timeout: 90_000 }, async () => {
      const result = await runner.run(scenario);
      expect(result.ok, formatScenarioResult(result)).toBe(true);
    });
  }
});
