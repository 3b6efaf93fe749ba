/**
 * The moves the reception makes from more than one place — end with an error, abort, go back to choosing a
 * method, ask the server — as pure functions from a state to a Step. Used by reception-machine.ts and
 * reception-outcomes.ts; nothing here does I/O.
 */
import type { Effect, LogDetail, Reply, Step } from "./reception-events.js";
import { definedOnly, methodsOf, newSession, problem, type Problem, type ReceptionState } from "./reception-state.js";
import { INTERACTIVE_PHASES, type ConsentAnswer, type ConsentRecordView, type SessionErrorCode, type VerificationMethod } from "./session-view.js";

// ── building steps ────────────────────────────────────────────────────────────────────────────────

export const EMIT: Effect = { kind: "emit" };
export const ACCEPTED: Reply = { ok: true };
/** A refusal that comes with the answer of the work (the card or the face verifier judged the input). */
export const REFUSED_BAD_REQUEST: Reply = { ok: false, refusal: problem("bad-request") };
export const STOP_IDLE: Effect = { kind: "idle-timer", action: "stop" };
const STOP_RETURN: Effect = { kind: "return-timer", action: "stop" };
const RELEASE_FACE: Effect = { kind: "release-face" };

export function step(state: ReceptionState, effects: readonly Effect[] = [], reply?: Reply): Step {
  return reply ? { state, effects, reply } : { state, effects };
}

/** `first` effects, then the step's own. */
export function after(first: readonly Effect[], then: Step): Step {
  return { ...then, effects: [...first, ...then.effects] };
}

export function withReply(s: Step, reply: Reply): Step {
  return { ...s, reply };
}

/** Refused: nothing changes (bar a log line). */
export function refuse(state: ReceptionState, refusal: SessionErrorCode | Problem, effects: readonly Effect[] = []): Step {
  return { state, effects, reply: { ok: false, refusal: typeof refusal === "string" ? problem(refusal) : refusal } };
}

export function log(state: ReceptionState, event: string, detail?: LogDetail): Effect {
  return detail ? { kind: "log", sessionId: state.sessionId, event, detail } : { kind: "log", sessionId: state.sessionId, event };
}

/** (Re)starts the idle countdown in an interactive phase; stops it anywhere else. */
export function idle(state: ReceptionState): Effect {
  return INTERACTIVE_PHASES.has(state.phase) ? { kind: "idle-timer", action: "restart", generation: state.generation } : STOP_IDLE;
}

/** Forgets the last card's timers and face reference, without showing anything. */
export const END_QUIETLY: readonly Effect[] = [STOP_IDLE, STOP_RETURN, RELEASE_FACE];

// ── endings ───────────────────────────────────────────────────────────────────────────────────────

/** Ends with a problem. The card stays where it is; a retryable problem keeps the step to retry. */
export function fail(s: ReceptionState, p: Problem, message?: string): Step {
  const next: ReceptionState = { ...s, phase: "error", busy: false, consentFlow: null, problem: p, retry: p.retryable ? s.retry : null };
  return step(next, [STOP_IDLE, log(next, "error", { code: p.code, ...(message !== undefined ? { message } : {}) }), EMIT]);
}

/** Ends the session early. Work under way is dropped (the card did what it did; nothing is undone). */
export function abort(s: ReceptionState, code: "card-removed" | "cancelled" | "idle-timeout" | "phone-removed"): Step {
  const next: ReceptionState = { ...s, generation: s.generation + 1, phase: "aborted", busy: false, consentFlow: null, retry: null, problem: problem(code) };
  const effects: Effect[] = [STOP_IDLE, RELEASE_FACE, log(next, "aborted", { code }), EMIT];
  // The card is gone already (or it was a phone): show why for a moment, then wait for the next one.
  if (!next.cardPresent || s.phone) effects.push({ kind: "return-timer", action: "start", generation: next.generation });
  return step(next, effects);
}

