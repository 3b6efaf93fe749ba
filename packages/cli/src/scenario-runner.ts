/**
 * ScenarioRunner: runs catalogue scenarios headless against a real reader agent (memory reader, real virtual
 * cards, the real face verifier when a scenario shows a face) and a real mock server — its own, in this process on
 * a temp dir with a clock set to each scenario's date, or one given by URL with its admin token.
 *
 * Per scenario: the server is reseeded (people, cards, faults back to the seed), card retry counters start as the
 * fixtures say (kept in memory for the scenario, so a card locked in step 3 is still locked in step 7), the
 * simulation date / consent flow / timeout are set, then the setup's server scenario, person actions and faults are
 * applied and the steps run in order. The first failing step stops the scenario (later ones are "skipped").
 *
 *   const runner = await ScenarioRunner.start({ scenarios });
 *   const result = await runner.run(scenario);   // { ok, steps: [{ ok, ms, failures, observed }] }
 *   await runner.close();
 */
import { randomBytes, randomInt, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findCardFixture, loadCardFixtures, loadTestCa } from "@onshi-sim/jpki-testkit";
import { QualificationResponse, RegistrationResponse } from "@onshi-sim/server/protocol";
import { AgentDriver } from "@onshi-sim/agent";
import { createAgent, type DevCardSlots, type ReaderAgent } from "@onshi-sim/agent";
import type { CommandAck } from "@onshi-sim/agent/protocol";
import { fixtureCardFactory, knownFixtureCards, memoryDevCards } from "./fixture-cards.js";
import { loadReaderDevice } from "./reader-device.js";
import { MemoryCardStateStore } from "@onshi-sim/card-sim";
import { fromLoadedCard } from "@onshi-sim/card-sim";
import { VirtualMyNumberCard } from "@onshi-sim/card-sim";
import { CardChannel } from "@onshi-sim/card-client";
import { MyNumberCardClient } from "@onshi-sim/card-client";
import type { FaceVerifier } from "@onshi-sim/agent";
import { QualificationClient, type QualificationClientOptions } from "@onshi-sim/agent";
import type { QualificationPort } from "@onshi-sim/agent";
import type { SessionView } from "@onshi-sim/agent/protocol";
import { DEFAULT_MEMORY_READER, MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import type { ReaderTransport } from "@onshi-sim/reader-bindings";
import { faceImagePath, needsFace, type LookupExpect, type RegisterExpect, type Scenario, type SessionExpect, type Step } from "@onshi-sim/scenarios";

export const DEFAULT_FACILITY = "1311234567";
const DEFAULT_STEP_TIMEOUT_MS = 15_000;

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

export interface RunHooks {
  /** Called before each step runs (await it to pause: a guided demo's "next"). */
  readonly beforeStep?: (step: Step, index: number) => void | Promise<void>;
  /** Called with each step's result as soon as it is known. */
  readonly onStep?: (result: StepResult, step: Step) => void;
}

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

/** The server's clock for the own server: real time, shifted to the scenario's date (noon JST at the start). */
class ShiftedClock {
  #offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.#offsetMs);
  set(date: string | undefined): void {
    this.#offsetMs = date ? Date.parse(`${date}T12:00:00+09:00`) - Date.now() : 0;
  }
}

/** The agent's server client, reconfigured per scenario (simulation date, consent flow, timeout). */
class SwitchableQualification implements QualificationPort {
  #client: QualificationClient;
  constructor(readonly base: QualificationClientOptions) {
    this.#client = new QualificationClient(base);
  }
  configure(options: Partial<QualificationClientOptions>): void {
    this.#client = new QualificationClient({ ...this.base, ...options });
  }
  nonce: QualificationPort["nonce"] = () => this.#client.nonce();
  confirmWithSignature: QualificationPort["confirmWithSignature"] = (...a) => this.#client.confirmWithSignature(...a);
  confirmWithDevice: QualificationPort["confirmWithDevice"] = (...a) => this.#client.confirmWithDevice(...a);
  consent: QualificationPort["consent"] = (...a) => this.#client.consent(...a);
  complete: QualificationPort["complete"] = (...a) => this.#client.complete(...a);
  register: NonNullable<QualificationPort["register"]> = (...a) => this.#client.register(...a);
}

class StepFailure extends Error {
  override name = "StepFailure";
}

const compact = (isoDate: string) => isoDate.replaceAll("-", "");

export class ScenarioRunner {
  readonly serverUrl: string;
  readonly facility: string;
  /** The reader the scenarios use. */
  readonly reader: string;
  readonly #adminToken: string;
  readonly #agent: ReaderAgent;
  readonly #driver: AgentDriver;
  readonly #qualification: SwitchableQualification;
  readonly #clock: ShiftedClock | undefined;
  readonly #staffPin: string;
  readonly #fixtureCas: readonly X509Certificate[];
  readonly #cleanups: (() => Promise<void>)[];
  #store = new MemoryCardStateStore();
  #date: string | undefined;

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
    this.#adminToken = init.adminToken;
    this.#agent = init.agent;
    this.#driver = init.driver;
    this.#qualification = init.qualification;
    this.#clock = init.clock;
    this.#staffPin = init.staffPin;
    this.#fixtureCas = init.fixtureCas;
    this.#cleanups = init.cleanups;
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
      const [cards, ca] = await Promise.all([loadCardFixtures(), loadTestCa()]);
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
        const server = await createServer({ dataDir: dir, dbPath: join(dir, "onshi.sqlite"), now: clock.now, adminToken, watchFolders: false, log: () => undefined });
        cleanups.push(() => server.close());
        serverUrl = (await server.listen(0, "127.0.0.1")).url;
      }

      let faceVerifier: FaceVerifier | undefined;
      if (options.faceVerifier) faceVerifier = options.faceVerifier;
      else if (options.faceVerifier === undefined && options.scenarios.some(needsFace)) {
        const { WorkerFaceVerifier } = await import("@onshi-sim/agent");
        const verifier = new WorkerFaceVerifier();
        cleanups.push(() => verifier.close());
        faceVerifier = verifier;
      }

      const qualification = new SwitchableQualification({ baseUrl: serverUrl, medicalInstitutionCode: facility });
      const token = randomBytes(18).toString("base64url");
      const staffPin = String(randomInt(0, 1_000_000)).padStart(6, "0");
      const fixtureCas = [new X509Certificate(ca.certificateDer)];
      // Cards share the scenario's counter store: a PIN locked in one step stays locked when the card comes back.
      let runner: ScenarioRunner | undefined;
      const makeCard = (cardId: string) => fixtureCardFactory({ stateStore: runner ? runner.#store : new MemoryCardStateStore(), holder: "the scenario's reader" })(cardId);
      let transport: ReaderTransport;
      let reader: string;
      let devCards: DevCardSlots;
      if (options.reader?.kind === "vpcd") {
        const slot = options.reader.slot;
        const { ensurePcscd } = await import("@onshi-sim/card-sim");
        const pcscd = await ensurePcscd();
        if (!pcscd.available) throw new Error(`PC/SC is unavailable: ${pcscd.reason}`);
        cleanups.push(() => pcscd.stop());
        const { PcscReaderTransport } = await import("@onshi-sim/reader-bindings");
        const { VpcdBridge, vpcdReaderName } = await import("@onshi-sim/card-sim");
        const name = vpcdReaderName(slot);
        reader = name;
        transport = new PcscReaderTransport({ readerFilter: (n) => n === name });
        let bridge: InstanceType<typeof VpcdBridge> | undefined;
        let card: Awaited<ReturnType<typeof makeCard>> | undefined;
        const unplug = async () => {
          if (bridge?.connected) await bridge.remove();
          bridge = undefined;
          card?.release();
          card = undefined;
        };
        devCards = {
          async insert(cardId) {
            await unplug();
            card = await makeCard(cardId);
            bridge = new VpcdBridge(card, { slot });
            await bridge.insert();
          },
          remove: unplug,
        };
        cleanups.push(unplug);
      } else {
        const memory = new MemoryReaderTransport([DEFAULT_MEMORY_READER]);
        transport = memory;
        reader = DEFAULT_MEMORY_READER;
        devCards = memoryDevCards(memory, makeCard);
      }
      const agent = await createAgent({
        transports: [transport],
        qualification,
        token,
        port: 0,
        device: loadReaderDevice(),
        staffPin,
        fixtureCas,
        lookupCard: knownFixtureCards(cards),
        ...(faceVerifier ? { faceVerifier } : {}),
        devCards,
        session: { idleTimeoutMs: 120_000, returnToIdleMs: 100 },
      });
      cleanups.push(() => agent.close());
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
    const steps: StepResult[] = [];
    const ms = () => Math.round(performance.now() - started);
    try {
      await this.#prepare(scenario);
    } catch (e) {
      return { name: scenario.name, title: scenario.title, ok: false, ms: ms(), error: `setup: ${(e as Error).message}`, steps: skipped(scenario.steps, 0) };
    }
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
        ({ observed, failures } = await this.#runStep(step));
      } catch (e) {
        failures = [(e as Error).message];
      }
      const stepMs = Math.round(performance.now() - t0);
      if (step.do !== "note" && step.do !== "admin" && step.do !== "lookup" && step.do !== "register" && step.expect?.minElapsedMs !== undefined && stepMs < step.expect.minElapsedMs)
        failures.push(`took ${stepMs} ms, expected at least ${step.expect.minElapsedMs} ms`);
      if (failures.length) failed = true;
      const result: StepResult = { index, do: step.do, status: failures.length ? "fail" : "pass", ms: stepMs, observed, failures };
      steps.push(result);
      hooks.onStep?.(result, step);
    }
    await this.#clearReader().catch(() => {});
    return { name: scenario.name, title: scenario.title, ok: !failed, ms: ms(), steps };
  }

  // ── setup ─────────────────────────────────────────────────────────────────────────────────────

  async #prepare(scenario: Scenario): Promise<void> {
    await this.#clearReader();
    const setup = scenario.setup ?? {};
    this.#date = setup.date ? compact(setup.date) : undefined;
    this.#clock?.set(setup.date);
    this.#store = new MemoryCardStateStore();
    this.#qualification.configure({
      ...(this.#date ? { simulationDate: this.#date } : {}),
      ...(setup.consentFlow ? { consentFlow: setup.consentFlow } : {}),
      ...(setup.requestTimeoutMs ? { timeoutMs: setup.requestTimeoutMs } : {}),
    });
    await this.#admin("POST", "/api/admin/reseed");
    if (setup.serverScenario) await this.#admin("POST", `/api/admin/scenarios/${encodeURIComponent(setup.serverScenario)}`);
    for (const a of setup.personActions ?? []) await this.#admin("POST", `/api/admin/persons/${encodeURIComponent(a.personId)}/actions`, a.action);
    for (const f of setup.faults ?? []) await this.#admin("POST", "/api/admin/faults", f);
  }

  /** Takes any card off the reader and waits until the session is back to waiting. */
  async #clearReader(): Promise<void> {
    const view = this.#driver.view();
    const present = this.#driver.readers.find((r) => r.name === this.reader)?.cardPresent ?? false;
    if (!present && (!view || view.phase === "waiting-for-card")) return;
    await this.#driver.removeCard();
    await this.#driver.waitFor("waiting-for-card", { timeoutMs: 5_000 });
  }

  async #admin(method: "POST" | "DELETE", path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(new URL(path, this.serverUrl), {
      method,
      headers: { authorization: `Bearer ${this.#adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new Error(`admin ${method} ${path} → HTTP ${res.status}${err ? ` ${err.code}: ${err.message}` : ""}`);
    }
    return json;
  }

  // ── steps ─────────────────────────────────────────────────────────────────────────────────────

  async #runStep(step: Step): Promise<{ observed: string; failures: string[] }> {
    const timeoutMs = step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    const d = this.#driver;
    const before = d.view()?.seq ?? 0;
    const settled = (after: number) => d.waitFor((v) => v.seq > after && !v.busy && v.phase !== "reading" && v.phase !== "waiting-for-card", { timeoutMs });
    switch (step.do) {
      case "insert": {
        const ack = await d.insertCard(step.card);
        if (!ack.ok) return this.#checkSession(d.view(), ack, step.expect);
        return this.#checkSession(await settled(before), ack, step.expect);
      }
      case "remove": {
        const present = d.readers.find((r) => r.name === this.reader)?.cardPresent ?? false;
        const ack = await d.removeCard();
        const view = present ? await d.waitFor((v) => v.seq > before && (v.phase === "waiting-for-card" || v.phase === "aborted"), { timeoutMs }) : d.view();
        return this.#checkSession(view, ack, step.expect);
      }
      case "choose":
        return this.#command(d.choose(step.method), step.expect, timeoutMs);
      case "pin":
        return this.#command(d.pin(step.pin), step.expect, timeoutMs);
      case "face": {
        let image: Uint8Array;
        try {
          image = new Uint8Array(await readFile(faceImagePath(step.image)));
        } catch (e) {
          throw new StepFailure(`cannot read the image ${step.image}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        return this.#command(d.faceFrame(image), step.expect, timeoutMs);
      }
      case "visual":
        return this.#command(d.visual(this.#staffPin), step.expect, timeoutMs);
      case "consent":
        return this.#command(
          d.consent({ ...(step.comprehensive !== undefined ? { comprehensive: step.comprehensive } : {}), ...(step.items ? { items: step.items } : {}) }),
          step.expect,
          timeoutMs,
        );
      case "retry":
        return this.#command(d.retry(), step.expect, timeoutMs);
      case "cancel":
        return this.#command(d.cancel(), step.expect, timeoutMs);
      case "wait": {
        const view = await d.waitFor((v) => (typeof step.phase === "string" ? v.phase === step.phase : step.phase.includes(v.phase)) && !v.busy, { timeoutMs });
        return this.#checkSession(view, undefined, step.expect);
      }
      case "note":
        return { observed: "", failures: [] };
      case "admin": {
        const done: string[] = [];
        if (step.clearFaults) {
          await this.#admin("DELETE", "/api/admin/faults");
          done.push("faults cleared");
        }
        if (step.fault) {
          await this.#admin("POST", "/api/admin/faults", step.fault);
          done.push(`fault ${step.fault.kind}`);
        }
        if (step.serverScenario) {
          await this.#admin("POST", `/api/admin/scenarios/${encodeURIComponent(step.serverScenario)}`);
          done.push(`server scenario ${step.serverScenario}`);
        }
        if (step.personAction) {
          await this.#admin("POST", `/api/admin/persons/${encodeURIComponent(step.personAction.personId)}/actions`, step.personAction.action);
          done.push(`${step.personAction.personId} ${step.personAction.action.action}`);
        }
        return { observed: done.join(", "), failures: [] };
      }
      case "lookup":
        return this.#lookup(step, timeoutMs);
      case "register":
        return this.#register(step, timeoutMs);
    }
  }

  /** Sends a session command; once accepted, waits until its effect has settled. */
  async #command(sent: Promise<CommandAck>, expect: SessionExpect | undefined, timeoutMs: number): Promise<{ observed: string; failures: string[] }> {
    const d = this.#driver;
    const ack = await sent;
    if (!ack.ok) return this.#checkSession(ack.session ?? d.view(), ack, expect);
    const seq = ack.session?.seq ?? 0;
    const view = await d.waitFor((v) => v.seq >= seq && !v.busy && v.phase !== "reading", { timeoutMs });
    return this.#checkSession(view, ack, expect);
  }

  #checkSession(view: SessionView | undefined, ack: CommandAck | undefined, e: SessionExpect | undefined): { observed: string; failures: string[] } {
    const failures: string[] = [];
    const refused = ack && !ack.ok ? ack.error.code : undefined;
    const observed = describeView(view, refused);
    if (refused && e?.refused === undefined) failures.push(`the command was refused: ${refused}`);
    if (!e) return { observed, failures };
    if (e.refused !== undefined && refused !== e.refused) failures.push(`expected the command to be refused with ${e.refused}, it was ${refused ? `refused with ${refused}` : "accepted"}`);
    if (!view) {
      failures.push("no session view");
      return { observed, failures };
    }
    const r = view.result;
    const check = (label: string, actual: unknown, expected: unknown) => {
      if (expected !== undefined && !same(actual, expected)) failures.push(`${label}: expected ${show(expected)}, got ${show(actual)}`);
    };
    check("phase", view.phase, e.phase);
    check("error", view.error?.code ?? null, e.error);
    check("serverCode", view.error?.serverCode ?? null, e.serverCode);
    check("retryable", view.error?.retryable ?? false, e.retryable);
    for (const m of e.offers ?? []) if (!view.methods.includes(m)) failures.push(`offers: ${m} is not offered (methods: ${view.methods.join(", ") || "none"})`);
    for (const m of e.withholds ?? []) if (view.methods.includes(m)) failures.push(`withholds: ${m} is offered`);
    check("pinState", view.pin?.state ?? null, e.pinState);
    check("pinTriesLeft", view.pin?.triesLeft ?? null, e.pinTriesLeft);
    check("faceOutcome", view.face?.lastOutcome ?? null, e.faceOutcome);
    check("validity", r?.validity ?? null, e.validity);
    check("processingResultCode", r?.processingResultCode ?? null, e.processingResultCode);
    check("usable", r?.usable ?? false, e.usable);
    const notices = r?.notices.map((n) => n.code) ?? [];
    for (const n of e.notices ?? []) if (!notices.includes(n)) failures.push(`notices: ${n} missing (notices: ${notices.join(", ") || "none"})`);
    check("consentFlow", view.consent?.flow ?? r?.consentFlow ?? null, e.consentFlow);
    check("comprehensiveOffered", view.consent?.comprehensiveOffered ?? null, e.comprehensiveOffered);
    const items = view.consent?.items.map((i) => i.item) ?? [];
    for (const i of e.consentItems ?? []) if (!items.includes(i)) failures.push(`consentItems: ${i} is not on the consent screens (${items.join(", ") || "no consent screen"})`);
    for (const i of e.consentItemsAbsent ?? []) if (items.includes(i)) failures.push(`consentItemsAbsent: ${i} is on the consent screens`);
    for (const c of e.consents ?? []) {
      const got = r?.consents.find((x) => x.item === c.item);
      if (!got || got.consented !== c.consented) failures.push(`consents: ${c.item} expected ${c.consented ? "consented" : "declined"}, got ${got ? (got.consented ? "consented" : "declined") : "nothing recorded"}`);
    }
    for (const [path, expected] of Object.entries(e.insured ?? {})) check(`insured.${path}`, at(r?.insured, path), expected);
    for (const [path, expected] of Object.entries(e.view ?? {})) check(path, at(view, path), expected);
    return { observed, failures };
  }

  async #lookup(step: Extract<Step, { do: "lookup" }>, timeoutMs: number): Promise<{ observed: string; failures: string[] }> {
    const body = { ...step.request, medicalInstitutionCode: this.facility, ...(step.request.simulationDate || !this.#date ? {} : { simulationDate: this.#date }) };
    const res = await fetch(new URL("/api/v1/qualifications/insurance", this.serverUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json: unknown = await res.json().catch(() => undefined);
    const parsed = QualificationResponse.safeParse(json);
    const e: LookupExpect = step.expect ?? {};
    const failures: string[] = [];
    if (!parsed.success) {
      const err = (json as { error?: { code?: string } } | undefined)?.error;
      const observed = `HTTP ${res.status}${err?.code ? ` ${err.code}` : ""}`;
      if (e.httpStatus === undefined || e.httpStatus !== res.status) failures.push(`the lookup answered ${observed}, not a result`);
      if (e.errorCode !== undefined && e.errorCode !== (err?.code ?? null)) failures.push(`errorCode: expected ${show(e.errorCode)}, got ${show(err?.code ?? null)}`);
      return { observed, failures };
    }
    const { XmlMsg: xml, simulator } = parsed.data;
    const h = xml.MessageHeader;
    const b = xml.MessageBody;
    const rows = b.ResultList?.ResultOfQualificationConfirmation ?? [];
    const notices = simulator.notices.map((n) => n.code);
    const check = (label: string, actual: unknown, expected: unknown) => {
      if (expected !== undefined && !same(actual, expected)) failures.push(`${label}: expected ${show(expected)}, got ${show(actual)}`);
    };
    check("httpStatus", res.status, e.httpStatus);
    check("segmentOfResult", h.SegmentOfResult, e.segmentOfResult);
    check("errorCode", h.ErrorCode ?? null, e.errorCode);
    check("processingResultStatus", b.ProcessingResultStatus ?? null, e.processingResultStatus);
    check("processingResultCode", b.ProcessingResultCode ?? null, e.processingResultCode);
    check("validity", b.QualificationValidity ?? null, e.validity);
    check("usable", simulator.usable, e.usable);
    for (const n of e.notices ?? []) if (!notices.includes(n)) failures.push(`notices: ${n} missing (notices: ${notices.join(", ") || "none"})`);
    check("resultCount", rows.length, e.resultCount);
    for (const [path, expected] of Object.entries(e.result ?? {})) check(`result.${path}`, at(rows[0], path), expected);
    const observed = [
      h.SegmentOfResult !== "1" ? `segment ${h.SegmentOfResult} ${h.ErrorCode ?? ""}`.trim() : undefined,
      b.QualificationValidity ? `validity ${b.QualificationValidity}` : undefined,
      b.ProcessingResultCode,
      simulator.usable ? "usable" : "not usable",
      rows.length > 1 ? `${rows.length} results` : undefined,
    ]
      .filter(Boolean)
      .join(" ");
    return { observed, failures };
  }

  /** 保険証利用登録 at the reader: PIN, the card signs a nonce, POST /api/v1/registrations. */
  async #register(step: Extract<Step, { do: "register" }>, timeoutMs: number): Promise<{ observed: string; failures: string[] }> {
    const reader = "onshi-sim Registration Reader";
    const transport = new MemoryReaderTransport([reader]);
    await transport.start();
    let card: VirtualMyNumberCard | undefined;
    try {
      const loaded = await findCardFixture(step.card);
      card = new VirtualMyNumberCard(fromLoadedCard(loaded), { stateStore: this.#store, holder: "the registration step's reader" });
      transport.insert(card, reader);
      const client = new MyNumberCardClient(new CardChannel(transport, reader), { fixtureCas: this.#fixtureCas });
      await client.identify();
      const certificate = await client.readUserAuthCertificate();
      const verified = await client.verify("userAuth", step.pin);
      if (!verified.ok) throw new StepFailure(`the card refused the PIN (${"triesLeft" in verified ? `${verified.triesLeft} tries left` : "locked"})`);
      const post = async (path: string, body: unknown) => {
        const res = await fetch(new URL(path, this.serverUrl), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
        return { status: res.status, json: (await res.json().catch(() => undefined)) as unknown };
      };
      const n = await post("/api/v1/nonces", { medicalInstitutionCode: this.facility });
      const nonce = (n.json as { nonce?: string } | undefined)?.nonce;
      if (!nonce) throw new StepFailure(`no nonce (HTTP ${n.status})`);
      const signature = await client.signWithUserAuthKey(Buffer.from(nonce, "base64url"));
      const r = await post("/api/v1/registrations", {
        medicalInstitutionCode: this.facility,
        nonce,
        certificate: Buffer.from(certificate).toString("base64"),
        signature: Buffer.from(signature).toString("base64"),
        ...(this.#date ? { simulationDate: this.#date } : {}),
      });
      const ok = RegistrationResponse.safeParse(r.json);
      const errorCode = ok.success ? null : ((r.json as { error?: { code?: string } } | undefined)?.error?.code ?? null);
      const e: RegisterExpect = step.expect ?? { registered: true };
      const failures: string[] = [];
      if (e.registered !== undefined && e.registered !== ok.success) failures.push(`registered: expected ${e.registered}, got ${ok.success}${errorCode ? ` (${errorCode})` : ""}`);
      if (e.errorCode !== undefined && e.errorCode !== errorCode) failures.push(`errorCode: expected ${show(e.errorCode)}, got ${show(errorCode)}`);
      if (e.httpStatus !== undefined && e.httpStatus !== r.status) failures.push(`httpStatus: expected ${e.httpStatus}, got ${r.status}`);
      return { observed: ok.success ? "registered" : `refused ${errorCode ?? `HTTP ${r.status}`}`, failures };
    } finally {
      await transport.close();
      card?.release(); // back in the patient's hand: the kiosk reader may take it next
    }
  }
}

function skipped(steps: readonly Step[], from: number): StepResult[] {
  return steps.slice(from).map((s, i) => ({ index: from + i, do: s.do, status: "skipped" as const, ms: 0, observed: "", failures: [] }));
}

/** A few words about a view: phase, error, result. Never a PIN (views hold none). */
export function describeView(view: SessionView | undefined, refused?: string): string {
  if (refused) return `refused ${refused}`;
  if (!view) return "no session";
  const parts: string[] = [view.phase];
  if (view.error) parts.push(view.error.serverCode ? `${view.error.code} ${view.error.serverCode}` : view.error.code);
  if (view.phase === "choose-method") parts.push(`[${view.methods.join(",")}]`);
  if (view.result) {
    if (view.result.validity) parts.push(`validity ${view.result.validity}`);
    const codes = view.result.notices.map((n) => n.code);
    if (codes.length) parts.push(codes.join(","));
  }
  return parts.join(" ");
}

/** The value at a dotted path (array indexes as numbers). */
export function at(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const key of path.split(".")) {
    if (v === null || v === undefined || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}

// ── output ─────────────────────────────────────────────────────────────────────────────────────────

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
