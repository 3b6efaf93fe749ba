/**
 * ScenarioRunner: runs catalogue scenarios headless against a real reader agent (memory reader, real virtual
 * cards, the real face verifier when a scenario shows a face) and a real mock server — its own, in this process on
 * a temp dir with a clock set to each scenario's date, or one given by URL with its admin token.
 *
 * The parts (scenario/): setup (scenario-setup.ts), what a step means (step-interpreter.ts), how it is performed
 * (scenario-performer.ts: the port; driver-performer.ts over the agent's Socket.IO driver; server-side-performer.ts
 * for admin, lookups and registration), what is checked (expectations.ts), and the report (scenario-report.ts).
 * This file assembles them: the server, the agent and its driver, and one run per scenario.
 *
 *   const runner = await ScenarioRunner.start({ scenarios });
 *   const result = await runner.run(scenario);   // { ok, steps: [{ ok, ms, failures, observed }] }
 *   await runner.close();
 */
import { randomBytes, randomInt, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTestCa } from "@onshi-sim/jpki-testkit";
import { AgentDriver, type ReaderAgent } from "@onshi-sim/agent";
import { assembleAgent, fixtureCardFactory } from "@onshi-sim/agent-assembly";
import { MemoryCardStateStore, MemoryOwnerAuth } from "@onshi-sim/card-sim";
import type { FaceVerifier } from "@onshi-sim/agent";
import { SwitchableQualification } from "@onshi-sim/agent";
import { DEFAULT_MEMORY_READER } from "@onshi-sim/reader-bindings";

/** The scenario runner's phone reader (the smartphone マイナ保険証 scenarios). */
export const PHONE_MEMORY_READER = "onshi-sim Memory Reader 01";
import { needsFace, type Scenario } from "@onshi-sim/scenarios";
import { DriverPerformer } from "./scenario/driver-performer.js";
import { skippedSteps, type ScenarioResult } from "./scenario/scenario-report.js";
import { prepareScenario, ShiftedClock } from "./scenario/scenario-setup.js";
import { ServerSideSteps } from "./scenario/server-side-performer.js";
import { runSteps, type RunHooks } from "./scenario/step-interpreter.js";

export { at, describeView } from "./scenario/expectations.js";
export { formatScenarioResult, formatSummary, type ScenarioResult, type StepResult } from "./scenario/scenario-report.js";
export type { RunHooks } from "./scenario/step-interpreter.js";
export type { ScenarioPerformer, ServerSidePerformer, ScenarioAdmin, SessionObservation } from "./scenario/scenario-performer.js";

export const DEFAULT_FACILITY = "1311234567";

export interface ScenarioRunnerOptions {
  /** The scenarios this runner will run: the face verifier is loaded only if one of them shows a face. */
  readonly scenarios: readonly Scenario[];
  /** An external server (its admin token is needed to reseed it and apply the setup). Default: an own one. */
  readonly server?: { readonly url: string; readonly adminToken: string };
  /** A face verifier to share (the runner does not close it); `false`: none; default: a new worker when needed. */
  readonly faceVerifier?: FaceVerifier | false;
  readonly facility?: string;
  /**
   * The reader: in-process memory slots (default), or pcscd's vpcd slot N ("Virtual PCD 00 0N": the cards go
   * through the real PC/SC stack; needs pcscd + vsmartcard-vpcd, and nothing else plugged into that slot).
   */
  readonly reader?: { readonly kind: "memory" } | { readonly kind: "vpcd"; readonly slot: number };
}

export class ScenarioRunner {
  readonly serverUrl: string;
  readonly facility: string;
  /** The reader the scenarios use. */
  readonly reader: string;
  readonly #agent: ReaderAgent;
  readonly #performer: DriverPerformer;
  readonly #qualification: SwitchableQualification;
  readonly #clock: ShiftedClock | undefined;
  readonly #cleanups: (() => Promise<void>)[];
  /** The card retry counters of the scenario running (a new store per scenario). */
  #store = new MemoryCardStateStore();

