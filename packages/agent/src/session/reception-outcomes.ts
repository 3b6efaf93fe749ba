/**
 * What the reception does with the answers of the work its effects started — the card read, VERIFY, the face
 * reference and decision, the server's confirmation, consent and completion, a failure — and with its timers.
 * Pure, like the rest of the machine; answers about an older card never get here (transition() drops them).
 */
import type { PinStatus } from "@onshi-sim/card-client";
import type { Fault, OutcomeInput, PinOutcome, FaceResult, Stamp, Step } from "./reception-events.js";
import type { KnownCard } from "./reception-ports.js";
import { methodsOf, PIN_MAX_TRIES, problem, type FaceState, type Problem, type ReceptionState } from "./reception-state.js";
import { abort, after, complete, confirm, EMIT, fail, faceUnusable, idle, log, pinUnusable, REFUSED_BAD_REQUEST, startFaceReference, step, STOP_IDLE, toWaiting } from "./reception-steps.js";
import { dispositionOf, summarizeQualification } from "./qualification-summary.js";
import { onPhoneOutcome, phoneFail } from "./reception-phone.js";
import { offerRegistration, onRegistration, registrationPinVerified } from "./reception-registration.js";
import { INTERACTIVE_PHASES, type PinView } from "./session-view.js";

export function onOutcome(s: ReceptionState, o: OutcomeInput & Stamp): Step {
  switch (o.type) {
    case "card-read":
      return cardRead(s, o);
    case "card-unreadable":
      return fail(s, problem(o.code), o.message);
    case "card-gone":
      return abort(s, "card-removed");
    case "pin-result":
      return pinResult(s, o.outcome);
    case "face-reference-ready":
      return step({ ...s, face: s.face && { ...s.face, referenceReady: true } }, [log(s, "face-reference-ready"), EMIT]);
    case "face-reference-failed": {
      const next: ReceptionState = { ...s, face: s.face && { ...s.face, available: false, unavailableReason: o.reason } };
      const logged = [log(s, "face-reference-failed", { reason: o.reason, ...messageOf(o) })];
      // Someone waiting in the face phase is sent back to choose another method.
      if (!s.busy && s.phase === "face") return after(logged, faceUnusable(next, o.reason));
      return step(next, [...logged, EMIT]);
    }
    case "face-result":
      return faceResult(s, o.result);
    case "confirmation":
      return confirmation(s, o);
    case "pin-forgotten": {
      // The card forgot the verified PIN (reset by the reader): ask for it again.
      const next: ReceptionState = { ...s, pin: { state: "ready", triesLeft: null, maxTries: PIN_MAX_TRIES }, phase: "pin", problem: null, busy: false };
      return step(next, [EMIT, idle(next)]);
    }
    case "consent-recorded":
      return after([log(s, "consent", { items: o.consents.map((c) => `${c.item}=${c.consented ? 1 : 0}`).join(",") })], complete(s, o.consents));
    case "completed":
      return completed(s, o.result);
    case "server-failed":
      return serverFailed(s, o.fault);
    case "registration":
      return onRegistration(s, o);
    case "idle-timer":
      // The phone path: no phone held in time has its own screen; a phone failure goes back to the start.
      if (s.phone && s.phase === "phone-hold" && !s.busy) return phoneFail(s, "phone-not-held");
      if (s.phone && s.phase === "error") return toWaiting(s, o.nextSessionId, o.at);
      if (!INTERACTIVE_PHASES.has(s.phase)) return step(s);
      // Still working (a slow server): the patient is not idle.
      return s.busy ? step(s, [idle(s)]) : abort(s, "idle-timeout");
    case "return-timer":
      return (!s.cardPresent || s.phone) && s.phase === "aborted" ? toWaiting(s, o.nextSessionId, o.at) : step(s);
    case "effect-failed":
      return fail(s, problem("internal"), o.message);
    case "phone-read":
    case "phone-unreadable":
    case "phone-gone":
    case "phone-pin-result":
    case "phone-refused-signature":
      return onPhoneOutcome(s, o);
  }
}

/** A cause's message for the log line, when it had one. */
function messageOf(o: { readonly message: string | undefined }): { message?: string } {
  return o.message !== undefined ? { message: o.message } : {};
}

// ── the card ──────────────────────────────────────────────────────────────────────────────────────

const NO_FACE: FaceState = { available: false, unavailableReason: null, referenceReady: false, attempts: 0, failures: 0, lastOutcome: null, lastDistance: null, lastMs: null };

