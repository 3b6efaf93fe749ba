/**
 * The reception as a state machine: `transition(state, event) → { state, effects, reply? }`, pure — no I/O, no
 * timers, no promises, no clock (time and new session ids come stamped on the events).
 *
 *   card → reading (SELECT JPKI, user-auth certificate, PIN status) → choose-method
 *        → pin | face | visual → confirming (nonce; card signature or device attestation) → consent → done
 *
 * Every exit is a phase too: error (not a My Number Card, read error, server refusal or outage) and aborted
 * (card pulled, cancelled, idle). While the patient chooses, the card face is read in the background with
 * 照合番号B and the photo's face descriptor computed, so face verification waits only for the camera frame.
 *
 * Which command each phase accepts is the ACCEPTS table in reception-state.ts; the answers of the work the
 * effects start are handled in reception-outcomes.ts.
 *
 * Safety: the PIN goes to the card and nowhere else — no state keeps it, no log line or view carries it; a PIN of
 * the wrong format never reaches the card (it would cost a try). 目視 touches no counter.
 */
import type { CommandInput, SessionEvent, Stamp, StaffPinVerdict, Step } from "./reception-events.js";
import { CARD_PIN_PATTERN } from "@onshi-sim/apdu";
import { onOutcome } from "./reception-outcomes.js";
import { onPhoneCommand, phoneCancel, phonePin, phonePlaced, phoneRemoved } from "./reception-phone.js";
import { onRegister } from "./reception-registration.js";
import { consentScreensOf, gate, MATCH_NUMBER_B_FORMAT, methodsOf, newSession, problem, type ReceptionState } from "./reception-state.js";
import { abort, ACCEPTED, after, complete, confirm, EMIT, END_QUIETLY, idle, log, recordConsent, refuse, startFaceReference, step, STOP_IDLE, toWaiting, withReply } from "./reception-steps.js";
import type { ConsentItem, SessionErrorCode, VerificationMethod } from "./session-view.js";

export function transition(state: ReceptionState, event: SessionEvent): Step {
  // The one place where answers about an older card (or arriving after close) are dropped.
  if ("generation" in event && (event.generation !== state.generation || state.closed)) return step(state);
  switch (event.type) {
    case "card-inserted":
      return cardInserted(state, event);
    case "card-removed":
      return cardRemoved(state, event);
    case "phone-placed":
      return phonePlaced(state);
    case "phone-removed":
      return phoneRemoved(state, event);
    case "phone-reader-available":
      return step({ ...state, phoneReaderOff: !event.available }, [EMIT]);
    case "reader-broken":
      return readerBroken(state, event.broken, event);
    case "close":
      return step({ ...state, closed: true, generation: state.generation + 1 }, END_QUIETLY);
    case "choose":
    case "enter-pin":
    case "face-frame":
    case "staff-visual":
    case "staff-match-number-b":
    case "consent":
    case "cancel":
    case "retry":
    case "phone-start":
    case "phone-os":
    case "phone-continue":
    case "phone-retry":
    case "register":
      return onCommand(state, event);
    default:
      return onOutcome(state, event);
  }
}

// ── the reader ────────────────────────────────────────────────────────────────────────────────────

function cardInserted(s: ReceptionState, stamp: Stamp): Step {
  if (s.closed) return step(s);
  // Out of order: the card is not read (no APDU), the screen keeps saying where to go instead.
  if (s.broken) return step({ ...s, cardPresent: true }, [log(s, "card-ignored", { reason: "reader-broken" })]);
  const next: ReceptionState = { ...newSession({ ...s, generation: s.generation + 1, cardPresent: true }, stamp.nextSessionId, stamp.at), phase: "reading", busy: true };
  return step(next, [...(s.phase !== "waiting-for-card" ? END_QUIETLY : []), log(next, "card-inserted"), EMIT, { kind: "read-card", generation: next.generation }]);
}

