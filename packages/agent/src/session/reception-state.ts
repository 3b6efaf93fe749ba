/**
 * The state of one reader's reception, as plain data (no PIN, no card photo, no handles), and the questions the
 * machine and the view ask of it: which methods are open, and which commands each phase accepts (and why one is
 * refused). Changed only by `transition()` in reception-machine.ts.
 */
import {
  CHOOSING_PHASES,
  INTERACTIVE_PHASES,
  type CardSummary,
  type ConsentAnswer,
  type ConsentFlow,
  type ConsentItem,
  type ConsentRecordView,
  type FaceOutcome,
  type PinView,
  type QualificationSummary,
  type SessionErrorCode,
  type SessionPhase,
  type VerificationMethod,
} from "./session-view.js";

/** What was set up for this reader; fixed for the life of the session object. */
export interface ReceptionSetup {
  readonly reader: string;
  readonly hasFaceVerifier: boolean;
  /** The reader device that attests face and 目視 confirmations. */
  readonly hasDevice: boolean;
  readonly hasStaffPin: boolean;
  readonly maxFaceFailures: number;
  readonly maxFaceFrames: number;
  /** The server port can register a card for insurance use (保険証利用登録 at the reader after E131). */
  readonly canRegister?: boolean;
  /** The phone reader beside this card reader (configured; default the second slot), or null: no スマホ path. */
  readonly phoneReader: string | null;
}

/** The phone path of this session (REFERENCE §6). */
export interface PhoneState {
  /** null until the patient chose (or when there is no phone reader). */
  readonly os: "android" | "iphone" | null;
  readonly token: "card" | "android" | "iphone" | null;
}

/** A problem as data: the view and command answers turn it into a SessionError (session-errors.ts). */
export interface Problem {
  readonly code: SessionErrorCode;
  /** True when `retry` may succeed (server down or slow). */
  readonly retryable: boolean;
  /** The server's code behind it (E114, S901, …). */
  readonly serverCode?: string;
  /** staff-pin-locked: how long the lock has left. */
  readonly retryAfterMs?: number;
  /** staff-pin-wrong: wrong staff PINs still allowed before the lock. */
  readonly triesLeft?: number;
}

export interface FaceState {
  readonly available: boolean;
  readonly unavailableReason: SessionErrorCode | null;
  readonly referenceReady: boolean;
  readonly attempts: number;
  readonly failures: number;
  readonly lastOutcome: FaceOutcome | null;
  readonly lastDistance: number | null;
  readonly lastMs: number | null;
}

/** The server step `retry` repeats after an outage: the card stays verified, so only the server is asked again. */
export type RetryStep = { readonly kind: "confirm"; readonly method: VerificationMethod } | { readonly kind: "consent"; readonly answer: ConsentAnswer } | { readonly kind: "complete" };

export type Notices = QualificationSummary["notices"];

export interface ReceptionState {
  readonly setup: ReceptionSetup;
  /** Bumped when a card arrives and when a session ends: answers of an older generation are dropped. */
  readonly generation: number;
  readonly closed: boolean;
  /** Out of order (trainer switch): the view shows `reader-broken`; cards placed meanwhile are not read. */
  readonly broken: boolean;
  readonly cardPresent: boolean;
  /** A phone lies on the phone reader (kept across sessions, like cardPresent). */
  readonly phonePresent: boolean;
  /** The trainer switched the phone reader off (a clinic without one); the configured one stays in setup. */
  readonly phoneReaderOff: boolean;

  // ── this card's session (reset by newSession) ──
  readonly sessionId: string;
  readonly startedAt: string;
  readonly phase: SessionPhase;
  /** Card I/O, a face decision or a server call is under way: input waits (refused with `busy`). */
  readonly busy: boolean;
  readonly card: CardSummary | null;
  /** The user-auth certificate, sent to the server with the confirmation. */
  readonly certificateDer: Uint8Array | null;
  readonly pin: PinView | null;
  readonly face: FaceState | null;
  /** The phone path (スマホ chosen), or null for a card. */
  readonly phone: PhoneState | null;
  readonly method: VerificationMethod | null;
  /** The consent screens on show (consent phase). */
  readonly consentFlow: ConsentFlow | null;
  readonly result: QualificationSummary | null;
  /** The last problem: ended the session (error/aborted), or a notice (a wrong PIN…). */
  readonly problem: Problem | null;
  readonly confirmationId: string | null;
  /** The confirmation's notices (sessions/complete answers without them). */
  readonly notices: Notices;
  /** Consents just recorded, for the completed result. */
  readonly consents: readonly ConsentRecordView[];
  readonly retry: RetryStep | null;
  // ── 2025–2026 (issue 14) ──
  /** The confirmation asked for the 医療費助成 (PMH) screen after the others. */
  readonly publicExpenseOffered: boolean;
  /** The card was registered for insurance use in this visit. */
  readonly registeredNow: boolean;
}

export const PIN_MAX_TRIES = 3;
export const MATCH_NUMBER_B_FORMAT = /^\d{14}$/;


export type CommandType =
  | "choose"
  | "enter-pin"
  | "face-frame"
  | "staff-visual"
  | "staff-match-number-b"
  | "consent"
  | "cancel"
  | "retry"
  | "register"
  | "phone-start"
  | "phone-os"
  | "phone-continue"
  | "phone-retry";

