/**
 * The view a reception shows, built from its state: what the kiosk, /reception and `drive` see after every
 * change. It carries codes and parameters, never sentences: the words are @onshi-sim/texts'.
 */
import { consentScreensOf, methodsOf, type ReceptionState } from "./reception-state.js";
import { toSessionError } from "./session-errors.js";
import { CHOOSING_PHASES, type ConsentRequestView, type FaceView, type SessionView } from "./session-view.js";

/** The consent screens of a flow: which items, in screen order. */
export function consentRequestFor(flow: ConsentRequestView["flow"], publicExpense = false): ConsentRequestView {
  const screens = consentScreensOf(flow, publicExpense);
  return { flow, comprehensiveOffered: screens.comprehensiveOffered, items: screens.items.map((item) => ({ item })) };
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
  const methods = CHOOSING_PHASES.has(phase) ? methodsOf(state) : [];
  return {
    sessionId: state.sessionId,
    reader: state.setup.reader,
    seq,
    phase,
    busy: state.busy,
    card: state.card,
    methods,
    method: state.method,
    pin: state.pin,
    face: faceView,
    phone: state.phone && { os: state.phone.os, token: state.phone.token, present: state.phonePresent },
    phoneReader: state.setup.phoneReader !== null && !state.phoneReaderOff,
    consent: state.consentFlow ? consentRequestFor(state.consentFlow, state.publicExpenseOffered) : null,
    result,
    error: state.problem ? toSessionError(state.problem) : null,
    startedAt: state.startedAt,
    updatedAt: now.toISOString(),
    ...(state.registeredNow ? { registeredNow: true } : {}),
  };
}
