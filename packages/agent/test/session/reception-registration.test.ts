/**
 * The 2025–2026 paths of the machine on their own (issue 14): 保険証利用登録 at the reader after E131, the PMH
 * screen riding on the consent flow, the grace period's qualification only, and 医療扶助's validity 6.
 */
import { describe, expect, it } from "vitest";
import type { ConfirmationAnswer, SessionInput, Step } from "../../src/session/reception-events.js";
import { transition } from "../../src/session/reception-machine.js";
import { initialState, type ReceptionSetup, type ReceptionState } from "../../src/session/reception-state.js";
import { buildSessionView } from "../../src/session/session-view-builder.js";

const SETUP: ReceptionSetup = { reader: "Test Reader 00", hasFaceVerifier: false, hasDevice: true, hasStaffPin: true, maxFaceFailures: 3, maxFaceFrames: 10, canRegister: true, phoneReader: null };
const AT = "2026-11-22T01:00:00.000Z";
const apply = (state: ReceptionState, input: SessionInput): Step => transition(state, { ...input, at: AT, nextSessionId: "next" });
const after = (state: ReceptionState, ...inputs: SessionInput[]): ReceptionState => inputs.reduce((s, input) => apply(s, input).state, state);
const kinds = (s: Step) => s.effects.map((e) => (e.kind === "log" ? `log:${e.event}` : e.kind === "idle-timer" ? `${e.kind}:${e.action}` : e.kind));

function answer(o: { status?: "1" | "2"; code?: string; validity?: "1" | "6"; usable?: boolean; publicExpenseOffered?: boolean; qualificationOnly?: boolean } = {}): ConfirmationAnswer {
  return {
    XmlMsg: {
      MessageHeader: { ProcessExecutionTime: "20261122100000", QualificationConfirmationDate: "20261122", MedicalInstitutionCode: "1311234567", ReferenceClassification: "1", SegmentOfResult: "1", CharacterCodeIdentifier: "0" },
      MessageBody: { ProcessingResultStatus: o.status ?? "1", ...(o.code ? { ProcessingResultCode: o.code } : {}), ...(o.status === "2" ? {} : { QualificationValidity: o.validity ?? "1" }) },
    },
    simulator: {
      confirmationId: "conf-0001",
      simulationDate: "20261122",
      consentFlow: "since-2024-10-07",
      usable: o.usable ?? o.status !== "2",
      notices: [],
      ...(o.publicExpenseOffered !== undefined ? { publicExpenseOffered: o.publicExpenseOffered } : {}),
      ...(o.qualificationOnly !== undefined ? { qualificationOnly: o.qualificationOnly } : {}),
    },
  };
}

function session(setup: ReceptionSetup = SETUP) {
  const reading = after(initialState(setup, "first", AT), { type: "card-inserted" });
  const G = reading.generation;
  const choosing = after(reading, {
    type: "card-read",
    generation: G,
    certificateDer: Uint8Array.of(0x30, 0x82),
    certificateValidTo: "2028-12-24",
    fixture: true,
    pinStatus: { state: "ready", triesLeft: 3 },
    known: undefined,
  });
  return { G, choosing };
}

