/** What a scenario run reports (per step and per scenario) and its plain-text tables (`onshi-sim scenario run`). */
import type { Scenario, Step } from "@onshi-sim/scenarios";

export interface StepResult {
  readonly index: number;
  readonly do: Step["do"];
  readonly status: "pass" | "fail" | "skipped";
  readonly ms: number;
  /** What was seen, in a few words (phase, error, validity, codes). */
  readonly observed: string;
  /** Why it failed: one line per unmet expectation. */
  readonly failures: readonly string[];
}

export interface ScenarioResult {
  readonly name: string;
  readonly title: Scenario["title"];
  readonly ok: boolean;
  readonly ms: number;
  /** A failure before the steps (setup) or an unexpected exception. */
  readonly error?: string;
  readonly steps: readonly StepResult[];
}

/** The steps from `from` on, as not run. */
export function skippedSteps(steps: readonly Step[], from: number): StepResult[] {
  return steps.slice(from).map((s, i) => ({ index: from + i, do: s.do, status: "skipped" as const, ms: 0, observed: "", failures: [] }));
}

/** The pass/fail table of one scenario, plain text (one line per step). */
export function formatScenarioResult(result: ScenarioResult): string {
  const lines: string[] = [];
  lines.push(`${result.ok ? "PASS" : "FAIL"}  ${result.name} — ${result.title.ja} / ${result.title.en}  (${result.ms} ms)`);
  if (result.error) lines.push(`      ${result.error}`);
  for (const s of result.steps) {
    const status = s.status === "pass" ? "pass" : s.status === "fail" ? "FAIL" : "skip";
    lines.push(`  ${String(s.index + 1).padStart(2)}  ${s.do.padEnd(8)} ${status}  ${String(s.ms).padStart(5)} ms  ${s.observed}`);
    for (const f of s.failures) lines.push(`                          ✗ ${f}`);
  }
  return lines.join("\n");
}

export function formatSummary(results: readonly ScenarioResult[], ms: number): string {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const lines = [`${passed} passed, ${failed} failed, ${results.length} scenarios in ${(ms / 1000).toFixed(1)} s`];
  if (failed) lines.push(`failed: ${results.filter((r) => !r.ok).map((r) => r.name).join(", ")}`);
  return lines.join("\n");
}
