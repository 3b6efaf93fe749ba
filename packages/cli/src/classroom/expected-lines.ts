/** A step's expectations as short "key: value" lines, for the trainer, /present and the handouts. */
import type { Step } from "@onshi-sim/scenarios";

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

export function expectedLines(step: Step): string[] {
  const e = "expect" in step ? (step.expect as Record<string, unknown> | undefined) : undefined;
  if (!e) return [];
  const lines: string[] = [];
  for (const [key, value] of Object.entries(e)) {
    if (value && typeof value === "object" && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) lines.push(`${key}.${k}: ${show(v)}`);
    else lines.push(`${key}: ${show(value)}`);
  }
  return lines;
}
