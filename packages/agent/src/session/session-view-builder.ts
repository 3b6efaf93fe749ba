/**
 * The view a reception shows, built from its state: what the kiosk, /reception and `drive` see after every
 * change. The words (prompts, labels) come in here and nowhere else in the session.
 */
import { choosePrompt, CONSENT_ITEM_LABELS, DONE_NOT_USABLE_PROMPT, PROMPTS } from "./messages.js";
import { CHOOSING, consentScreensOf, methodsOf, type ReceptionState } from "./reception-state.js";
import { toSessionError } from "./session-errors.js";
import type { ConsentRequestView, FaceView, SessionView } from "./session-view.js";

/** The consent screens of a flow, with their labels. */
export function consentRequestFor(flow: ConsentRequestView["flow"]): ConsentRequestView {
  const screens = consentScreensOf(flow);
  return { flow, comprehensiveOffered: screens.comprehensiveOffered, items: screens.items.map((item) => ({ item, ...CONSENT_ITEM_LABELS[item] })) };
}

export function buildSessionView(state: ReceptionState, seq: number, now: Date): SessionView {
  const { face, phase, result } = state;
  const faceView: FaceView | null = face && {
    available: face.available,
    unavailableReason: face.unavailableReason,
    referenceReady: face.referenceReady,
    attempts: face.attempts,
    failures: face.failures,
    maxFailures: state.setup.maxFaceFailures,
    lastOutcome: face.lastOutcome,
    lastDistance: face.lastDistance,
    lastMs: face.lastMs,
  };
  const methods = CHOOSING.has(phase) ? methodsOf(state) : [];
  return {
    sessionId: state.sessionId,
    reader: state.setup.reader,
    seq,
    phase,
    prompt: phase === "done" && result && !result.usable ? DONE_NOT_USABLE_PROMPT : phase === "choose-method" ? choosePrompt(methods) : PROMPTS[phase],
    busy: state.busy,
    card: state.card,
    methods,
    method: state.method,
    pin: state.pin,
    face: faceView,
    consent: state.consentFlow ? consentRequestFor(state.consentFlow) : null,
    result,
    error: state.problem ? toSessionError(state.problem) : null,
    startedAt: state.startedAt,
    updatedAt: now.toISOString(),
  };
}
