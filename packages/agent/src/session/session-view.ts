/**
 * What a reception session looks like from outside: the immutable view a `ReceptionSession` emits after every
 * change, and the inputs it accepts. Plain data only (no Node types), because the kiosk imports these through
 * `agent/events.ts` into the browser.
 *
 * Never in a view: a PIN (card or staff), the 12-digit マイナンバー, the card's photo, a camera frame — nor a
 * sentence: views carry codes and parameters (tries left, minutes left, the server's code), and
 * `@onshi-sim/texts` says them in Japanese and English.
 */

export type SessionPhase =
  /** No card in the reader. */
  | "waiting-for-card"
  /** A card arrived: identifying it by SELECT, reading the certificate and the PIN status. */
  | "reading"
  /** The patient chooses 顔認証 / 暗証番号 (or staff switch to 目視). */
  | "choose-method"
  | "pin"
  | "face"
  /** Waiting for staff to confirm the patient against the card's photo (目視). */
  | "visual"
  /** Asking the qualification server (nonce, signature or device attestation, lookup). */
  | "confirming"
  | "consent"
  /** Finished: the result is final; remind the patient to take the card. */
  | "done"
  /** Ended with a problem (see `error`); the card is still in the reader or was just taken. */
  | "error"
  /** Ended early: the card was pulled, the session was cancelled or it idled out. */
  | "aborted"
  // ── 保険証利用登録 at the reader (after E131; issue 14 §7) ──
  /** 「保険証利用登録がされていません。今ここで登録しますか」 登録する / 登録しない. */
  | "register-offer"
  /** The PIN for the registration (when the patient was verified by face or 目視: registration is PIN-signed). */
  | "register-pin"
  /** The registration consent 同意する / 同意しない; busy while the server registers. */
  | "register-consent"
  // ── the smartphone マイナ保険証 (REFERENCE §6): chosen on the start screen instead of placing the card ──
  /** スマホ chosen: iPhone or Android? */
  | "phone-os"
  /** Waiting for the phone on the phone reader (a general-purpose NFC reader, not the card slot). */
  | "phone-hold"
  /** A phone arrived: SELECT JPKI, its token (EF 0006), and the certificate or the PIN status. */
  | "phone-reading"
  /** Android: the phone certificate's own 4-digit PIN on the reader's pad. */
  | "phone-pin"
  /** iPhone: authenticate on the phone (Face ID / Touch ID), then continue. */
  | "phone-owner-auth";

export const SESSION_PHASES: readonly SessionPhase[] = [
  "waiting-for-card",
  "reading",
  "choose-method",
  "pin",
  "face",
  "visual",
  "confirming",
  "consent",
  "done",
  "error",
  "aborted",
  "register-offer",
  "register-pin",
  "register-consent",
  "phone-os",
  "phone-hold",
  "phone-reading",
  "phone-pin",
  "phone-owner-auth",
];
/** 保険証利用登録 at the reader. */
export const REGISTRATION_PHASES: ReadonlySet<SessionPhase> = new Set<SessionPhase>(["register-offer", "register-pin", "register-consent"]);

/** The phases of the phone path before the server is asked. */
export const PHONE_PHASES: ReadonlySet<SessionPhase> = new Set<SessionPhase>(["phone-os", "phone-hold", "phone-reading", "phone-pin", "phone-owner-auth"]);

/** Before the patient is verified: a method may be chosen (and the idle timer runs). */
export const CHOOSING_PHASES: ReadonlySet<SessionPhase> = new Set<SessionPhase>(["choose-method", "pin", "face", "visual"]);
/** The patient (or staff) acts: choosing, and the consent screens (a session here may be cancelled). */
export const INTERACTIVE_PHASES: ReadonlySet<SessionPhase> = new Set<SessionPhase>([...CHOOSING_PHASES, "consent", "register-offer", "register-pin", "register-consent", "phone-os", "phone-hold", "phone-pin", "phone-owner-auth"]);
/** The session is over: the result or the problem is final. */
export const ENDED_PHASES: ReadonlySet<SessionPhase> = new Set<SessionPhase>(["done", "error", "aborted"]);

/** 顔認証, 暗証番号, 目視 (staff). Same names as the server's `method`. */
export type VerificationMethod = "face" | "pin" | "visual";
export const VERIFICATION_METHODS: readonly VerificationMethod[] = ["face", "pin", "visual"];

/**
 * Stable error codes: kiosks and scripts switch on these (and @onshi-sim/texts says them).
 * Session errors (in a view) and command refusals (in an ack) share the list.
 */
