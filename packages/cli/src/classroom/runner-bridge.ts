/**
 * The scenario runner's parts on a system that is already running (the live agent of `onshi-sim start`, or a
 * handout's own stack): the same setup (scenario-setup.ts), step interpreter and checks as `scenario run`, with
 * the driver performer on the live agent — the live system is judged by the very rules the catalogue test uses.
 * The simulation date, consent flow and timeout go to the trainer settings (what /trainer shows).
 */
import { X509Certificate } from "node:crypto";
import { loadTestCa } from "@onshi-sim/jpki-testkit";
import { AgentDriver, type QualificationSettings } from "@onshi-sim/agent";
import { MemoryCardStateStore, type CardStateStore } from "@onshi-sim/card-sim";
import type { Scenario } from "@onshi-sim/scenarios";
import { DriverPerformer } from "../scenario/driver-performer.js";
import { skippedSteps, type ScenarioResult } from "../scenario/scenario-report.js";
import { prepareScenario } from "../scenario/scenario-setup.js";
import { ServerSideSteps } from "../scenario/server-side-performer.js";
import { runSteps, type RunHooks } from "../scenario/step-interpreter.js";

/** Where the runner's per-scenario date / consent flow / timeout go on the live system (the trainer settings). */
export interface LiveSettings {
  configure(options: QualificationSettings): void;
}

export interface LiveSystem {
  readonly server: { readonly url: string; readonly adminToken: string };
  readonly agent: { readonly url: string; readonly token: string; readonly faceVerification: boolean };
  /** The memory reader the trainer fills (dev:insert-card). */
  readonly reader: string;
  /** The memory reader phones go on (null: none the player can reach — phone scenarios then fail and say so). */
  readonly phoneReader?: string | null;
  readonly staffPin: string;
  readonly facility: string;
  readonly settings: LiveSettings;
}

export interface LiveRunner {
  readonly runner: { run(scenario: Scenario, hooks: RunHooks): Promise<ScenarioResult> };
  readonly driver: AgentDriver;
  close(): Promise<void>;
}

export async function liveRunner(system: LiveSystem): Promise<LiveRunner> {
  const ca = await loadTestCa();
  const driver = await AgentDriver.connect({ url: system.agent.url, token: system.agent.token, clientName: "onshi-sim scenario play", reader: system.reader, reconnect: true, ackTimeoutMs: 60_000 });
  // The registration step's own reader counts tries here; the kiosk reader's cards count in the live agent's store.
  let store: CardStateStore = new MemoryCardStateStore();
  const server = new ServerSideSteps({ serverUrl: system.server.url, adminToken: system.server.adminToken, facility: system.facility, fixtureCas: [new X509Certificate(ca.certificateDer)], cardStore: () => store });
  const performer = new DriverPerformer(driver, system.reader, system.staffPin, server, system.phoneReader ?? null);
  const run = async (scenario: Scenario, hooks: RunHooks): Promise<ScenarioResult> => {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    let simulationDate: string | undefined;
    try {
      // The live server's clock goes to the scenario's day (what carries no date of its own — folder files,
      // 一括照会 — answers on that day too), and each request carries it as its simulation date.
      const date = scenario.setup?.date?.replaceAll("-", "") ?? null;
      const clock = await fetch(new URL("/api/admin/clock", system.server.url), {
        method: "PUT",
        headers: { authorization: `Bearer ${system.server.adminToken}`, "content-type": "application/json" },
        body: JSON.stringify({ date }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!clock.ok) throw new Error(`the server refused the simulation date (${clock.status})`);
      const prepared = await prepareScenario(scenario, { performer, clock: undefined, configureQualification: (s) => system.settings.configure(s), cardStore: (s) => (store = s) });
      simulationDate = prepared.simulationDate;
    } catch (e) {
      return { name: scenario.name, title: scenario.title, ok: false, ms: ms(), error: `setup: ${(e as Error).message}`, steps: skippedSteps(scenario.steps, 0) };
    }
    const steps = await runSteps(scenario, performer, { facility: system.facility, simulationDate }, hooks);
    await performer.reset().catch(() => {});
    return { name: scenario.name, title: scenario.title, ok: steps.every((s) => s.status !== "fail"), ms: ms(), steps };
  };
  return {
    runner: { run },
    driver,
    close: async () => {
      driver.close();
    },
  };
}