function cardRemoved(s: ReceptionState, stamp: Stamp): Step {
  if (s.closed || !s.cardPresent) return step(s);
  const gone: ReceptionState = { ...s, cardPresent: false };
  if (s.broken) return step(gone);
  const logged = [log(s, "card-removed", { phase: s.phase })];
  if (s.phase === "waiting-for-card") return step(gone, logged);
  if (s.phase === "done" || s.phase === "error" || (s.phase === "aborted" && s.problem?.code !== "card-removed")) return after(logged, toWaiting(gone, stamp.nextSessionId, stamp.at));
  // An exchange already failed with "card removed" before the reader reported it: now wait for the next card.
  if (s.phase === "aborted") return step(gone, [...logged, { kind: "return-timer", action: "start", generation: s.generation }]);
  return after(logged, abort(gone, "card-removed"));
}

/**
 * Out of order (trainer switch): whatever was under way is dropped and the session shows `reader-broken` until
 * repaired. Repaired: back to waiting for a card, and a card already lying on the reader is read then.
 */
function readerBroken(s: ReceptionState, broken: boolean, stamp: Stamp): Step {
  if (s.closed || broken === s.broken) return step(s);
  const fresh = newSession({ ...s, broken, generation: s.generation + 1 }, stamp.nextSessionId, stamp.at);
  const next: ReceptionState = broken ? { ...fresh, phase: "error", problem: problem("reader-broken") } : fresh;
  const effects = [log(s, broken ? "reader-broken" : "reader-repaired"), ...END_QUIETLY, EMIT];
  return step(next, !broken && next.cardPresent ? [...effects, { kind: "then", input: { type: "card-inserted" } }] : effects);
}

// ── commands ──────────────────────────────────────────────────────────────────────────────────────

