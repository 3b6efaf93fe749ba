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

const xmlEscape = (s: string) =>
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The results as JUnit XML (`scenario run --junit FILE`), the format CI servers read: one testsuite per scenario,
 * one testcase per step (`<n> <do>`), a failed step as <failure> with its reasons, a skipped one as <skipped/>, a
 * setup error as an <error> testcase. Times in seconds.
 */
export function formatJunit(results: readonly ScenarioResult[], ms: number): string {
  const sec = (n: number) => (n / 1000).toFixed(3);
  const lines = [`<?xml version="1.0" encoding="UTF-8"?>`];
  const tests = results.reduce((n, r) => n + r.steps.length + (r.error ? 1 : 0), 0);
  const failures = results.reduce((n, r) => n + r.steps.filter((s) => s.status === "fail").length, 0);
  const errors = results.filter((r) => r.error).length;
  lines.push(`<testsuites name="onshi-sim scenarios" tests="${tests}" failures="${failures}" errors="${errors}" time="${sec(ms)}">`);
  for (const r of results) {
    const f = r.steps.filter((s) => s.status === "fail").length;
    const skipped = r.steps.filter((s) => s.status === "skipped").length;
    lines.push(
      `  <testsuite name="${xmlEscape(r.name)}" tests="${r.steps.length + (r.error ? 1 : 0)}" failures="${f}" errors="${r.error ? 1 : 0}" skipped="${skipped}" time="${sec(r.ms)}">`,
      `    <properties><property name="title" value="${xmlEscape(`${r.title.ja} / ${r.title.en}`)}"/></properties>`,
    );
    if (r.error) lines.push(`    <testcase classname="${xmlEscape(r.name)}" name="setup" time="0"><error message="${xmlEscape(r.error)}"/></testcase>`);
    for (const s of r.steps) {
      const open = `    <testcase classname="${xmlEscape(r.name)}" name="${String(s.index + 1).padStart(2, "0")} ${s.do}" time="${sec(s.ms)}"`;
      if (s.status === "pass") lines.push(`${open}>${s.observed ? `<system-out>${xmlEscape(s.observed)}</system-out>` : ""}</testcase>`);
      else if (s.status === "skipped") lines.push(`${open}><skipped/></testcase>`);
      else lines.push(`${open}><failure message="${xmlEscape(s.failures[0] ?? "failed")}">${xmlEscape([...s.failures, s.observed && `observed: ${s.observed}`].filter(Boolean).join("\n"))}</failure></testcase>`);
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return lines.join("\n") + "\n";
}
