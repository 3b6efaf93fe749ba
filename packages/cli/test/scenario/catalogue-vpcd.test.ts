/**
 * Catalogue scenarios through the real PC/SC stack (`--reader vpcd`): the virtual card in pcscd's vpcd slot via
 * VpcdBridge, the agent on PcscReaderTransport. A few scenarios that exercise insert/remove, a PIN lock that must
 * survive re-insertion, and 利用登録. Skips without PC/SC (fails with CI=true), like the other pcsc tests.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { formatScenarioResult, ScenarioRunner } from "../../src/scenario-runner.js";
import { loadScenarios } from "@onshi-sim/scenarios";
import { acquireVpcdSlot, describePcsc, type VpcdSlotLease } from "../../../../test/support/pcscd.js";

const NAMES = ["mynacard-pin", "pin-wrong-then-locked", "not-registered-register-at-reader"];
const scenarios = loadScenarios().filter((s) => NAMES.includes(s.name));

describePcsc("scenario catalogue over pcscd + vpcd", () => {
  let lease: VpcdSlotLease;
  let runner: ScenarioRunner;
  beforeAll(async () => {
    lease = await acquireVpcdSlot();
    runner = await ScenarioRunner.start({ scenarios, faceVerifier: false, reader: { kind: "vpcd", slot: lease.slot } });
  }, 60_000);
  afterAll(async () => {
    await runner?.close();
    await lease?.release();
  });

  it("uses the vpcd reader", () => {
    expect(scenarios.map((s) => s.name).sort()).toEqual([...NAMES].sort());
    expect(runner.reader).toBe(lease.reader);
  });

  for (const scenario of scenarios) {
    it(scenario.name, { timeout: 60_000 }, async () => {
      const result = await runner.run(scenario);
      expect(result.ok, formatScenarioResult(result)).toBe(true);
    });
  }
});
