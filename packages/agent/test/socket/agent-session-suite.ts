/**
 * One suite of full receptions, run over every reader binding (serialport-style conformance): the same ten
 * sessions of issue 4 over the memory transport (agent-memory.test.ts) and over pcscd + vpcd
 * (agent-pcsc.test.ts). Each test starts its own agent (a fresh transport from the binding, a real mock
 * server on a temp dir, kiosks over Socket.IO) so a failure in one cannot leak state into the next.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { AgentDriver } from "../../src/socket/agent-driver.js";
import type { VirtualMyNumberCard } from "@onshi-sim/card-sim";
import { WorkerFaceVerifier } from "../../src/face/worker-face-verifier.js";
import type { ReaderTransport } from "@onshi-sim/reader-bindings";
import { virtualCard } from "../../../../test/support/cards.js";
import { allStrings } from "../support/session-harness.js";
import { STAFF_PIN, startAgentHarness, type AgentHarness, type AgentHarnessOptions } from "../support/agent-harness.js";

/** How a suite reaches its reader: the transport the agent uses, and a hand that puts a card in and takes it out. */
export interface AgentSessionBinding {
  /** Called once before the tests (e.g. to take a vpcd slot); returns the reader the sessions run on. */
  setup(): Promise<string>;
  teardown(): Promise<void>;
  /** A fresh transport for one agent; `undefined` lets the harness make its memory transport. */
  transport(): ReaderTransport | undefined;
  insert(h: AgentHarness, card: VirtualMyNumberCard): Promise<void>;
  /** Takes the card out; resolves once the card is gone from the binding's side (not necessarily seen by the agent). */
  remove(h: AgentHarness): Promise<void>;
}

const frame = async (name: string) => new Uint8Array(await readFile(join(FACES_DIR, name)));

