/**
 * 保険証利用登録 at the reader (issue 14 §7; seed leaflets 000 and 003: registration can be done at the clinic's
 * reader). After E131 the reception offers to register now instead of only explaining:
 *
 *   confirming ─E131→ register-offer ─登録する→ (PIN verified? register-consent : register-pin ─PIN→ register-consent)
 *             register-consent ─同意する→ (busy: nonce, card signature, POST /registrations) → confirming (pin) → …
 *
 * 登録しない / 同意しない end the session with `not-registered`, as before. Registration is PIN-signed at the server,
 * so a patient verified by face or 目視 types the PIN for it. Pure, like the rest of the machine.
 */
import type { Effect, OutcomeInput, Step } from "./reception-events.js";
import { problem, type ReceptionState } from "./reception-state.js";
import { ACCEPTED, after, confirm, EMIT, fail, idle, log, refuse, step, STOP_IDLE, withReply } from "./reception-steps.js";

/** After E131: offer to register, when the server port can (else the caller fails as before). */
export function offerRegistration(s: ReceptionState, logged: readonly Effect[]): Step | undefined {
  if (!s.setup.canRegister || !s.certificateDer) return undefined;
  const next: ReceptionState = { ...s, phase: "register-offer", busy: false, retry: null, problem: problem("not-registered", { serverCode: "E131" }) };
  return step(next, [...logged, log(next, "registration-offered"), EMIT, idle(next)]);
}

/** 登録する / 登録しない on the offer, 同意する / 同意しない on the registration consent. */
export function onRegister(s: ReceptionState, accept: boolean): Step {
  if (!accept) return withReply(after([log(s, "registration-declined", { phase: s.phase })], fail(s, problem("not-registered", { serverCode: "E131" }))), ACCEPTED);
  if (s.phase === "register-offer") {
    const pinVerified = s.pin?.state === "verified";
    if (!pinVerified && s.pin?.state !== "ready") return refuse(s, "method-unavailable");
    const next: ReceptionState = { ...s, phase: pinVerified ? "register-consent" : "register-pin", problem: null };
    return step(next, [EMIT, idle(next)], ACCEPTED);
  }
  if (!s.certificateDer) return fail(s, problem("internal"));
  const next: ReceptionState = { ...s, busy: true, problem: null };
  return step(next, [STOP_IDLE, log(next, "registration-consented"), EMIT, { kind: "register", generation: s.generation, certificateDer: s.certificateDer }], ACCEPTED);
}

/** The PIN for the registration was right: on to the registration consent. */
export function registrationPinVerified(s: ReceptionState): Step {
  const next: ReceptionState = { ...s, phase: "register-consent", busy: false, problem: null };
  return step(next, [log(next, "pin-verified"), EMIT, idle(next)]);
}

/** Registered (or already): ask for the qualification again in the same visit, PIN-signed. */
export function onRegistration(s: ReceptionState, o: Extract<OutcomeInput, { type: "registration" }>): Step {
  if (o.registered) return after([log(s, "registered")], confirm({ ...s, registeredNow: true, method: "pin" }, "pin"));
  const serverCode = o.fault.kind === "server" ? o.fault.serverCode : undefined;
  return fail(s, problem("registration-failed", { serverCode }), o.fault.message);
}
