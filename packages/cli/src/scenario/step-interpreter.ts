/**
 * What each step means: which performer action it is, with which inputs, and which expectations it is checked
 * against. How an action is performed is the performer's (scenario-performer.ts); the checks are expectations.ts.
 * `runSteps` plays a scenario's steps in order; the first failing step stops it (later ones are "skipped").
 */
import { readFile } from "node:fs/promises";
import { faceImagePath, type Scenario, type Step } from "@onshi-sim/scenarios";
import { checkLookup, checkRegistration, checkSession, type StepOutcome } from "./expectations.js";
import { StepFailure, type ScenarioPerformer } from "./scenario-performer.js";
import type { StepResult } from "./scenario-report.js";

export const DEFAULT_STEP_TIMEOUT_MS = 15_000;

/** Where the steps play: the facility the lookups are made for, and the scenario's date (YYYYMMDD), if any. */
export interface StepContext {
  readonly facility: string;
  readonly simulationDate: string | undefined;
}

export interface RunHooks {
  /** Called before each step runs (await it to pause: a guided demo's "next"). */
  readonly beforeStep?: (step: Step, index: number) => void | Promise<void>;
  /** Called with each step's result as soon as it is known. */
  readonly onStep?: (result: StepResult, step: Step) => void;
}

export async function runSteps(scenario: Scenario, performer: ScenarioPerformer, context: StepContext, hooks: RunHooks = {}): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  let failed = false;
  for (const [index, step] of scenario.steps.entries()) {
    if (failed) {
      steps.push({ index, do: step.do, status: "skipped", ms: 0, observed: "", failures: [] });
      continue;
    }
    await hooks.beforeStep?.(step, index);
    const t0 = performance.now();
    let observed = "";
    let failures: string[];
    try {
      ({ observed, failures } = await performStep(step, performer, context));
    } catch (e) {
      failures = [(e as Error).message];
    }
    const stepMs = Math.round(performance.now() - t0);
    const minElapsedMs = step.do !== "note" && "expect" in step && step.expect && "minElapsedMs" in step.expect ? step.expect.minElapsedMs : undefined;
    if (minElapsedMs !== undefined && stepMs < minElapsedMs) failures.push(`took ${stepMs} ms, expected at least ${minElapsedMs} ms`);
    if (failures.length) failed = true;
    const result: StepResult = { index, do: step.do, status: failures.length ? "fail" : "pass", ms: stepMs, observed, failures };
    steps.push(result);
    hooks.onStep?.(result, step);
  }
  return steps;
}

/** One step: performed, then checked. Throws (a StepFailure, or the performer's error) when it cannot be performed. */
export async function performStep(step: Step, p: ScenarioPerformer, context: StepContext): Promise<StepOutcome> {
  const timeoutMs = step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  switch (step.do) {
    case "insert":
      return checkSession(await p.insertCard(step.card, timeoutMs), step.expect);
    case "remove":
      return checkSession(await p.removeCard(timeoutMs), step.expect);
    case "choose":
      return checkSession(await p.choose(step.method, timeoutMs), step.expect);
    case "pin":
      return checkSession(await p.pin(step.pin, timeoutMs), step.expect);
    case "face":
      return checkSession(await p.face(await faceImage(step.image), timeoutMs), step.expect);
    case "visual":
      return checkSession(await p.visual(timeoutMs), step.expect);
    case "consent":
      return checkSession(await p.consent({ ...(step.comprehensive !== undefined ? { comprehensive: step.comprehensive } : {}), ...(step.items ? { items: step.items } : {}) }, timeoutMs), step.expect);
    case "retry":
      return checkSession(await p.retry(timeoutMs), step.expect);
    case "cancel":
      return checkSession(await p.cancel(timeoutMs), step.expect);
    case "register-answer":
      return checkSession(await p.registerAnswer(step.accept, timeoutMs), step.expect);
    case "wait":
      return checkSession({ view: await p.waitFor(typeof step.phase === "string" ? [step.phase] : step.phase, timeoutMs) }, step.expect);
    case "note":
      return { observed: "", failures: [] };
    case "phone":
      return checkSession(await p.phone(step.os, timeoutMs), step.expect);
    case "hold-phone":
      return checkSession(await p.holdPhone(step.phone, timeoutMs), step.expect);
    case "remove-phone":
      return checkSession(await p.removePhone(timeoutMs), step.expect);
    case "owner-auth":
      await p.ownerAuth(step.phone, step.authenticated);
      return { observed: `${step.phone} owner ${step.authenticated ? "authenticated" : "not authenticated"}`, failures: [] };
    case "phone-continue":
      return checkSession(await p.phoneContinue(timeoutMs), step.expect);
    case "phone-retry":
      return checkSession(await p.phoneRetry(timeoutMs), step.expect);
    case "admin": {
      const done: string[] = [];
      if (step.clearFaults) {
        await p.admin.clearFaults();
        done.push("faults cleared");
      }
      if (step.fault) {
        await p.admin.addFault(step.fault);
        done.push(`fault ${step.fault.kind}`);
      }
      if (step.serverScenario) {
        await p.admin.applyServerScenario(step.serverScenario);
        done.push(`server scenario ${step.serverScenario}`);
      }
      if (step.personAction) {
        await p.admin.personAction(step.personAction.personId, step.personAction.action);
        done.push(`${step.personAction.personId} ${step.personAction.action.action}`);
      }
      return { observed: done.join(", "), failures: [] };
    }
    case "lookup": {
      // The runner's facility, and the scenario's date unless the step names its own.
      const request = { ...step.request, medicalInstitutionCode: context.facility, ...(step.request.simulationDate || !context.simulationDate ? {} : { simulationDate: context.simulationDate }) };
      return checkLookup(await p.lookup(request, timeoutMs), step.expect);
    }
    case "register":
      return checkRegistration(await p.register(step.card, step.pin, context.simulationDate, timeoutMs), step.expect);
    case "bulk-lookup":
      return p.rececon.bulk(step, context.simulationDate, timeoutMs);
    case "reference-number":
      return p.rececon.reference(step, timeoutMs);
    case "medical-info":
      return p.rececon.medicalInfo(step, timeoutMs);
    case "clock":
      await p.admin.setClock(step.date.replaceAll("-", ""));
      return { observed: `server clock ${step.date}`, failures: [] };
  }
}

async function faceImage(image: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(faceImagePath(image)));
  } catch (e) {
    throw new StepFailure(`cannot read the image ${image}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
