/**
 * The reception's transition function on its own: plain states and events in, state, effects and answers out —
 * no card, no server, no timers. One row per path or refusal; the full sessions over real cards and a real
 * server are in reception-session.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { ConfirmationAnswer, Effect, SessionInput, Step } from "../../src/session/reception-events.js";
import { transition } from "../../src/session/reception-machine.js";
import { ACCEPTS, gate, initialState, methodsOf, type CommandType, type ReceptionSetup, type ReceptionState } from "../../src/session/reception-state.js";
import { SESSION_PHASES, type SessionPhase } from "../../src/session/session-view.js";

const SETUP: ReceptionSetup = { reader: "Test Reader 00", hasFaceVerifier: true, hasDevice: true, hasStaffPin: true, maxFaceFailures: 3, maxFaceFrames: 10, phoneReader: null };
const AT = "2026-11-22T01:00:00.000Z";
const MATCH_NUMBER_B = "60061520334821";

const apply = (state: ReceptionState, input: SessionInput, nextSessionId = "next"): Step => transition(state, { ...input, at: AT, nextSessionId });
/** The state after a run of events, each applied to the last one's state. */
const after = (state: ReceptionState, ...inputs: SessionInput[]): ReceptionState => inputs.reduce((s, input) => apply(s, input).state, state);
const kinds = (s: Step) => s.effects.map((e) => (e.kind === "log" ? `log:${e.event}` : e.kind === "idle-timer" || e.kind === "return-timer" ? `${e.kind}:${e.action}` : e.kind));

function qualification(o: { usable?: boolean; code?: string; status?: "1" | "2"; validity?: "1" | "2" | "3" | "4" | "5"; flow?: "since-2024-10-07" | "before-2024-10-07" } = {}): ConfirmationAnswer {
  const usable = o.usable ?? true;
  return {
    XmlMsg: {
      MessageHeader: { ProcessExecutionTime: "20261122100000", QualificationConfirmationDate: "20261122", MedicalInstitutionCode: "0112345678", ReferenceClassification: "1", SegmentOfResult: "1", CharacterCodeIdentifier: "0" },
      MessageBody: {
        ProcessingResultStatus: o.status ?? "1",
        ...(o.code ? { ProcessingResultCode: o.code } : {}),
        ...(o.status === "2" ? {} : { QualificationValidity: o.validity ?? "1" }),
      },
    },
    simulator: { confirmationId: "conf-0001", simulationDate: "20261122", consentFlow: o.flow ?? "since-2024-10-07", usable, notices: [] },
  };
}

// A session walked along the PIN path, one state per step.
const waiting = initialState(SETUP, "first", AT);
const reading = after(waiting, { type: "card-inserted" });
const G = reading.generation;
const cardRead = (o: { pin?: "ready" | "blocked"; known?: boolean; pinSet?: boolean } = {}): SessionInput => ({
  type: "card-read",
  generation: G,
  certificateDer: Uint8Array.of(0x30, 0x82),
  certificateValidTo: "2028-06-15",
  fixture: true,
  pinStatus: o.pin === "blocked" ? { state: "blocked", sw: 0x6984 } : { state: "ready", triesLeft: 3 },
  known: o.known === false ? undefined : { matchNumberB: MATCH_NUMBER_B, userAuthPinSet: o.pinSet ?? true },
});
const choosing = after(reading, cardRead());
const pinSent = after(choosing, { type: "enter-pin", pin: "1234" });
const confirming = after(pinSent, { type: "pin-result", generation: G, outcome: { kind: "verified" } });
const consenting = after(confirming, { type: "confirmation", generation: G, method: "pin", result: qualification() });
const recording = after(consenting, { type: "consent", answer: { comprehensive: true } });
const completing = after(recording, { type: "consent-recorded", generation: G, consents: [{ item: "diagnosis", consented: true, consTime: "20261122100000" }] });
const serverDown = after(confirming, { type: "server-failed", generation: G, fault: { kind: "server", code: "server-unreachable", message: "connect ECONNREFUSED" } });
const visualOnly = after(reading, cardRead({ pin: "blocked" }), { type: "face-reference-failed", generation: G, reason: "face-unavailable", message: undefined });
const broken = after(waiting, { type: "reader-broken", broken: true });