export type SessionErrorCode =
  // the card
  | "card-removed"
  | "not-my-number-card"
  | "read-error"
  /** The reader is out of order (trainer switch `dev:reader-broken`): cards placed on it are not read. */
  | "reader-broken"
  // PIN
  | "pin-wrong"
  | "pin-locked"
  | "pin-not-set"
  | "real-card-safety"
  // face
  | "face-no-match"
  | "face-no-face"
  | "face-uncertain"
  | "face-attempts-exhausted"
  | "face-unavailable"
  // 目視 / staff
  | "staff-pin-wrong"
  | "staff-pin-locked"
  | "staff-not-configured"
  | "match-number-b-wrong"
  // server and qualification
  | "server-down"
  | "server-timeout"
  | "server-error"
  | "certificate-expired"
  | "certificate-not-yet-valid"
  | "certificate-suspended"
  | "certificate-revoked"
  | "certificate-untrusted"
  | "card-expired"
  | "not-registered"
  | "person-unknown"
  | "device-refused"
  | "signature-invalid"
  | "qualification-invalid"
  | "qualification-not-found"
  | "qualification-multiple"
  | "consent-rejected"
  // 2025–2026 (issue 14 §4–7)
  /** 保険証利用登録 at the reader was refused by the server (serverCode says why). */
  | "registration-failed"
  /** 医療扶助: QualificationValidity 6 (有効（未登録）): the month's 医療券 is not registered yet. */
  | "medical-ticket-unregistered"
  /** A notice on a usable result: grace period after an expiry — only the qualification, no consent screens. */
  | "qualification-only"
  // the smartphone
  /** The clinic has no phone reader configured: bring the card. */
  | "phone-reader-missing"
  /** No phone was held over the phone reader in time. */
  | "phone-not-held"
  /** The phone left the reader before the reception was done. */
  | "phone-removed"
  /** What lies on the phone reader is no マイナンバーカード function of a phone (a card, or unreadable). */
  | "phone-unreadable"
  /** Android: the phone PIN is locked (use the card; reset in the phone app / マイナポータル). */
  | "phone-pin-locked"
  /** iPhone: the owner has not authenticated on the phone (69 82 to the signature). */
  | "phone-not-authenticated"
  /** The phone certificate (or its card) has expired: no grace for a phone — show the card or a 資格確認書. */
  | "phone-certificate-expired"
  /** The phone carries someone else's card (one person's card per phone). */
  | "phone-other-person"
  // the session
  | "idle-timeout"
  | "cancelled"
  | "no-method"
  // commands (acks)
  | "bad-request"
  | "unknown-session"
  | "wrong-phase"
  | "busy"
  | "method-unavailable"
  | "dev-disabled"
  | "unknown-card"
  /** dev:insert-card of a card that is in another reader (this agent's, or another process's). */
  | "card-in-use"
  | "unknown-reader"
  | "unknown-event"
  | "payload-too-large"
  /** Not from the agent: a client's own code when a command got no answer in time. */
  | "no-answer"
  | "internal";

/** Every SessionErrorCode, as a list (scenario files and the texts check against it); fails to compile when one is missing. */
export const SESSION_ERROR_CODES = [
  "card-removed", "not-my-number-card", "read-error", "reader-broken",
  "pin-wrong", "pin-locked", "pin-not-set", "real-card-safety",
  "face-no-match", "face-no-face", "face-uncertain", "face-attempts-exhausted", "face-unavailable",
  "staff-pin-wrong", "staff-pin-locked", "staff-not-configured", "match-number-b-wrong",
  "server-down", "server-timeout", "server-error", "certificate-expired", "certificate-not-yet-valid", "certificate-suspended",
  "certificate-revoked", "certificate-untrusted", "card-expired", "not-registered", "person-unknown", "device-refused",
  "signature-invalid", "qualification-invalid", "qualification-not-found", "qualification-multiple", "consent-rejected",
  "registration-failed", "medical-ticket-unregistered", "qualification-only",
  "phone-reader-missing", "phone-not-held", "phone-removed", "phone-unreadable", "phone-pin-locked", "phone-not-authenticated", "phone-certificate-expired", "phone-other-person",
  "idle-timeout", "cancelled", "no-method",
  "bad-request", "unknown-session", "wrong-phase", "busy", "method-unavailable", "dev-disabled", "unknown-card", "card-in-use", "unknown-reader", "unknown-event", "payload-too-large", "no-answer", "internal",
] as const satisfies readonly SessionErrorCode[];
type MissingErrorCode = Exclude<SessionErrorCode, (typeof SESSION_ERROR_CODES)[number]>;
const allErrorCodesListed: MissingErrorCode extends never ? true : false = true;
void allErrorCodesListed;

