/**
 * The smartphone マイナ保険証 as part of the reception machine (REFERENCE §6): the patient chooses スマホ on the
 * start screen, then iPhone or Android, and holds the phone over the phone reader — a general-purpose NFC reader
 * beside the card reader, never the card slot. Android: the phone certificate's own PIN on the pad; iPhone: the
 * owner authenticates on the phone, then continues. Then the usual confirmation and consent.
 *
 * Every failure is an `error` with a way forward: `phone-retry` (hold the phone again) or `cancel` (back to the
 * start, to use the card); it returns to the start screen by itself after the idle timeout.
 * Someone else's card on the phone is told by what the agent knows of the phone's certificate (its fixture:
 * the card's person vs the phone's owner), after the PIN on Android (the certificate is readable only then).
 * Pure like the rest of the machine.
 */
import { CARD_PIN_PATTERN } from "@onshi-sim/apdu";
import type { CommandInput, Effect, OutcomeInput, PhoneCertificate, Stamp, Step } from "./reception-events.js";
import { PIN_MAX_TRIES, problem, type PhoneState, type Problem, type ReceptionState } from "./reception-state.js";
import { abort, ACCEPTED, after, confirm, EMIT, fail, idle, log, refuse, step, STOP_IDLE, toWaiting, withReply } from "./reception-steps.js";
import type { SessionErrorCode } from "./session-view.js";

type PhoneCommand = Extract<CommandInput, { type: "phone-start" | "phone-os" | "phone-continue" | "phone-retry" }>;
type PhoneOutcome = Extract<OutcomeInput, { type: "phone-read" | "phone-unreadable" | "phone-gone" | "phone-pin-result" | "phone-refused-signature" }>;

const restartIdle = (s: ReceptionState): Effect => ({ kind: "idle-timer", action: "restart", generation: s.generation });

/** A phone failure: its screen, and (without a card to take away) back to the start after the idle timeout. */
export function phoneFail(s: ReceptionState, code: SessionErrorCode | Problem, message?: string): Step {
  const failed = fail(s, typeof code === "string" ? problem(code) : code, message);
  return { ...failed, effects: [...failed.effects, restartIdle(s)] };
}

/** Waiting for the phone; read at once when one already lies on the phone reader. */
function hold(s: ReceptionState, phone: PhoneState): Step {
  const waiting: ReceptionState = { ...s, phone, phase: "phone-hold", certificateDer: null, card: null, pin: null, problem: null, busy: false, method: null };
  if (!s.phonePresent) return step(waiting, [EMIT, idle(waiting)]);
  return startReading(waiting);
}

function startReading(s: ReceptionState): Step {
  const next: ReceptionState = { ...s, phase: "phone-reading", busy: true };
  return step(next, [STOP_IDLE, log(next, "phone-placed", { os: s.phone?.os ?? null }), EMIT, { kind: "read-phone", generation: s.generation }]);
}

export function onPhoneCommand(s: ReceptionState, c: PhoneCommand): Step {
  switch (c.type) {
    case "phone-start": {
      // No phone reader at this clinic: say so at once (bring the card; or show a 資格確認書).
      if (s.setup.phoneReader === null || s.phoneReaderOff) return withReply(phoneFail({ ...s, phone: { os: null, token: null } }, "phone-reader-missing"), ACCEPTED);
      const next: ReceptionState = { ...s, phase: "phone-os", phone: { os: null, token: null }, problem: null };
      return step(next, [log(next, "phone-start"), EMIT, idle(next)], ACCEPTED);
    }
    case "phone-os":
      return withReply(hold(s, { os: c.os, token: null }), ACCEPTED);
    case "phone-continue":
      // iPhone: the owner says they authenticated on the phone; the phone's signature tells whether they did.
      return withReply(after([log(s, "phone-continue")], confirm({ ...s, problem: null }, "pin")), ACCEPTED);
    case "phone-retry":
      if (!s.phone?.os) return refuse(s, "wrong-phase");
      return withReply(after([log(s, "phone-retry")], hold({ ...s, result: null, confirmationId: null, retry: null }, { os: s.phone.os, token: null })), ACCEPTED);
  }
}

/** enter-pin on the phone path: the PIN goes to the phone (never to the card slot). */
export function phonePin(s: ReceptionState, pin: string): Step {
  if (!CARD_PIN_PATTERN.test(pin)) return refuse(s, "bad-request");
  const next: ReceptionState = { ...s, busy: true };
  return step(next, [STOP_IDLE, EMIT, { kind: "verify-phone-pin", generation: s.generation, pin }], ACCEPTED);
}

/** cancel on the phone path: a failure screen goes back to the start at once; otherwise as for a card. */
export function phoneCancel(s: ReceptionState, stamp: Stamp): Step {
  if (s.phase === "error") return withReply(toWaiting(s, stamp.nextSessionId, stamp.at), ACCEPTED);
  return withReply(abort(s, "cancelled"), ACCEPTED);
}

export function phonePlaced(s: ReceptionState): Step {
  if (s.closed || s.phonePresent) return step(s);
  const placed: ReceptionState = { ...s, phonePresent: true };
  if (s.broken || !s.phone) return step(placed);
  if (s.phase === "phone-hold" && !s.busy) return startReading(placed);
  return step(placed, [EMIT]);
}