describe("保険証利用登録 at the reader", () => {
  const { G, choosing } = session();
  const pinConfirming = after(choosing, { type: "enter-pin", pin: "1234" }, { type: "pin-result", generation: G, outcome: { kind: "verified" } });
  const offered = apply(pinConfirming, { type: "confirmation", generation: G, method: "pin", result: answer({ status: "2", code: "E131" }) });

  it("E131 offers to register (not an error) when the server port can register", () => {
    expect(offered.state).toMatchObject({ phase: "register-offer", busy: false, problem: { code: "not-registered", serverCode: "E131" } });
    expect(kinds(offered)).toEqual(["log:qualification", "log:registration-offered", "emit", "idle-timer:restart"]);
  });

  it("without a registering port, E131 ends the session as before", () => {
    const { G: g, choosing: c } = session({ ...SETUP, canRegister: false });
    const s = after(c, { type: "enter-pin", pin: "1234" }, { type: "pin-result", generation: g, outcome: { kind: "verified" } });
    expect(apply(s, { type: "confirmation", generation: g, method: "pin", result: answer({ status: "2", code: "E131" }) }).state).toMatchObject({ phase: "error", problem: { code: "not-registered" } });
  });

  it("登録する with the PIN verified → the consent; 同意する → register (busy), then confirm again with the PIN", () => {
    const consent = apply(offered.state, { type: "register", accept: true });
    expect(consent.reply).toEqual({ ok: true });
    expect(consent.state.phase).toBe("register-consent");
    const registering = apply(consent.state, { type: "register", accept: true });
    expect(registering.state).toMatchObject({ phase: "register-consent", busy: true });
    expect(registering.effects.find((e) => e.kind === "register")).toMatchObject({ generation: G });
    const registered = apply(registering.state, { type: "registration", generation: G, registered: true });
    expect(registered.state).toMatchObject({ phase: "confirming", registeredNow: true, method: "pin" });
    expect(registered.effects.find((e) => e.kind === "confirm")).toMatchObject({ method: "pin" });
    const valid = apply(registered.state, { type: "confirmation", generation: G, method: "pin", result: answer() });
    expect(valid.state.phase).toBe("consent");
    expect(buildSessionView(valid.state, 1, new Date(AT)).registeredNow).toBe(true);
  });

  it("a second E131 after registering is not offered again (no loop)", () => {
    const s = after(offered.state, { type: "register", accept: true }, { type: "register", accept: true }, { type: "registration", generation: G, registered: true });
    expect(apply(s, { type: "confirmation", generation: G, method: "pin", result: answer({ status: "2", code: "E131" }) }).state.phase).toBe("error");
  });

  it("登録しない or 同意しない end with not-registered; a refused registration with registration-failed", () => {
    expect(apply(offered.state, { type: "register", accept: false }).state).toMatchObject({ phase: "error", problem: { code: "not-registered" } });
    const consent = after(offered.state, { type: "register", accept: true });
    expect(apply(consent, { type: "register", accept: false }).state).toMatchObject({ phase: "error", problem: { code: "not-registered" } });
    const busy = after(consent, { type: "register", accept: true });
    const failed = apply(busy, { type: "registration", generation: G, registered: false, fault: { kind: "server", code: "server-error", status: 403, serverCode: "E114", message: "expired" } });
    expect(failed.state).toMatchObject({ phase: "error", problem: { code: "registration-failed", serverCode: "E114" } });
  });

  it("verified by 目視: 登録する asks for the PIN first (registration is PIN-signed); a wrong PIN stays there", () => {
    const visual = apply(choosing, { type: "staff-visual", staffPin: { ok: true } }).state;
    const offer = apply(visual, { type: "confirmation", generation: G, method: "visual", result: answer({ status: "2", code: "E131" }) }).state;
    const pinPhase = apply(offer, { type: "register", accept: true }).state;
    expect(pinPhase.phase).toBe("register-pin");
    const sent = apply(pinPhase, { type: "enter-pin", pin: "1234" });
    expect(sent.state).toMatchObject({ phase: "register-pin", busy: true, method: "visual" });
    const wrong = apply(sent.state, { type: "pin-result", generation: G, outcome: { kind: "wrong", triesLeft: 2 } });
    expect(wrong.state).toMatchObject({ phase: "register-pin", problem: { code: "pin-wrong" } });
    const right = after(wrong.state, { type: "enter-pin", pin: "1234" }, { type: "pin-result", generation: G, outcome: { kind: "verified" } });
    expect(right.phase).toBe("register-consent");
    const locked = after(wrong.state, { type: "enter-pin", pin: "9999" }, { type: "pin-result", generation: G, outcome: { kind: "wrong", triesLeft: 0 } });
    expect(locked).toMatchObject({ phase: "error", problem: { code: "pin-locked" } });
  });

  it("the offer refuses other commands and may be cancelled", () => {
    expect(apply(offered.state, { type: "consent", answer: { comprehensive: true } }).reply).toMatchObject({ ok: false, refusal: { code: "wrong-phase" } });
    expect(apply(offered.state, { type: "cancel" }).state.phase).toBe("aborted");
  });
});

describe("PMH screen, grace period, 医療扶助", () => {
  const { G, choosing } = session();
  const confirming = after(choosing, { type: "enter-pin", pin: "1234" }, { type: "pin-result", generation: G, outcome: { kind: "verified" } });

  it("PMH offered: the consent view lists publicExpense last and the answer may carry it", () => {
    const consent = apply(confirming, { type: "confirmation", generation: G, method: "pin", result: answer({ publicExpenseOffered: true }) }).state;
    expect(buildSessionView(consent, 1, new Date(AT)).consent?.items.map((i) => i.item).at(-1)).toBe("publicExpense");
    const sent = apply(consent, { type: "consent", answer: { comprehensive: true, items: { publicExpense: true } } });
    expect(sent.reply).toEqual({ ok: true });
    expect(sent.effects.find((e) => e.kind === "record-consent")).toMatchObject({ request: { comprehensive: true, items: { publicExpense: true } } });
  });

  it("PMH not offered: publicExpense in the answer is refused", () => {
    const consent = apply(confirming, { type: "confirmation", generation: G, method: "pin", result: answer() }).state;
    expect(buildSessionView(consent, 1, new Date(AT)).consent?.items.map((i) => i.item)).not.toContain("publicExpense");
    expect(apply(consent, { type: "consent", answer: { items: { publicExpense: true } } }).reply).toMatchObject({ ok: false, refusal: { code: "bad-request" } });
  });

  it("grace: usable but qualification only — no consent phase, complete with the notice", () => {
    const s = apply(confirming, { type: "confirmation", generation: G, method: "pin", result: answer({ qualificationOnly: true }) });
    expect(s.state).toMatchObject({ phase: "confirming", consentFlow: null, problem: { code: "qualification-only" } });
    expect(s.effects.map((e) => e.kind)).toContain("complete");
  });

  it("医療扶助 validity 6: not usable, completed with medical-ticket-unregistered", () => {
    const s = apply(confirming, { type: "confirmation", generation: G, method: "pin", result: answer({ validity: "6", usable: false }) });
    expect(s.state.problem).toMatchObject({ code: "medical-ticket-unregistered" });
    expect(s.effects.map((e) => e.kind)).toContain("complete");
  });
});