export interface SessionError {
  readonly code: SessionErrorCode;
  /** True when `session:retry` may succeed (server down or slow). */
  readonly retryable: boolean;
  /** The server's code behind it (E114, S901, …), when there is one. */
  readonly serverCode?: string;
  /** What the words need besides the code. */
  readonly params?: SessionErrorParams;
}

export interface SessionErrorParams {
  /** staff-pin-locked: whole minutes until the staff PIN may be tried again (at least 1). */
  readonly minutesLeft?: number;
  /** staff-pin-wrong: wrong staff PINs still allowed before the staff PIN locks. */
  readonly triesLeft?: number;
  /** card-in-use: who holds the card (pid, command line, since when), as the lock file names it. */
  readonly holder?: string;
}

export interface CardSummary {
  /** `fixture`: issued by the simulator's test CA; `real`: anything else (PINs are sent only with ≥ 2 tries left). */
  readonly kind: "fixture" | "real";
  /** The user-auth certificate's last valid day (UTC date of notAfter, YYYY-MM-DD). */
  readonly certificateValidTo: string;
}

/** The phone path: which phone the patient chose, and what the reader found. */
export interface PhoneView {
  readonly os: "android" | "iphone" | null;
  /** The token EF 0006 named (null until read). */
  readonly token: "card" | "android" | "iphone" | null;
  /** Whether a phone is on the phone reader now. */
  readonly present: boolean;
}

export interface PinView {
  /** `not-set`: a 顔認証マイナンバーカード; `unknown`: the card did not say. */
  readonly state: "ready" | "verified" | "locked" | "not-set" | "unknown";
  readonly triesLeft: number | null;
  readonly maxTries: number;
}

export type FaceOutcome = "match" | "mismatch" | "uncertain" | "no-face";

export interface FaceView {
  /** Whether face verification can be offered for this card (verifier, device and card photo present). */
  readonly available: boolean;
  /** Why not, when it is not. */
  readonly unavailableReason: SessionErrorCode | null;
  /** The card photo's descriptor is computed (the patient then only waits for the camera frame). */
  readonly referenceReady: boolean;
  /** Frames verified so far. */
  readonly attempts: number;
  /** Frames that did not match (mismatch). After `maxFailures`, PIN or 目視 is offered instead. */
  readonly failures: number;
  readonly maxFailures: number;
  readonly lastOutcome: FaceOutcome | null;
  /** Euclidean distance of the last decision (lower = more alike); null when no face was found. */
  readonly lastDistance: number | null;
  /** Time the last decision took, ms. */
  readonly lastMs: number | null;
}

export type ConsentFlow = "since-2024-10-07" | "before-2024-10-07";
/** publicExpense: 医療費助成の各種受給者証 (PMH), its own screen 提供する / 提供しない after the others. */
export type ConsentItem = "diagnosis" | "pharmacists" | "specificHealthCheckups" | "operation" | "limitApplication" | "specificDiseases" | "publicExpense";
export const CONSENT_ITEMS: readonly ConsentItem[] = ["diagnosis", "pharmacists", "specificHealthCheckups", "operation", "limitApplication", "specificDiseases", "publicExpense"];

export interface ConsentRequestView {
  readonly flow: ConsentFlow;
  /** 包括同意 (since 2024-10-07): one answer for the four information items. */
  readonly comprehensiveOffered: boolean;
  /** The items the patient may answer one by one, in screen order. */
  readonly items: readonly { readonly item: ConsentItem }[];
}

/** The patient's answer. `items` override `comprehensive` for the items given. */
export interface ConsentAnswer {
  readonly comprehensive?: boolean | undefined;
  readonly items?: { readonly [K in ConsentItem]?: boolean | undefined } | undefined;
}

export interface ConsentRecordView {
  readonly item: ConsentItem;
  readonly consented: boolean;
  readonly consTime: string;
}