/** The phone left the reader: mid-reception that ends it; after 受付完了 it is the next patient's turn. */
export function phoneRemoved(s: ReceptionState, stamp: Stamp): Step {
  if (s.closed || !s.phonePresent) return step(s);
  const gone: ReceptionState = { ...s, phonePresent: false };
  if (!s.phone || s.broken) return step(gone);
  const logged = [log(s, "phone-removed", { phase: s.phase })];
  if (s.phase === "done") return after(logged, toWaiting(gone, stamp.nextSessionId, stamp.at));
  if (["phone-reading", "phone-pin", "phone-owner-auth", "confirming", "consent"].includes(s.phase)) return after(logged, abort(gone, "phone-removed"));
  return step(gone, [...logged, EMIT]);
}

/** Who the phone's certificate says: someone else's card on this phone is refused (one person's card per phone). */
function withCertificate(s: ReceptionState, c: PhoneCertificate): ReceptionState | "other-person" {
  const phone = c.known?.phone;
  if (phone && phone.ownerPersonId !== phone.personId) return "other-person";
  return { ...s, certificateDer: c.der, card: { kind: c.known ? "fixture" : "real", certificateValidTo: c.validTo } };
}

export function onPhoneOutcome(s: ReceptionState, o: PhoneOutcome & Stamp): Step {
  switch (o.type) {
    case "phone-gone":
      return abort({ ...s, phonePresent: false }, "phone-removed");
    case "phone-unreadable":
      return phoneFail(s, "phone-unreadable", o.message);
    case "phone-read": {
      // A card on the phone reader, or no token at all: place the card in the card slot instead.
      if (o.token === "card") return phoneFail(s, "phone-unreadable", "a card, not a phone, on the phone reader");
      const phone: PhoneState = { os: o.token, token: o.token };
      const logged = [log(s, "phone-read", { token: o.token, chosen: s.phone?.os ?? null })];
      if (o.token === "android") {
        const status = o.pinStatus;
        if (status?.state === "blocked") return after(logged, phoneFail({ ...s, phone, pin: { state: "locked", triesLeft: 0, maxTries: PIN_MAX_TRIES } }, "phone-pin-locked"));
        const triesLeft = status?.state === "ready" ? status.triesLeft : null;
        const next: ReceptionState = { ...s, phone, phase: "phone-pin", method: "pin", pin: { state: status ? "ready" : "unknown", triesLeft, maxTries: PIN_MAX_TRIES }, busy: false };
        return step(next, [...logged, EMIT, idle(next)]);
      }
      if (!o.certificate) return phoneFail({ ...s, phone }, "phone-unreadable");
      const read = withCertificate({ ...s, phone }, o.certificate);
      if (read === "other-person") return after(logged, phoneFail({ ...s, phone }, "phone-other-person"));
      const next: ReceptionState = { ...read, phase: "phone-owner-auth", method: "pin", busy: false };
      return step(next, [...logged, EMIT, idle(next)]);
    }
    case "phone-pin-result": {
      const { outcome } = o;
      if (outcome.kind === "verified") {
        if (!o.certificate) return phoneFail(s, "phone-unreadable");
        const read = withCertificate(s, o.certificate);
        if (read === "other-person") return phoneFail(s, "phone-other-person");
        return after([log(s, "pin-verified", { token: "android" })], confirm({ ...read, pin: { state: "verified", triesLeft: null, maxTries: PIN_MAX_TRIES }, problem: null }, "pin"));
      }
      if (outcome.kind === "wrong" && outcome.triesLeft > 0) {
        const next: ReceptionState = { ...s, pin: { state: "ready", triesLeft: outcome.triesLeft, maxTries: PIN_MAX_TRIES }, problem: problem("pin-wrong"), busy: false };
        return step(next, [log(next, "pin-wrong", { triesLeft: outcome.triesLeft, token: "android" }), EMIT, idle(next)]);
      }
      if (outcome.kind === "wrong" || outcome.kind === "blocked" || outcome.kind === "withheld")
        return after([log(s, "pin-locked", { token: "android" })], phoneFail({ ...s, pin: { state: "locked", triesLeft: 0, maxTries: PIN_MAX_TRIES } }, "phone-pin-locked"));
      if (outcome.kind === "format") return step({ ...s, busy: false }, [EMIT], { ok: false, refusal: problem("bad-request") });
      return phoneFail(s, "phone-unreadable", outcome.message);
    }
    case "phone-refused-signature": {
      // 69 82 to the signature: the iPhone's owner has not authenticated; an Android forgot its PIN (asked again).
      const iphone = s.phone?.token === "iphone";
      const next: ReceptionState = iphone
        ? { ...s, phase: "phone-owner-auth", problem: problem("phone-not-authenticated"), busy: false, retry: null }
        : { ...s, phase: "phone-pin", pin: { state: "ready", triesLeft: null, maxTries: PIN_MAX_TRIES }, problem: null, busy: false, retry: null };
      return step(next, [log(s, "phone-refused-signature"), EMIT, idle(next)]);
    }
  }
}