interface Row {
  readonly name: string;
  readonly from: ReceptionState;
  readonly event: SessionInput;
  readonly phase?: SessionPhase;
  /** The problem the state shows afterwards (null: none). */
  readonly problem?: string | null;
  /** "ok", or the code of the refusal; absent: no answer (not a command). */
  readonly reply?: string;
  readonly effects?: readonly string[];
  readonly check?: (next: Step, from: ReceptionState) => void;
}

const rows: Row[] = [
  // ── the PIN path ──
  { name: "a card placed: a new session reads it", from: waiting, event: { type: "card-inserted" }, phase: "reading", effects: ["log:card-inserted", "emit", "read-card"],
    check: (n) => expect(n.state).toMatchObject({ sessionId: "next", busy: true, cardPresent: true, generation: 1 }) },
  { name: "card read: choose a method; its face is prepared meanwhile", from: reading, event: cardRead(), phase: "choose-method", problem: null, effects: ["prepare-face", "log:card-read", "emit", "idle-timer:restart"],
    check: (n) => expect(methodsOf(n.state)).toEqual(["face", "pin", "visual"]) },
  { name: "a PIN of the right form goes to the card; nothing keeps it", from: choosing, event: { type: "enter-pin", pin: "1234" }, phase: "pin", reply: "ok", effects: ["idle-timer:stop", "emit", "verify-pin"],
    check: (n) => {
      expect(n.effects.find((e) => e.kind === "verify-pin")).toMatchObject({ pin: "1234" });
      expect(JSON.stringify(n.state, (_k, v: unknown) => (v instanceof Uint8Array ? [...v] : v))).not.toContain("1234");
    } },
  { name: "PIN verified: ask the server (nonce, signature)", from: pinSent, event: { type: "pin-result", generation: G, outcome: { kind: "verified" } }, phase: "confirming", effects: ["log:pin-verified", "idle-timer:stop", "emit", "confirm"],
    check: (n) => expect(n.state.retry).toEqual({ kind: "confirm", method: "pin" }) },
  { name: "usable: the consent screens of the flow", from: confirming, event: { type: "confirmation", generation: G, method: "pin", result: qualification() }, phase: "consent", problem: null, effects: ["log:qualification", "emit", "idle-timer:restart"],
    check: (n) => expect(n.state).toMatchObject({ consentFlow: "since-2024-10-07", confirmationId: "conf-0001", retry: null, busy: false }) },
  { name: "consent given: record it", from: consenting, event: { type: "consent", answer: { comprehensive: true } }, phase: "consent", reply: "ok", effects: ["idle-timer:stop", "emit", "record-consent"],
    check: (n) => expect(n.effects.at(-1)).toMatchObject({ request: { confirmationId: "conf-0001", comprehensive: true } }) },
  { name: "no answer given: straight to completion", from: consenting, event: { type: "consent", answer: {} }, reply: "ok", effects: ["idle-timer:stop", "emit", "complete"] },
  { name: "consent recorded: complete", from: recording, event: { type: "consent-recorded", generation: G, consents: [] }, effects: ["log:consent", "complete"] },
  { name: "completed: done, the face reference let go", from: completing, event: { type: "completed", generation: G, result: { ...qualification(), confirmationId: "conf-0001", faceFile: "f.xml" } }, phase: "done", problem: null,
    effects: ["log:completed", "idle-timer:stop", "release-face", "emit"], check: (n) => expect(n.state.result?.consents.map((c) => c.item)).toEqual(["diagnosis"]) },
  // ── PIN outcomes ──
  { name: "wrong PIN: tries left, try again", from: pinSent, event: { type: "pin-result", generation: G, outcome: { kind: "wrong", triesLeft: 2 } }, phase: "pin", problem: "pin-wrong",
    check: (n) => expect(n.state.pin).toEqual({ state: "ready", triesLeft: 2, maxTries: 3 }) },
  { name: "the third wrong PIN locks it: face or 目視", from: pinSent, event: { type: "pin-result", generation: G, outcome: { kind: "wrong", triesLeft: 0 } }, phase: "choose-method", problem: "pin-locked",
    check: (n) => expect(methodsOf(n.state)).toEqual(["face", "visual"]) },
  { name: "a real card with one try left: the PIN is withheld", from: pinSent, event: { type: "pin-result", generation: G, outcome: { kind: "withheld", triesLeft: 1 } }, phase: "choose-method", problem: "real-card-safety",
    check: (n) => expect(n.state.pin?.state).toBe("unknown") },
  { name: "the card refused the format: the command is refused after all", from: pinSent, event: { type: "pin-result", generation: G, outcome: { kind: "format" } }, phase: "pin", reply: "bad-request", effects: ["emit"] },
  { name: "a blocked card that is a 顔認証マイナンバーカード: 'not set'", from: reading, event: cardRead({ pin: "blocked", pinSet: false }), phase: "choose-method", problem: "pin-not-set" },
  { name: "the card forgot the verified PIN: ask for it again", from: confirming, event: { type: "pin-forgotten", generation: G }, phase: "pin", problem: null },
  // ── face ──
  { name: "a face frame waits for its decision", from: choosing, event: { type: "face-frame", image: Uint8Array.of(0xff, 0xd8) }, phase: "face", reply: "ok", effects: ["idle-timer:stop", "emit", "verify-face"] },
  { name: "face match: ask the server with the device", from: after(choosing, { type: "face-frame", image: Uint8Array.of(1) }),
    event: { type: "face-result", generation: G, result: { kind: "decision", decision: { outcome: "match", distance: 0.31234, faces: 1, ms: 812.4 } } }, phase: "confirming",
    check: (n) => expect(n.state.face).toMatchObject({ attempts: 1, failures: 0, lastDistance: 0.312, lastMs: 812 }) },
  { name: "the third mismatch: face is not offered again", from: { ...after(choosing, { type: "face-frame", image: Uint8Array.of(1) }), face: { ...choosing.face!, attempts: 2, failures: 2 } },
    event: { type: "face-result", generation: G, result: { kind: "decision", decision: { outcome: "mismatch", distance: 0.7, faces: 1, ms: 5 } } }, phase: "choose-method", problem: "face-attempts-exhausted",
    check: (n) => expect(methodsOf(n.state)).toEqual(["pin", "visual"]) },
  { name: "not an image: refused, not counted", from: after(choosing, { type: "face-frame", image: Uint8Array.of(1) }), event: { type: "face-result", generation: G, result: { kind: "bad-image" } }, phase: "face", reply: "bad-request",
    check: (n) => expect(n.state.face?.attempts).toBe(0) },
  { name: "the card photo could not be read while the patient waits in face: back to choosing", from: { ...choosing, phase: "face" },
    event: { type: "face-reference-failed", generation: G, reason: "match-number-b-wrong", message: "照合番号B wrong" }, phase: "choose-method", problem: "match-number-b-wrong" },
  // ── 目視 and the staff PIN ──
  { name: "目視 with the staff PIN: confirm with the device", from: visualOnly, event: { type: "staff-visual", staffPin: { ok: true } }, phase: "confirming", reply: "ok", effects: ["log:visual-check", "idle-timer:stop", "emit", "confirm"] },
  { name: "a wrong staff PIN is refused and logged (without the PIN)", from: visualOnly, event: { type: "staff-visual", staffPin: { ok: false, code: "staff-pin-wrong", retryAfterMs: null, triesLeft: 4 } }, phase: "choose-method", reply: "staff-pin-wrong", effects: ["log:staff-pin-wrong"],
    check: (n) => expect(n.reply).toEqual({ ok: false, refusal: { code: "staff-pin-wrong", retryable: false, triesLeft: 4 } }) },
  { name: "a locked staff PIN says for how long", from: visualOnly, event: { type: "staff-visual", staffPin: { ok: false, code: "staff-pin-locked", retryAfterMs: 50_000 } }, reply: "staff-pin-locked",
    check: (n) => expect(n.reply).toEqual({ ok: false, refusal: { code: "staff-pin-locked", retryable: false, retryAfterMs: 50_000 } }) },
  { name: "照合番号B for a card the agent does not know: its face is prepared", from: after(reading, cardRead({ known: false })), event: { type: "staff-match-number-b", staffPin: { ok: true }, matchNumberB: MATCH_NUMBER_B }, reply: "ok",
    effects: ["prepare-face", "emit", "idle-timer:restart"], check: (n) => expect(methodsOf(n.state)).toContain("face") },
  { name: "照合番号B of the wrong form", from: after(reading, cardRead({ known: false })), event: { type: "staff-match-number-b", staffPin: { ok: true }, matchNumberB: "1234" }, reply: "bad-request" },
  // ── refusals ──
  { name: "a PIN of the wrong form never reaches the card", from: choosing, event: { type: "enter-pin", pin: "12a4" }, phase: "choose-method", reply: "bad-request", effects: [] },
  { name: "input while the card works: busy", from: pinSent, event: { type: "choose", method: "face" }, reply: "busy", effects: [] },
  { name: "a method that is not offered", from: visualOnly, event: { type: "choose", method: "pin" }, reply: "method-unavailable" },
  { name: "consent before the consent screens: wrong phase", from: choosing, event: { type: "consent", answer: { comprehensive: true } }, reply: "wrong-phase" },
  { name: "包括同意 in the old flow, which has no such screen", from: after(confirming, { type: "confirmation", generation: G, method: "pin", result: qualification({ flow: "before-2024-10-07" }) }),
    event: { type: "consent", answer: { comprehensive: true } }, reply: "bad-request" },
  { name: "retry after a refusal that asking again cannot mend", from: after(confirming, { type: "confirmation", generation: G, method: "pin", result: qualification({ status: "2", code: "E114", usable: false }) }),
    event: { type: "retry" }, phase: "error", problem: "certificate-expired", reply: "wrong-phase" },
  { name: "nothing to cancel once done", from: after(completing, { type: "completed", generation: G, result: { ...qualification(), confirmationId: "conf-0001", faceFile: "f.xml" } }), event: { type: "cancel" }, reply: "wrong-phase" },
  // ── the server ──
  { name: "server down: error, retryable, the step kept", from: confirming, event: { type: "server-failed", generation: G, fault: { kind: "server", code: "server-unreachable", message: "ECONNREFUSED" } }, phase: "error", problem: "server-down",
    check: (n) => expect(n.state).toMatchObject({ problem: { retryable: true }, retry: { kind: "confirm", method: "pin" } }) },
  { name: "maintenance (503) is server down too", from: confirming, event: { type: "server-failed", generation: G, fault: { kind: "server", code: "server-error", status: 503, serverCode: "S901", message: "503" } }, problem: "server-down" },
  { name: "retry: the same step again, the card still verified", from: serverDown, event: { type: "retry" }, phase: "confirming", problem: null, reply: "ok", effects: ["log:retry", "idle-timer:stop", "emit", "confirm"] },
  { name: "E114: certificate expired, not retryable", from: confirming, event: { type: "confirmation", generation: G, method: "pin", result: qualification({ status: "2", code: "E114", usable: false }) }, phase: "error", problem: "certificate-expired",
    check: (n) => expect(n.state.retry).toBeNull() },
  { name: "looked up but not usable: complete, then say why", from: confirming, event: { type: "confirmation", generation: G, method: "pin", result: qualification({ usable: false, validity: "4" }) }, phase: "confirming", problem: "qualification-not-found",
    effects: ["log:qualification", "complete"] },
  { name: "the server refuses the consent answer (E3xx): not retryable", from: recording, event: { type: "server-failed", generation: G, fault: { kind: "server", code: "server-error", serverCode: "E303", message: "E303" } }, phase: "error", problem: "consent-rejected",
    check: (n) => expect(n.state.retry).toBeNull() },
  { name: "completed already (E302, an answer lost on the way): done", from: completing, event: { type: "server-failed", generation: G, fault: { kind: "server", code: "server-error", serverCode: "E302", message: "E302" } }, phase: "done" },
  // ── the card and the reader ──
  { name: "card pulled mid-PIN: aborted, and the late answer will be dropped", from: pinSent, event: { type: "card-removed" }, phase: "aborted", problem: "card-removed",
    effects: ["log:card-removed", "idle-timer:stop", "release-face", "log:aborted", "emit", "return-timer:start"], check: (n) => expect(n.state.generation).toBe(G + 1) },
  { name: "an answer about an older card is dropped", from: after(pinSent, { type: "card-removed" }), event: { type: "pin-result", generation: G, outcome: { kind: "verified" } }, phase: "aborted", effects: [] },
  { name: "an exchange found the card gone before the reader said so", from: pinSent, event: { type: "card-gone", generation: G }, phase: "aborted", problem: "card-removed",
    check: (n) => expect(n.effects.some((e) => e.kind === "return-timer")).toBe(false) },
  { name: "after the pull, back to waiting", from: after(pinSent, { type: "card-removed" }), event: { type: "return-timer", generation: G + 1 }, phase: "waiting-for-card", problem: null,
    check: (n) => expect(n.state.sessionId).toBe("next") },
  { name: "not a My Number Card", from: reading, event: { type: "card-unreadable", generation: G, code: "not-my-number-card", message: "6A 82" }, phase: "error", problem: "not-my-number-card" },
  { name: "no method at all for this card", from: { ...reading, setup: { ...SETUP, hasDevice: false } }, event: cardRead({ pin: "blocked" }), phase: "error", problem: "no-method" },
  { name: "cancelled while reading", from: reading, event: { type: "cancel" }, phase: "aborted", problem: "cancelled", reply: "ok" },
  { name: "idle while the server works: keep waiting", from: { ...confirming, phase: "consent" }, event: { type: "idle-timer", generation: G }, phase: "consent", effects: ["idle-timer:restart"] },
  { name: "idle with nobody answering: aborted", from: choosing, event: { type: "idle-timer", generation: G }, phase: "aborted", problem: "idle-timeout" },
  { name: "reader out of order: an error until repaired", from: choosing, event: { type: "reader-broken", broken: true }, phase: "error", problem: "reader-broken" },
  { name: "a card on a broken reader is not read", from: broken, event: { type: "card-inserted" }, phase: "error", effects: ["log:card-ignored"] },
  { name: "repaired with a card on it: that card is read next", from: after(broken, { type: "card-inserted" }), event: { type: "reader-broken", broken: false }, phase: "waiting-for-card",
    effects: ["log:reader-repaired", "idle-timer:stop", "return-timer:stop", "release-face", "emit", "then"] },
  { name: "closed: timers stopped, answers dropped from now on", from: pinSent, event: { type: "close" }, effects: ["idle-timer:stop", "return-timer:stop", "release-face"],
    check: (n) => expect(apply(n.state, { type: "pin-result", generation: n.state.generation, outcome: { kind: "verified" } }).effects).toEqual([]) },
];

