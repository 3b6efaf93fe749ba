/**
 * The scenario runner's step interpreter on a system that is already running (the live agent of `onshi-sim start`,
 * or a handout's own stack), instead of the agent and server ScenarioRunner.start makes. Same steps, same checks
 * as `scenario run`: the live system is judged by the very rules the catalogue test uses.
 *
 * TODO(issue 12 split): ScenarioRunner is being split into a step interpreter and a performer port (helper
 * i12-client). Until that lands this bridge builds a ScenarioRunner around the live parts through its private
 * constructor (TypeScript-private only), so scenario-runner.ts does not grow; afterwards it should use the
 * interpreter with a performer of its own, and this file goes.
 */
import { X509Certificate } from "node:crypto";
import { loadTestCa } from "@onshi-sim/jpki-testkit";
import { AgentDriver } from "@onshi-sim/agent";
import type { QualificationClientOptions } from "@onshi-sim/agent";
import { ScenarioRunner } from "../scenario-runner.js";

/** Where the runner's per-scenario date / consent flow / timeout go on the live system (the trainer settings). */
export interface LiveSettings {
  configure(options: Partial<Pick<QualificationClientOptions, "simulationDate" | "consentFlow" | "timeoutMs">>): void;
}

export interface LiveSystem {
  readonly server: { readonly url: string; readonly adminToken: string };
  readonly agent: { readonly url: string; readonly token: string; readonly faceVerification: boolean };
  /** The memory reader the trainer fills (dev:insert-card). */
  readonly reader: string;
  readonly staffPin: string;
  readonly facility: string;
  readonly settings: LiveSettings;
}

export interface LiveRunner {
  readonly runner: ScenarioRunner;
  readonly driver: AgentDriver;
  close(): Promise<void>;
}

type RunnerInit = {
  serverUrl: string;
  facility: string;
  reader: string;
  adminToken: string;
  agent: { snapshot(): { agent: { faceVerification: boolean } } };
  driver: AgentDriver;
  qualification: LiveSettings;
  clock: undefined;
  staffPin: string;
  fixtureCas: readonly X509Certificate[];
  cleanups: (() => Promise<void>)[];
};

export async function liveRunner(system: LiveSystem): Promise<LiveRunner> {
  const ca = await loadTestCa();
  const driver = await AgentDriver.connect({ url: system.agent.url, token: system.agent.token, clientName: "onshi-sim scenario play", reader: system.reader, reconnect: true, ackTimeoutMs: 60_000 });
  const cleanups: (() => Promise<void>)[] = [];
  const init: RunnerInit = {
    serverUrl: system.server.url,
    facility: system.facility,
    reader: system.reader,
    adminToken: system.server.adminToken,
    agent: { snapshot: () => ({ agent: { faceVerification: system.agent.faceVerification } }) },
    driver,
    qualification: system.settings,
    // The live server keeps its own clock: dates reach it as the simulation date of each request.
    clock: undefined,
    staffPin: system.staffPin,
    fixtureCas: [new X509Certificate(ca.certificateDer)],
    cleanups,
  };
  const Construct = ScenarioRunner as unknown as new (init: RunnerInit) => ScenarioRunner;
  const runner = new Construct(init);
  return {
    runner,
    driver,
    close: async () => {
      driver.close();
    },
  };
}