const WHILE_CHOOSING: readonly CommandType[] = ["choose", "enter-pin", "face-frame", "staff-visual", "staff-match-number-b", "cancel"];

/**
 * Which commands each phase accepts; any other is refused with `wrong-phase`. From any choosing phase every
 * method stays open (a patient whose face did not match may switch to the PIN at once).
 */
export const ACCEPTS: Readonly<Record<SessionPhase, readonly CommandType[]>> = {
  "waiting-for-card": ["phone-start"],
  reading: ["cancel"],
  "choose-method": WHILE_CHOOSING,
  pin: WHILE_CHOOSING,
  face: WHILE_CHOOSING,
  visual: WHILE_CHOOSING,
  confirming: ["cancel"],
  consent: ["consent", "cancel"],
  done: [],
  // Only after a server outage or timeout (a retryable error), see `retry`; a phone's failure offers to try the
  // phone again or to go back (and bring the card) — reception-phone.ts refuses those for a card.
  error: ["retry", "phone-retry", "cancel"],
  aborted: [],
  // 保険証利用登録 at the reader
  "register-offer": ["register", "cancel"],
  "register-pin": ["enter-pin", "cancel"],
  "register-consent": ["register", "cancel"],
  "phone-os": ["phone-os", "cancel"],
  "phone-hold": ["cancel"],
  "phone-reading": ["cancel"],
  "phone-pin": ["enter-pin", "cancel"],
  "phone-owner-auth": ["phone-continue", "cancel"],
};

/** Commands refused with `busy` while the session works; cancel is not: it drops the work. */
const WAITS_WHILE_BUSY: ReadonlySet<CommandType> = new Set(["choose", "enter-pin", "face-frame", "staff-visual", "staff-match-number-b", "consent", "register", "phone-os", "phone-continue", "phone-retry"]);

/** Why the phase refuses a command outright (before its own checks), or undefined when it may go on. */
export function gate(state: ReceptionState, command: CommandType): "wrong-phase" | "busy" | undefined {
  if (!ACCEPTS[state.phase].includes(command)) return "wrong-phase";
  if (state.busy && WAITS_WHILE_BUSY.has(command)) return "busy";
  return undefined;
}

/** The methods open now: face until it failed too often, the PIN while it has tries, 目視 when staff are set up. */
export function methodsOf(state: ReceptionState): VerificationMethod[] {
  const { face, pin, setup } = state;
  const out: VerificationMethod[] = [];
  if (face?.available && face.failures < setup.maxFaceFailures && face.attempts < setup.maxFaceFrames) out.push("face");
  if (pin?.state === "ready") out.push("pin");
  if (setup.hasDevice && setup.hasStaffPin) out.push("visual");
  return out;
}

/**
 * The consent screens of each flow: since 2024-10-07 包括同意 + items, no 限度額 screen; the 医療費助成 (PMH) screen
 * last, when the confirmation asked for it (the server offers it only in the newer flow).
 */
export function consentScreensOf(flow: ConsentFlow, publicExpense = false): { readonly comprehensiveOffered: boolean; readonly items: readonly ConsentItem[] } {
  const pmh: ConsentItem[] = publicExpense ? ["publicExpense"] : [];
  return flow === "since-2024-10-07"
    ? { comprehensiveOffered: true, items: ["diagnosis", "pharmacists", "specificHealthCheckups", "operation", "specificDiseases", ...pmh] }
    : { comprehensiveOffered: false, items: ["diagnosis", "pharmacists", "specificHealthCheckups", "operation", "limitApplication", "specificDiseases", ...pmh] };
}

type SessionFields = Omit<ReceptionState, "setup" | "generation" | "closed" | "broken" | "cardPresent" | "phonePresent" | "phoneReaderOff">;

/** A session with nothing in it yet: no card read, no method, no result. */
function emptySession(sessionId: string, startedAt: string): SessionFields {
  return {
    sessionId,
    startedAt,
    phase: "waiting-for-card",
    busy: false,
    card: null,
    certificateDer: null,
    pin: null,
    face: null,
    phone: null,
    method: null,
    consentFlow: null,
    result: null,
    problem: null,
    confirmationId: null,
    notices: [],
    consents: [],
    retry: null,
    publicExpenseOffered: false,
    registeredNow: false,
  };
}

/** A new card's session (or none): everything about the last card forgotten. */
export function newSession(state: ReceptionState, sessionId: string, startedAt: string): ReceptionState {
  return { ...state, ...emptySession(sessionId, startedAt) };
}

export function initialState(setup: ReceptionSetup, sessionId: string, startedAt: string): ReceptionState {
  return { setup, generation: 0, closed: false, broken: false, cardPresent: false, phonePresent: false, phoneReaderOff: false, ...emptySession(sessionId, startedAt) };
}

export function problem(code: SessionErrorCode, extra: { serverCode?: string | undefined; retryable?: boolean; retryAfterMs?: number; triesLeft?: number } = {}): Problem {
  return {
    code,
    retryable: extra.retryable ?? false,
    ...(extra.serverCode ? { serverCode: extra.serverCode } : {}),
    ...(extra.retryAfterMs !== undefined ? { retryAfterMs: extra.retryAfterMs } : {}),
    ...(extra.triesLeft !== undefined ? { triesLeft: extra.triesLeft } : {}),
  };
}

/** An object with its undefined entries dropped (options under defaults, consent items as given). */
export function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