  private constructor(init: {
    serverUrl: string;
    facility: string;
    reader: string;
    adminToken: string;
    agent: ReaderAgent;
    driver: AgentDriver;
    qualification: SwitchableQualification;
    clock: ShiftedClock | undefined;
    staffPin: string;
    fixtureCas: readonly X509Certificate[];
    cleanups: (() => Promise<void>)[];
  }) {
    this.serverUrl = init.serverUrl;
    this.facility = init.facility;
    this.reader = init.reader;
    this.#agent = init.agent;
    this.#qualification = init.qualification;
    this.#clock = init.clock;
    this.#cleanups = init.cleanups;
    const server = new ServerSideSteps({ serverUrl: init.serverUrl, adminToken: init.adminToken, facility: init.facility, fixtureCas: init.fixtureCas, cardStore: () => this.#store });
    this.#performer = new DriverPerformer(init.driver, init.reader, init.staffPin, server, init.reader === DEFAULT_MEMORY_READER ? PHONE_MEMORY_READER : null);
  }

  /** True when this runner has face verification (a scenario needed it, or one was given). */
  get faceVerification(): boolean {
    return this.#agent.snapshot().agent.faceVerification;
  }

  static async start(options: ScenarioRunnerOptions): Promise<ScenarioRunner> {
    const cleanups: (() => Promise<void>)[] = [];
    const cleanup = async () => {
      for (const c of cleanups.reverse()) await c().catch(() => {});
    };
    const facility = options.facility ?? DEFAULT_FACILITY;
    try {
      const ca = await loadTestCa();
      let serverUrl: string;
      let adminToken: string;
      let clock: ShiftedClock | undefined;
      if (options.server) {
        serverUrl = options.server.url;
        adminToken = options.server.adminToken;
      } else {
        const { createServer } = await import("@onshi-sim/server");
        const dir = mkdtempSync(join(tmpdir(), "onshi-scenario-"));
        cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
        clock = new ShiftedClock();
        adminToken = randomBytes(18).toString("base64url");
        // 一括照会 stays 処理中 for 1 s here, so a scenario sees the poll without waiting long.
        const server = await createServer({ dataDir: dir, dbPath: join(dir, "onshi.sqlite"), now: clock.now, adminToken, watchFolders: false, bulkProcessingMs: 1000, log: () => undefined });
        cleanups.push(() => server.close());
        serverUrl = (await server.listen(0, "127.0.0.1")).url;
      }

      const qualification = new SwitchableQualification({ baseUrl: serverUrl, medicalInstitutionCode: facility });
      const token = randomBytes(18).toString("base64url");
      const staffPin = String(randomInt(0, 1_000_000)).padStart(6, "0");
      const fixtureCas = [new X509Certificate(ca.certificateDer)];
      // Cards share the scenario's counter store: a PIN locked in one step stays locked when the card comes back.
      let runner: ScenarioRunner | undefined;
      const ownerAuths = new Map<string, MemoryOwnerAuth>();
      const ownerAuthOf = (id: string) => ownerAuths.get(id) ?? ownerAuths.set(id, new MemoryOwnerAuth()).get(id)!;
      const makeCard = (cardId: string) => fixtureCardFactory({ stateStore: runner ? runner.#store : new MemoryCardStateStore(), holder: "the scenario's reader", ownerAuth: ownerAuthOf })(cardId);
      const face = options.faceVerifier ? options.faceVerifier : options.faceVerifier === undefined && options.scenarios.some(needsFace) ? { worker: {} } : undefined;
      const assembled = await assembleAgent({
        readers: [options.reader?.kind === "vpcd" ? { kind: "vpcd", slot: options.reader.slot } : { kind: "memory", names: [DEFAULT_MEMORY_READER, PHONE_MEMORY_READER] }],
        // The phone reader: the second memory slot (the vpcd runner has none; phone steps then fail and say so).
        phoneReader: options.reader?.kind === "vpcd" ? null : PHONE_MEMORY_READER,
        qualification,
        token,
        port: 0,
        staffPin,
        devCards: { makeCard, ownerAuthOf },
        ...(face ? { face } : {}),
        session: { idleTimeoutMs: 120_000, returnToIdleMs: 100 },
      });
      cleanups.push(() => assembled.close());
      const { agent, faceVerifier } = assembled;
      const reader = assembled.readerNames[0]!;
      if (faceVerifier) await faceVerifier.ready();
      const driver = await AgentDriver.connect({ url: agent.url, token, clientName: "onshi-sim scenario", reader, reconnect: false, ackTimeoutMs: 60_000 });
      cleanups.push(async () => driver.close());
      // A PC/SC reader is reported a moment after the transport starts.
      for (let waited = 0; !driver.readers.some((r) => r.name === reader); waited += 100) {
        if (waited >= 10_000) throw new Error(`the reader "${reader}" did not appear (readers: ${driver.readers.map((r) => r.name).join(", ") || "none"})`);
        await new Promise((r) => setTimeout(r, 100));
        await driver.sync();
      }
      runner = new ScenarioRunner({ serverUrl, facility, reader, adminToken, agent, driver, qualification, clock, staffPin, fixtureCas, cleanups });
      return runner;
    } catch (e) {
      await cleanup();
      throw e;
    }
  }

  async close(): Promise<void> {
    for (const c of this.#cleanups.reverse()) await c().catch(() => {});
  }

  /**
   * Runs one scenario from a clean state; never throws (failures are in the result). `hooks.beforeStep` may hold
   * a step back (a guided demo waits for the trainer's "next"); `hooks.onStep` hears each result as it comes.
   */
  async run(scenario: Scenario, hooks: RunHooks = {}): Promise<ScenarioResult> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    let simulationDate: string | undefined;
    // The server's clock as the trainer left it: set for the scenario (prepareScenario), put back after it.
    const previousClock = await this.#performer.admin.clock().catch(() => undefined);
    const restoreClock = async () => {
      if (previousClock !== undefined) await this.#performer.admin.setClock(previousClock).catch(() => {});
    };
    try {
      const prepared = await prepareScenario(scenario, {
        performer: this.#performer,
        clock: this.#clock,
        configureQualification: (settings) => this.#qualification.configure(settings),
        cardStore: (store) => (this.#store = store),
      });
      simulationDate = prepared.simulationDate;
    } catch (e) {
      await restoreClock();
      return { name: scenario.name, title: scenario.title, ok: false, ms: ms(), error: `setup: ${(e as Error).message}`, steps: skippedSteps(scenario.steps, 0) };
    }
    const steps = await runSteps(scenario, this.#performer, { facility: this.facility, simulationDate }, hooks);
    await this.#performer.reset().catch(() => {});
    await restoreClock();
    return { name: scenario.name, title: scenario.title, ok: steps.every((s) => s.status !== "fail"), ms: ms(), steps };
  }
}