describe("transition", () => {
  it.each(rows.map((r) => [r.name, r] as const))("%s", (_name, row) => {
    const next = apply(row.from, row.event);
    if (row.phase) expect(next.state.phase).toBe(row.phase);
    if (row.problem !== undefined) expect(next.state.problem?.code ?? null).toBe(row.problem);
    if (row.reply === undefined) expect(next.reply).toBeUndefined();
    else expect(next.reply?.ok ? "ok" : next.reply?.refusal.code).toBe(row.reply);
    // A command refused at once changes nothing (a late refusal, from the card or the verifier, ends the busy spell).
    if (row.reply && row.reply !== "ok" && !("generation" in row.event)) expect(next.state).toBe(row.from);
    if (row.effects) expect(kinds(next)).toEqual(row.effects);
    row.check?.(next, row.from);
  });
});

describe("ACCEPTS", () => {
  const commands: CommandType[] = ["choose", "enter-pin", "face-frame", "staff-visual", "staff-match-number-b", "consent", "cancel", "retry"];
  it("names every phase, and a command it does not list is refused as wrong-phase", () => {
    expect(Object.keys(ACCEPTS).sort()).toEqual([...SESSION_PHASES].sort());
    for (const phase of SESSION_PHASES)
      for (const command of commands) expect(gate({ ...choosing, phase, busy: false }, command), `${command} in ${phase}`).toBe(ACCEPTS[phase].includes(command) ? undefined : "wrong-phase");
  });

  it("while busy, only cancel goes through", () => {
    for (const command of ACCEPTS.pin) expect(gate({ ...choosing, phase: "pin", busy: true }, command), command).toBe(command === "cancel" ? undefined : "busy");
  });

  it("every effect that starts work names the generation it belongs to", () => {
    const steps = [apply(waiting, { type: "card-inserted" }), apply(reading, cardRead()), apply(choosing, { type: "enter-pin", pin: "1234" }), apply(pinSent, { type: "pin-result", generation: G, outcome: { kind: "verified" } })];
    const work = steps.flatMap((s) => s.effects).filter((e: Effect) => ["read-card", "prepare-face", "verify-pin", "confirm"].includes(e.kind));
    expect(work.map((e) => ("generation" in e ? e.generation : undefined))).toEqual([G, G, G, G]);
  });
});