function onCommand(s: ReceptionState, c: CommandInput & Stamp): Step {
  const refused = gate(s, c.type);
  if (refused) return refuse(s, refused);
  // The phone path's own commands, and the phone-path meaning of the PIN and of cancel (reception-phone.ts).
  if (c.type === "phone-start" || c.type === "phone-os" || c.type === "phone-continue" || c.type === "phone-retry") return s.phone || c.type === "phone-start" ? onPhoneCommand(s, c) : refuse(s, "wrong-phase");
  if (s.phone && c.type === "enter-pin") return phonePin(s, c.pin);
  if (s.phone && c.type === "cancel") return phoneCancel(s, c);
  if (s.phase === "error" && c.type === "cancel") return refuse(s, "wrong-phase");
  switch (c.type) {
    case "choose": {
      const unavailable = methodRefusal(s, c.method);
      if (unavailable) return refuse(s, unavailable);
      const next: ReceptionState = { ...s, method: c.method, phase: c.method, problem: null };
      return step(next, [EMIT, idle(next)], ACCEPTED);
    }
    case "enter-pin": {
      const unavailable = methodRefusal(s, "pin");
      if (unavailable) return refuse(s, unavailable);
      // Checked here so a typo never costs a try; the refusal does not repeat what was typed.
      if (!CARD_PIN_PATTERN.test(c.pin)) return refuse(s, "bad-request");
      // The PIN for 保険証利用登録 keeps its own phase (the method stays the one that verified the patient).
      const next: ReceptionState = s.phase === "register-pin" ? { ...s, busy: true } : { ...s, method: "pin", phase: "pin", busy: true };
      return step(next, [STOP_IDLE, EMIT, { kind: "verify-pin", generation: s.generation, pin: c.pin }], ACCEPTED);
    }
    case "face-frame": {
      const unavailable = methodRefusal(s, "face");
      if (unavailable) return refuse(s, unavailable);
      if (!s.setup.hasFaceVerifier || !s.face) return refuse(s, "face-unavailable");
      const next: ReceptionState = { ...s, method: "face", phase: "face", busy: true };
      return step(next, [STOP_IDLE, EMIT, { kind: "verify-face", generation: s.generation, image: c.image }], ACCEPTED);
    }
    case "staff-visual": {
      // Staff compared the patient with the card photo. Resets no counter.
      const unavailable = staffPinRefusal(s, c.staffPin) ?? methodRefusal(s, "visual");
      if (unavailable) return typeof unavailable === "string" ? refuse(s, unavailable) : unavailable;
      const next: ReceptionState = { ...s, method: "visual", problem: null };
      return withReply(after([log(next, "visual-check")], confirm(next, "visual")), ACCEPTED);
    }
    case "staff-match-number-b": {
      // 照合番号B read off a card the agent does not know (a real card), so its face and photo can be read.
      const staff = staffPinRefusal(s, c.staffPin);
      if (staff) return staff;
      if (!MATCH_NUMBER_B_FORMAT.test(c.matchNumberB)) return refuse(s, "bad-request");
      if (!s.setup.hasFaceVerifier || !s.setup.hasDevice || !s.face) return refuse(s, "face-unavailable");
      if (s.face.available) return refuse(s, "wrong-phase");
      const started = startFaceReference(s, c.matchNumberB);
      return step(started.state, [...started.effects, EMIT, idle(started.state)], ACCEPTED);
    }
    case "consent": {
      if (!s.consentFlow) return refuse(s, "wrong-phase");
      // Only what this flow's screens ask: 包括同意 since 2024-10-07, 限度額 before (the server says E303 otherwise).
      const screens = consentScreensOf(s.consentFlow, s.publicExpenseOffered);
      if (c.answer.comprehensive !== undefined && !screens.comprehensiveOffered) return refuse(s, "bad-request");
      for (const [item, value] of Object.entries(c.answer.items ?? {})) if (value !== undefined && !screens.items.includes(item as ConsentItem)) return refuse(s, "bad-request");
      return withReply(after([STOP_IDLE, EMIT], recordConsent({ ...s, busy: true }, c.answer)), ACCEPTED);
    }
    case "cancel":
      return withReply(abort(s, "cancelled"), ACCEPTED);
    case "retry": {
      // After a server outage or timeout: ask the server again (the card stays verified).
      const retry = s.retry;
      if (!s.problem?.retryable || !retry) return refuse(s, "wrong-phase");
      const cleared: ReceptionState = { ...s, problem: null };
      const logged = [log(s, "retry", { step: retry.kind })];
      if (retry.kind === "confirm") return withReply(after(logged, confirm(cleared, retry.method)), ACCEPTED);
      const busy: ReceptionState = { ...cleared, phase: retry.kind === "consent" ? "consent" : "confirming", busy: true };
      // A completion retried: the consents, if any, were recorded before.
      const next = retry.kind === "consent" ? recordConsent(busy, retry.answer) : complete(busy, []);
      return withReply(after([...logged, STOP_IDLE, EMIT], next), ACCEPTED);
    }
    case "register":
      return onRegister(s, c.accept);
  }
}

function methodRefusal(s: ReceptionState, method: VerificationMethod): SessionErrorCode | undefined {
  if (methodsOf(s).includes(method)) return undefined;
  return method === "visual" && !s.setup.hasStaffPin ? "staff-not-configured" : "method-unavailable";
}

/** The staff PIN as the guard judged it: wrong or locked tries are logged (never the PIN itself). */
function staffPinRefusal(s: ReceptionState, verdict: StaffPinVerdict): Step | undefined {
  if (verdict.ok) return undefined;
  if (verdict.code === "staff-not-configured") return refuse(s, verdict.code);
  if (verdict.code === "staff-pin-wrong") return refuse(s, problem(verdict.code, { triesLeft: verdict.triesLeft }), [log(s, verdict.code, { triesLeft: verdict.triesLeft })]);
  return refuse(s, problem(verdict.code, { retryAfterMs: verdict.retryAfterMs }), [log(s, verdict.code, { retryAfterMs: verdict.retryAfterMs })]);
}