export function agentSessionSuite(binding: AgentSessionBinding): void {
  const faces = new WorkerFaceVerifier();
  let reader = "";
  let h: AgentHarness | undefined;
  let inserted = false;

  beforeAll(async () => {
    reader = await binding.setup();
    await faces.ready();
  }, 120_000);
  afterAll(async () => {
    await faces.close();
    await binding.teardown();
  });
  afterEach(async () => {
    if (h && inserted) await binding.remove(h);
    inserted = false;
    await h?.close();
    h = undefined;
  });

  async function start(options: AgentHarnessOptions = {}): Promise<AgentHarness> {
    const transport = binding.transport();
    h = await startAgentHarness({ faceVerifier: faces, ...(transport ? { transport } : {}), ...options });
    return h;
  }
  async function insert(id: string): Promise<VirtualMyNumberCard> {
    const card = await virtualCard(id);
    await binding.insert(h!, card);
    inserted = true;
    return card;
  }
  async function remove(): Promise<void> {
    await binding.remove(h!);
    inserted = false;
  }
  const on = () => ({ reader });

  it("PIN success: card → PIN → server → consent → 受付完了, then the card taken away", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    await insert("yamada-taro");
    const choosing = await kiosk.waitFor("choose-method", on());
    expect(choosing).toMatchObject({ reader, card: { kind: "fixture" }, pin: { triesLeft: 3 }, methods: ["face", "pin", "visual"] });
    await kiosk.pin("1234", reader);
    const consent = await kiosk.waitFor("consent", on());
    expect(consent.result).toMatchObject({ usable: true, method: "pin", insured: { name: "山田 太郎" } });
    await kiosk.consent({ comprehensive: true }, reader);
    expect((await kiosk.waitFor("done", on())).result?.consents).toHaveLength(4);
    await remove();
    expect((await kiosk.waitFor("waiting-for-card", on())).result).toBeNull();
  });

  it("three wrong PINs lock the card; the session offers face or 目視, and face verifies the patient", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    const card = await insert("yamada-taro");
    await kiosk.waitFor("choose-method", on());
    expect((await kiosk.pin("9085", reader)).session?.pin?.triesLeft).toBe(2);
    expect((await kiosk.pin("8076", reader)).session?.pin?.triesLeft).toBe(1);
    const locked = await kiosk.pin("6907", reader);
    expect(locked.session).toMatchObject({ phase: "choose-method", pin: { state: "locked" }, methods: ["face", "visual"], error: { code: "pin-locked" } });
    expect(card.retries.userAuth).toBe(0);
    // The card face (照合番号B, photo) was read from the card in the background.
    await kiosk.waitFor((v) => v.face?.referenceReady === true, on());
    await kiosk.faceFrame(await frame("grace-hopper-camera.jpg"), reader);
    expect(await kiosk.waitFor("consent", on())).toMatchObject({ method: "face", result: { usable: true, method: "face" } });
    expect(card.retries.userAuth).toBe(0); // face unlocks nothing
  });

  it("face mismatch: another person's frame is refused, then the PIN works", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    await insert("sato-hanako"); // card photo: Eileen Collins
    await kiosk.waitFor((v) => v.phase === "choose-method" && v.face?.referenceReady === true, on());
    const r = await kiosk.faceFrame(await frame("grace-hopper-camera.jpg"), reader);
    expect(r.session).toMatchObject({ phase: "face", error: { code: "face-no-match" }, face: { failures: 1, lastOutcome: "mismatch" } });
    expect(r.session?.methods).toContain("pin");
    await kiosk.pin("1234", reader);
    expect(await kiosk.waitFor("consent", on())).toMatchObject({ method: "pin", result: { insured: { name: "佐藤 花子" } } });
  });

  it("no face in the frame is its own outcome, not a failure; the next good frame matches", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    await insert("yamada-taro");
    await kiosk.waitFor((v) => v.phase === "choose-method" && v.face?.referenceReady === true, on());
    const r = await kiosk.faceFrame(await frame("no-face.jpg"), reader);
    expect(r.session).toMatchObject({ phase: "face", error: { code: "face-no-face" }, face: { lastOutcome: "no-face", failures: 0 } });
    await kiosk.faceFrame(await frame("grace-hopper-camera.jpg"), reader);
    expect((await kiosk.waitFor("consent", on())).face).toMatchObject({ lastOutcome: "match", attempts: 2 });
  });

  it("card pulled during PIN entry: aborted cleanly, counters untouched, then the next card", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    const card = await insert("yamada-taro");
    await kiosk.waitFor("choose-method", on());
    await kiosk.choose("pin", reader);
    expect((await kiosk.pin("9085", reader)).session?.pin?.triesLeft).toBe(2);
    const aborted = kiosk.waitFor("aborted", on()); // a binding's remove() may return after the session moved on
    await remove();
    expect((await aborted).error?.code).toBe("card-removed");
    await kiosk.waitFor("waiting-for-card", on());
    expect(card.retries.userAuth).toBe(2);
    expect((await kiosk.pin("1234", reader)).ok).toBe(false); // the old session is gone
  });

  it("server down: an error with the fallback guidance (資格確認書 / 資格情報のお知らせ + card), retryable", async () => {
    const h = await start({ server: "unreachable" });
    const kiosk = await h.kiosk();
    await insert("yamada-taro");
    await kiosk.waitFor("choose-method", on());
    await kiosk.pin("1234", reader);
    const v = await kiosk.waitFor("error", on());
    expect(v.error).toMatchObject({ code: "server-down", retryable: true });
  });

  it("certificate expired beyond the 3-month grace: E114, not retryable, sent to the 市区町村", async () => {
    const h = await start({ qualification: { simulationDate: "20270105" } });
    const kiosk = await h.kiosk();
    await insert("cert-expired");
    await kiosk.waitFor("choose-method", on());
    await kiosk.pin("1234", reader);
    const v = await kiosk.waitFor("error", on());
    expect(v.error).toMatchObject({ code: "certificate-expired", serverCode: "E114", retryable: false });
  });

  it("目視: the staff PIN lets staff confirm a locked card by sight; no counter changes", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    const card = await insert("pin-locked");
    expect((await kiosk.waitFor("choose-method", on())).pin?.state).toBe("locked");
    expect(await kiosk.visual("000000", reader)).toMatchObject({ ok: false, error: { code: "staff-pin-wrong" } });
    expect((await kiosk.visual(STAFF_PIN, reader)).ok).toBe(true);
    expect((await kiosk.waitFor("consent", on())).result).toMatchObject({ usable: true, method: "visual" });
    await kiosk.consent({ comprehensive: true }, reader);
    expect((await kiosk.waitFor("done", on())).method).toBe("visual");
    expect(card.retries.userAuth).toBe(0);
  });

  it("two kiosks watch one session: either may act, both see the same steps, no PIN reaches them", async () => {
    const h = await start();
    const patient = await h.kiosk("patient-screen");
    const reception = await h.kiosk("reception");
    const seen = { patient: [] as unknown[], reception: [] as unknown[] };
    const steps = (d: AgentDriver, into: unknown[]) => d.onEvent((e) => into.push(e));
    steps(patient, seen.patient);
    steps(reception, seen.reception);
    const phases = (events: unknown[]) =>
      events.flatMap((e) => {
        const ev = e as { event: string; data: { seq: number; phase: string; reader: string } };
        return ev.event === "session:state" && ev.data.reader === reader ? [`${ev.data.seq}:${ev.data.phase}`] : [];
      });

    await insert("yamada-taro");
    await patient.waitFor("choose-method", on());
    await reception.waitFor("choose-method", on());
    expect(await patient.pin("9085", reader)).toMatchObject({ ok: true, session: { pin: { triesLeft: 2 } } });
    expect((await reception.waitFor((v) => v.pin?.triesLeft === 2, on())).error?.code).toBe("pin-wrong");
    await patient.pin("1234", reader);
    await reception.waitFor("consent", on());
    await reception.consent({ comprehensive: true }, reader); // staff answer for the patient
    expect((await patient.waitFor("done", on())).result?.consents).toHaveLength(4);
    await remove();
    await patient.waitFor("waiting-for-card", on());
    await reception.waitFor("waiting-for-card", on());
    expect(phases(seen.reception)).toEqual(phases(seen.patient));
    const strings = allStrings([seen.patient, seen.reception, h.logs]);
    for (const pin of ["9085", "1234"]) expect(strings.filter((s) => new RegExp(`(?<!\\d)${pin}(?!\\d)`).test(s))).toEqual([]);
  });

  it("a kiosk that reconnects mid-session gets the current state back and carries on", async () => {
    const h = await start();
    const kiosk = await h.kiosk("kiosk");
    const other = await h.kiosk("reception");
    await insert("yamada-taro");
    await kiosk.waitFor("choose-method", on());
    await kiosk.pin("9085", reader);

    kiosk.socket.disconnect();
    await other.pin("8076", reader); // the session moves on while the kiosk is away
    const snapshot = new Promise<void>((resolve) => kiosk.socket.once("agent:snapshot", () => resolve()));
    kiosk.socket.connect();
    await snapshot;
    expect(kiosk.view(reader)).toMatchObject({ phase: "pin", pin: { triesLeft: 1 }, error: { code: "pin-wrong" } });
    expect(kiosk.view(reader)?.sessionId).toBe(other.view(reader)?.sessionId);

    await kiosk.pin("1234", reader);
    await kiosk.waitFor("consent", on());
    await other.waitFor("consent", on());
  });
}