function cardRead(s: ReceptionState, o: Extract<OutcomeInput, { type: "card-read" }>): Step {
  const pin = pinViewOf(o.pinStatus, o.known);
  const read: ReceptionState = { ...s, certificateDer: o.certificateDer, card: { kind: o.fixture ? "fixture" : "real", certificateValidTo: o.certificateValidTo }, pin, face: NO_FACE };
  // Face verification needs the verifier, the device, and the card's 照合番号B: from its fixture, or for a real
  // card from staff (staff-match-number-b).
  const withFace = read.setup.hasFaceVerifier && read.setup.hasDevice && o.known ? startFaceReference(read, o.known.matchNumberB) : step({ ...read, face: { ...NO_FACE, unavailableReason: "face-unavailable" } });
  const { face } = withFace.state;
  const effects = [...withFace.effects, log(read, "card-read", { kind: o.fixture ? "fixture" : "real", pin: pin.state, triesLeft: pin.triesLeft, face: face?.available ?? false })];
  if (methodsOf(withFace.state).length === 0) return after(effects, fail(withFace.state, problem("no-method")));
  // Say up front why the PIN is not offered (locked, or never set on a 顔認証マイナンバーカード).
  const notice = pin.state === "locked" ? problem("pin-locked") : pin.state === "not-set" ? problem("pin-not-set") : null;
  const next: ReceptionState = { ...withFace.state, phase: "choose-method", problem: notice, busy: false };
  return step(next, [...effects, EMIT, idle(next)]);
}

function pinViewOf(status: PinStatus | undefined, known: KnownCard | undefined): PinView {
  if (!status) return { state: "unknown", triesLeft: null, maxTries: PIN_MAX_TRIES };
  if (status.state === "ready") return { state: "ready", triesLeft: status.triesLeft, maxTries: PIN_MAX_TRIES };
  if (status.state === "verified") return { state: "ready", triesLeft: null, maxTries: PIN_MAX_TRIES };
  return { state: known && !known.userAuthPinSet ? "not-set" : "locked", triesLeft: 0, maxTries: PIN_MAX_TRIES };
}

function pinResult(s: ReceptionState, outcome: PinOutcome): Step {
  if (s.phase === "register-pin") {
    // The PIN for 保険証利用登録: right → the registration consent; locked → the session ends (no other way to sign).
    if (outcome.kind === "verified") return registrationPinVerified({ ...s, pin: { state: "verified", triesLeft: null, maxTries: PIN_MAX_TRIES } });
    if (outcome.kind === "blocked" || (outcome.kind === "wrong" && outcome.triesLeft === 0)) return fail({ ...s, pin: { state: "locked", triesLeft: 0, maxTries: PIN_MAX_TRIES } }, problem("pin-locked"));
  }
  switch (outcome.kind) {
    case "verified": {
      const next: ReceptionState = { ...s, pin: { state: "verified", triesLeft: null, maxTries: PIN_MAX_TRIES } };
      return after([log(next, "pin-verified")], confirm(next, "pin"));
    }
    case "wrong":
    case "blocked": {
      if (outcome.kind === "wrong" && outcome.triesLeft > 0) {
        const next: ReceptionState = { ...s, pin: { state: "ready", triesLeft: outcome.triesLeft, maxTries: PIN_MAX_TRIES }, problem: problem("pin-wrong"), busy: false };
        return step(next, [log(next, "pin-wrong", { triesLeft: outcome.triesLeft }), EMIT, idle(next)]);
      }
      // The third wrong PIN (63 C0) or a card that was already blocked (69 84 / 69 83).
      const next: ReceptionState = { ...s, pin: { state: "locked", triesLeft: 0, maxTries: PIN_MAX_TRIES } };
      return after([log(next, "pin-locked")], pinUnusable(next, "pin-locked"));
    }
    case "withheld":
      return pinUnusable({ ...s, pin: { state: "ready", triesLeft: outcome.triesLeft, maxTries: PIN_MAX_TRIES } }, "real-card-safety");
    case "format":
      return step({ ...s, busy: false }, [EMIT], REFUSED_BAD_REQUEST);
    case "failed":
      return fail(s, problem("read-error"), outcome.message);
  }
}

// ── the face ──────────────────────────────────────────────────────────────────────────────────────

function faceResult(s: ReceptionState, result: FaceResult): Step {
  switch (result.kind) {
    case "no-reference":
      return faceUnusable(s, s.face?.unavailableReason ?? "face-unavailable");
    case "bad-image": {
      const next: ReceptionState = { ...s, busy: false };
      return step(next, [EMIT, idle(next)], REFUSED_BAD_REQUEST);
    }
    case "failed":
      return after([log(s, "face-error", messageOf(result))], faceUnusable(s, "face-unavailable"));
    case "decision": {
      const { decision } = result;
      const before = s.face ?? NO_FACE;
      const distance = decision.distance === null ? null : Math.round(decision.distance * 1000) / 1000;
      const face: FaceState = {
        ...before,
        attempts: before.attempts + 1,
        failures: before.failures + (decision.outcome === "mismatch" ? 1 : 0),
        lastOutcome: decision.outcome,
        lastDistance: distance,
        lastMs: Math.round(decision.ms),
      };
      const logged = [log(s, "face-decision", { outcome: decision.outcome, distance, ms: face.lastMs, faces: decision.faces })];
      if (decision.outcome === "match") return after(logged, confirm({ ...s, face, problem: null }, "face"));
      if (face.failures >= s.setup.maxFaceFailures || face.attempts >= s.setup.maxFaceFrames) return after(logged, faceUnusable({ ...s, face }, "face-attempts-exhausted"));
      const code = decision.outcome === "mismatch" ? "face-no-match" : decision.outcome === "no-face" ? "face-no-face" : "face-uncertain";
      const next: ReceptionState = { ...s, face, problem: problem(code), busy: false };
      return step(next, [...logged, EMIT, idle(next)]);
    }
  }
}