/** Back to an empty reader: a new session id, nothing of the last card kept. */
export function toWaiting(s: ReceptionState, sessionId: string, at: string): Step {
  return step(newSession({ ...s, generation: s.generation + 1 }, sessionId, at), [...END_QUIETLY, EMIT]);
}

// ── when a method fails ───────────────────────────────────────────────────────────────────────────

/** Back to choosing, saying why; when nothing is left to choose, the session ends. */
export function backToChoosing(s: ReceptionState, code: SessionErrorCode): Step {
  const unmethodical: ReceptionState = { ...s, method: null };
  if (methodsOf(unmethodical).length === 0) return fail(unmethodical, problem(code === "pin-locked" || code === "face-attempts-exhausted" ? code : "no-method"));
  const next: ReceptionState = { ...unmethodical, phase: "choose-method", problem: problem(code), busy: false };
  return step(next, [EMIT, idle(next)]);
}

/** The PIN cannot be used: locked, or withheld from a real card (then its state is unknown). */
export function pinUnusable(s: ReceptionState, code: "pin-locked" | "real-card-safety"): Step {
  const pin = s.pin && (code === "real-card-safety" ? { ...s.pin, state: "unknown" as const } : { ...s.pin, state: "locked" as const, triesLeft: 0 });
  return backToChoosing({ ...s, pin }, code);
}

/** Face verification cannot go on; unless it merely ran out of tries, it is not offered again. */
export function faceUnusable(s: ReceptionState, code: SessionErrorCode): Step {
  const face = s.face && code !== "face-attempts-exhausted" ? { ...s.face, available: false, unavailableReason: code } : s.face;
  return backToChoosing({ ...s, face }, code);
}

/** Starts reading the card face (照合番号B) and its photo's descriptor in the background. */
export function startFaceReference(s: ReceptionState, matchNumberB: string): Step {
  const face = s.face && { ...s.face, available: true, unavailableReason: null };
  return step({ ...s, face }, [{ kind: "prepare-face", generation: s.generation, matchNumberB }]);
}

// ── the server ────────────────────────────────────────────────────────────────────────────────────

/** The patient is verified (or staff checked them): ask the server for their qualification. */
export function confirm(s: ReceptionState, method: VerificationMethod): Step {
  if (!s.certificateDer) return fail(s, problem("internal"));
  if (method !== "pin" && !s.setup.hasDevice) return fail(s, problem("device-refused"));
  const next: ReceptionState = { ...s, method, phase: "confirming", retry: { kind: "confirm", method }, busy: true };
  // On the phone path the phone signs (it lies on the phone reader, not in the card slot).
  return step(next, [STOP_IDLE, EMIT, { kind: "confirm", generation: s.generation, method, certificateDer: s.certificateDer, ...(s.phone ? { via: "phone" as const } : {}) }]);
}

/** Records the consent answer (when one was given) and completes. */
export function recordConsent(s: ReceptionState, answer: ConsentAnswer): Step {
  const confirmationId = s.confirmationId;
  if (!confirmationId) return fail(s, problem("internal"));
  const next: ReceptionState = { ...s, retry: { kind: "consent", answer } };
  const items = definedOnly(answer.items ?? {});
  const given = answer.comprehensive !== undefined || Object.keys(items).length > 0;
  if (!given) return complete(next, []);
  const request = { confirmationId, ...(answer.comprehensive !== undefined ? { comprehensive: answer.comprehensive } : {}), ...(Object.keys(items).length ? { items } : {}) };
  return step(next, [{ kind: "record-consent", generation: s.generation, request }]);
}

/** Completes at the server, so the レセコン gets the result (with the consents just recorded). */
export function complete(s: ReceptionState, consents: readonly ConsentRecordView[]): Step {
  const confirmationId = s.confirmationId;
  if (!confirmationId || !s.method) return fail(s, problem("internal"));
  const next: ReceptionState = { ...s, retry: { kind: "complete" }, consents, busy: true };
  return step(next, [...(s.busy ? [] : [STOP_IDLE, EMIT]), { kind: "complete", generation: s.generation, confirmationId }]);
}