/** The insured person as the result shows them (no マイナンバー exists in results). */
export interface InsuredSummary {
  readonly name: string;
  readonly nameKana: string;
  readonly birthdate: string;
  /** Sex1: 1 男, 2 女, 3 未設定. */
  readonly sex: { readonly code: string };
  readonly insurerNumber: string;
  readonly insurerName: string;
  readonly insuredCardSymbol: string | null;
  readonly insuredIdentificationNumber: string;
  readonly insuredBranchNumber: string | null;
  /** 1 本人, 2 家族. */
  readonly personalFamily: { readonly code: string };
  readonly insuredCardClassification: string;
  readonly qualificationDate: string;
  readonly disqualificationDate: string | null;
  /** 負担割合 as the result states it ("030" = 3割). */
  readonly contributionRatio: string | null;
  /** 高齢受給者: the ratio on the certificate, when there is one. */
  readonly elderlyContributionRatio: string | null;
  /** 限度額適用 bracket (A01 … B10), when provided. */
  readonly limitApplicationBracket: string | null;
  readonly specificDiseases: readonly string[];
  readonly preschool: boolean;
  /** 医療費助成 受給者証 the result carries (only after 提供する). */
  readonly publicExpenseCertificates?: readonly PublicExpenseCertificateSummary[];
  /** 医療扶助 (InsuredCardClassification A1). */
  readonly medicalAssistance?: MedicalAssistanceSummary | null;
}
export interface PublicExpenseCertificateSummary {
  readonly publicExpenseNumber: string;
  readonly recipientNumber: string;
  readonly program: string;
  readonly issuer: string;
  readonly validEndDate: string | null;
  /** The patient's share after the 助成 ("000" none). */
  readonly patientShare: string;
  readonly monthlyCapYen: number | null;
}
export interface MedicalAssistanceSummary {
  readonly publicExpenseNumber: string;
  readonly beneficiaryNumber: string;
  readonly welfareOffice: string;
  /** This month's 医療券 (01) / 調剤券 (02); `ownFacility` false: issued to another 指定医療機関. */
  readonly tickets: readonly { readonly ticketType: string; readonly month: string; readonly ownFacility: boolean; readonly selfPayAmount: string }[];
}

export interface QualificationSummary {
  readonly usable: boolean;
  readonly method: VerificationMethod;
  readonly simulationDate: string;
  readonly consentFlow: ConsentFlow;
  /** 1 正常終了, 9 異常終了. */
  readonly segmentOfResult: string;
  readonly processingResultStatus: string | null;
  readonly processingResultCode: string | null;
  readonly processingResultMessage: string | null;
  /** 1 有効, 2 無効, 3 無効（新しい資格あり）, 4 該当資格なし, 5 複数該当. */
  readonly validity: string | null;
  readonly notices: readonly { readonly code: string; readonly message: string }[];
  readonly resultCount: number;
  /** The first (for usable results: the only) qualification found. */
  readonly insured: InsuredSummary | null;
  /** After consent: what was recorded. */
  readonly consents: readonly ConsentRecordView[];
}

export interface SessionView {
  /** New for every card placed on the reader; commands name it so a late command never reaches the next patient. */
  readonly sessionId: string;
  readonly reader: string;
  /** Increases with every view of this agent, so a client can drop stale ones. */
  readonly seq: number;
  /** What the screen asks now follows from the phase, the methods and the result (@onshi-sim/texts `promptFor`). */
  readonly phase: SessionPhase;
  /** The session is working (card I/O, face decision, server call): input is refused with `busy`. */
  readonly busy: boolean;
  readonly card: CardSummary | null;
  /** Methods the patient (or staff, for 目視) may use now. */
  readonly methods: readonly VerificationMethod[];
  /** The method that verified the patient (or is being tried). */
  readonly method: VerificationMethod | null;
  readonly pin: PinView | null;
  readonly face: FaceView | null;
  /** The phone path, when the patient chose スマホ (null for a card). */
  readonly phone: PhoneView | null;
  /** Whether this reader has a phone reader beside it (the スマホ button is offered). */
  readonly phoneReader: boolean;
  readonly consent: ConsentRequestView | null;
  readonly result: QualificationSummary | null;
  /** The last problem. With phase `error`/`aborted` it ended the session; otherwise it is a notice (a wrong PIN…). */
  readonly error: SessionError | null;
  readonly startedAt: string;
  readonly updatedAt: string;
  /** The card was registered for insurance use (保険証利用登録) in this visit, at this reader. */
  readonly registeredNow?: boolean;
}

// ── readers and transports: transport-view.ts ──
export type { ReaderInfo, TransportKind, TransportNotice, TransportNoticeKind, TransportStatus } from "./transport-view.js";
// ── the 券面 for staff: staff-card-face-view.ts ──
export type { StaffCardFaceView } from "./staff-card-face-view.js";