// ── the server ────────────────────────────────────────────────────────────────────────────────────

function confirmation(s: ReceptionState, o: Extract<OutcomeInput, { type: "confirmation" }>): Step {
  const { result, method } = o;
  const body = result.XmlMsg.MessageBody;
  const disposition = dispositionOf(result);
  const looked: ReceptionState = {
    ...s,
    notices: result.simulator.notices,
    confirmationId: result.simulator.confirmationId ?? null,
    result: summarizeQualification(result.XmlMsg, result.simulator, method),
  };
  const logged = [
    log(s, "qualification", {
      method,
      usable: result.simulator.usable,
      code: body.ProcessingResultCode ?? result.XmlMsg.MessageHeader.ErrorCode ?? null,
      validity: body.QualificationValidity ?? null,
    }),
  ];
  if (disposition.kind === "refused") {
    const refused: ReceptionState = { ...looked, retry: disposition.retryable ? { kind: "confirm", method } : null };
    // A phone's expired certificate (or card) has no grace: its own screen — show the card or a 資格確認書.
    if (s.phone && (disposition.code === "certificate-expired" || disposition.code === "card-expired"))
      return after(logged, phoneFail(refused, problem("phone-certificate-expired", { serverCode: disposition.serverCode })));
    if (s.phone && !disposition.retryable) return after(logged, phoneFail({ ...refused, problem: null }, disposition.code));
    // E131 (not registered): offer 保険証利用登録 now, when the server port can register.
    const offer = disposition.code === "not-registered" && !s.registeredNow ? offerRegistration(refused, logged) : undefined;
    if (offer) return offer;
    return after(logged, fail(refused, problem(disposition.code, { serverCode: disposition.serverCode, retryable: disposition.retryable })));
  }
  // Looked up, but not usable: no consent screens; complete so the レセコン gets the result, then say why.
  if (disposition.kind === "not-usable") return after(logged, complete({ ...looked, problem: problem(disposition.code, { serverCode: body.ProcessingResultCode }) }, []));
  // Grace after an expiry: only the qualification — no consent screens; the done screen says why (REFERENCE §6).
  if (result.simulator.qualificationOnly) return after(logged, complete({ ...looked, problem: problem("qualification-only", { serverCode: body.ProcessingResultCode }) }, []));
  const publicExpenseOffered = result.simulator.publicExpenseOffered ?? false;
  const next: ReceptionState = { ...looked, retry: null, consentFlow: result.simulator.consentFlow, publicExpenseOffered, phase: "consent", problem: null, busy: false };
  return step(next, [...logged, EMIT, idle(next)]);
}

/** Completed at the server (`completed` undefined: it was already — an answer lost on the way, then a retry). */
function completed(s: ReceptionState, completedAnswer: Extract<OutcomeInput, { type: "completed" }>["result"] | undefined): Step {
  const method = s.method;
  if (!method) return fail(s, problem("internal"));
  // The completed result includes the consents just given (e.g. 特定疾病, 限度額 in the old flow).
  const result = completedAnswer ? summarizeQualification(completedAnswer.XmlMsg, completedAnswer.simulator, method, { notices: [...s.notices], consents: s.consents }) : s.result;
  // The problem stays: for a result that is not usable it says why.
  const next: ReceptionState = { ...s, result, retry: null, phase: "done", consentFlow: null, busy: false };
  return step(next, [log(s, "completed", { usable: result?.usable ?? false }), STOP_IDLE, { kind: "release-face" }, EMIT]);
}

function serverFailed(s: ReceptionState, fault: Fault): Step {
  if (fault.kind === "server" && s.retry?.kind === "consent" && fault.code === "server-error" && fault.serverCode?.startsWith("E3")) {
    // The server refused the answer itself (E3xx): asking again would not help.
    return fail({ ...s, retry: null }, problem("consent-rejected", { serverCode: fault.serverCode }), fault.message);
  }
  if (fault.kind === "server" && s.retry?.kind === "complete" && fault.serverCode === "E302") return completed(s, undefined);
  return fail(s, problemOf(fault), fault.message);
}

function problemOf(fault: Fault): Problem {
  if (fault.kind === "card") return problem("read-error");
  if (fault.kind === "internal") return problem("internal");
  const code = fault.code === "server-unreachable" || fault.status === 503 ? "server-down" : fault.code === "server-timeout" ? "server-timeout" : "server-error";
  return problem(code, { serverCode: fault.serverCode, retryable: true });
}
