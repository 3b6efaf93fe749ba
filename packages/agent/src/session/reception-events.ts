/**
 * Everything that can happen to a reception (events) and everything it can ask for (effects), as plain data.
 * `transition(state, event)` in reception-machine.ts maps one to the other; the adapters under adapters/ run the
 * effects and report what came of them as further events, each naming the generation it was started in.
 */
import type { PinStatus } from "@onshi-sim/card-client";
import type { FaceDecision } from "../face/face-verifier.js";
import type { QualificationServerErrorCode } from "../qualification/qualification-client.js";
import type { KnownCard, QualificationPort } from "./reception-ports.js";
import type { Problem, ReceptionState } from "./reception-state.js";
import type { ConsentAnswer, ConsentRecordView, VerificationMethod } from "./session-view.js";
import type { StaffPinCheck } from "./staff-pin-guard.js";

export type ConfirmationAnswer = Awaited<ReturnType<QualificationPort["confirmWithSignature"]>>;
export type CompletionAnswer = Awaited<ReturnType<QualificationPort["complete"]>>;
export type ConsentRequestBody = Parameters<QualificationPort["consent"]>[0];

// ── events ────────────────────────────────────────────────────────────────────────────────────────

/** The reader (SessionManager) and the agent. */
export type ReaderInput =
  | { readonly type: "card-inserted" }
  | { readonly type: "card-removed" }
  /** Something was placed on (or left) the phone reader beside this card reader. */
  | { readonly type: "phone-placed" }
  | { readonly type: "phone-removed" }
  /** The trainer's switch: this clinic has a phone reader (true) or not (false), whatever is configured. */
  | { readonly type: "phone-reader-available"; readonly available: boolean }
  | { readonly type: "reader-broken"; readonly broken: boolean }
  | { readonly type: "close" };

/** The staff PIN as StaffPinGuard judged it (the PIN itself never enters the machine). */
export type StaffPinVerdict = StaffPinCheck | { readonly ok: false; readonly code: "staff-not-configured"; readonly retryAfterMs: null };

/** The patient's and staff's commands. */
export type CommandInput =
  | { readonly type: "choose"; readonly method: VerificationMethod }
  /** The PIN passes through to the card (the verify-pin effect); no state keeps it. */
  | { readonly type: "enter-pin"; readonly pin: string }
  | { readonly type: "face-frame"; readonly image: Uint8Array }
  | { readonly type: "staff-visual"; readonly staffPin: StaffPinVerdict }
  | { readonly type: "staff-match-number-b"; readonly staffPin: StaffPinVerdict; readonly matchNumberB: string }
  | { readonly type: "consent"; readonly answer: ConsentAnswer }
  | { readonly type: "cancel" }
  | { readonly type: "retry" }
  /** スマホ on the start screen, then which phone; continue after authenticating on an iPhone; try the phone again. */
  | { readonly type: "phone-start" }
  | { readonly type: "phone-os"; readonly os: "android" | "iphone" }
  | { readonly type: "phone-continue" }
  | { readonly type: "phone-retry" }
  /** 保険証利用登録 at the reader: yes / no on the offer, then on the registration consent. */
  | { readonly type: "register"; readonly accept: boolean };

/** What the card said to VERIFY. */
export type PinOutcome =
  | { readonly kind: "verified" }
  | { readonly kind: "wrong"; readonly triesLeft: number }
  /** Blocked already (69 84 / 69 83). */
  | { readonly kind: "blocked" }
  /** A real card with fewer than 2 tries left: the PIN was not sent. */
  | { readonly kind: "withheld"; readonly triesLeft: number }
  /** The client refused the format (never sent). */
  | { readonly kind: "format" }
  | { readonly kind: "failed"; readonly message: string | undefined };

export type FaceResult =
  | { readonly kind: "decision"; readonly decision: FaceDecision }
  /** The frame is not a decodable image: refused, not counted. */
  | { readonly kind: "bad-image" }
  /** The card photo's descriptor could not be had (or not in time). */
  | { readonly kind: "no-reference" }
  | { readonly kind: "failed"; readonly message: string | undefined };

/** Why a server step failed, as facts; the machine decides what it means. */
export type Fault =
  | { readonly kind: "server"; readonly code: QualificationServerErrorCode; readonly status?: number | undefined; readonly serverCode?: string | undefined; readonly message: string | undefined }
  /** The card answered with an error status while signing. */
  | { readonly kind: "card"; readonly message: string | undefined }
  | { readonly kind: "internal"; readonly message: string | undefined };

type Outcome<T> = T & { readonly generation: number };

/** Answers of the work the effects started, and the timers. Each names its generation. */
export type OutcomeInput =
  | Outcome<{ readonly type: "card-read"; readonly certificateDer: Uint8Array; readonly certificateValidTo: string; readonly fixture: boolean; readonly pinStatus: PinStatus | undefined; readonly known: KnownCard | undefined }>
  | Outcome<{ readonly type: "card-unreadable"; readonly code: "not-my-number-card" | "read-error"; readonly message: string | undefined }>
  /** A card exchange failed because the card left (pcscd may report the removal a moment later). */
  | Outcome<{ readonly type: "card-gone" }>
  | Outcome<{ readonly type: "pin-result"; readonly outcome: PinOutcome }>
  | Outcome<{ readonly type: "face-reference-ready" }>
  | Outcome<{ readonly type: "face-reference-failed"; readonly reason: "match-number-b-wrong" | "face-unavailable"; readonly message: string | undefined }>
  | Outcome<{ readonly type: "face-result"; readonly result: FaceResult }>
  | Outcome<{ readonly type: "confirmation"; readonly method: VerificationMethod; readonly result: ConfirmationAnswer }>
  /** The card forgot the verified PIN before signing (reset by the reader). */
  | Outcome<{ readonly type: "pin-forgotten" }>
  | Outcome<{ readonly type: "consent-recorded"; readonly consents: readonly ConsentRecordView[] }>
  | Outcome<{ readonly type: "completed"; readonly result: CompletionAnswer }>
  | Outcome<{ readonly type: "server-failed"; readonly fault: Fault }>
  /** 保険証利用登録: registered now (or already, E132), or refused with the server's code. */
  | Outcome<{ readonly type: "registration"; readonly registered: true } | { readonly type: "registration"; readonly registered: false; readonly fault: Fault }>
  | Outcome<{ readonly type: "idle-timer" }>
  | Outcome<{ readonly type: "return-timer" }>
  /** The phone as read: its token (EF 0006); the certificate when readable (iPhone), else the PIN status (Android). */
  | Outcome<{ readonly type: "phone-read"; readonly token: "card" | "android" | "iphone"; readonly certificate: PhoneCertificate | undefined; readonly pinStatus: PinStatus | undefined }>
  | Outcome<{ readonly type: "phone-unreadable"; readonly message: string | undefined }>
  | Outcome<{ readonly type: "phone-gone" }>
  /** Android VERIFY; when verified, the certificate read right after (readable only now). */
  | Outcome<{ readonly type: "phone-pin-result"; readonly outcome: PinOutcome; readonly certificate: PhoneCertificate | undefined }>
  /** The phone refused to sign (69 82): an iPhone whose owner has not authenticated, or an Android that forgot its PIN. */
  | Outcome<{ readonly type: "phone-refused-signature" }>
  /** An adapter threw where it should have answered (a bug): the session ends with `internal`. */
  | Outcome<{ readonly type: "effect-failed"; readonly message: string | undefined }>;

export type SessionInput = ReaderInput | CommandInput | OutcomeInput;

/** A phone's user-auth certificate as read, with what the agent knows of it. */
export interface PhoneCertificate {
  readonly der: Uint8Array;
  readonly validTo: string;
  readonly known: KnownCard | undefined;
}

/** Stamped on every event by the runner: when it happened, and the id of a session it starts (if it does). */
export interface Stamp {
  readonly at: string;
  readonly nextSessionId: string;
}

export type SessionEvent = SessionInput & Stamp;

// ── effects ───────────────────────────────────────────────────────────────────────────────────────

export type LogDetail = Readonly<Record<string, string | number | boolean | null>>;

export type Effect =
  /** Show the step's state (a new view). Once per step, however many parts of the step asked. */
  | { readonly kind: "emit" }
  | { readonly kind: "log"; readonly sessionId: string; readonly event: string; readonly detail?: LogDetail }
  | { readonly kind: "idle-timer"; readonly action: "restart"; readonly generation: number }
  | { readonly kind: "idle-timer"; readonly action: "stop" }
  | { readonly kind: "return-timer"; readonly action: "start"; readonly generation: number }
  | { readonly kind: "return-timer"; readonly action: "stop" }
  /** Open the card just placed (a new client) and read it: SELECT, certificate, PIN status. */
  | { readonly kind: "read-card"; readonly generation: number }
  | { readonly kind: "verify-pin"; readonly generation: number; readonly pin: string }
  /** In the background: the card face with 照合番号B, then its photo's descriptor. */
  | { readonly kind: "prepare-face"; readonly generation: number; readonly matchNumberB: string }
  | { readonly kind: "verify-face"; readonly generation: number; readonly image: Uint8Array }
  | { readonly kind: "release-face" }
  /** nonce → (PIN: card signature) → confirmation at the server. */
  | { readonly kind: "confirm"; readonly generation: number; readonly method: VerificationMethod; readonly certificateDer: Uint8Array; readonly via?: "phone" }
  /** Open what was placed on the phone reader and read it (token, then certificate or PIN status). */
  | { readonly kind: "read-phone"; readonly generation: number }
  /** Android: VERIFY the phone PIN, then read the certificate. The PIN goes to the phone and is not kept. */
  | { readonly kind: "verify-phone-pin"; readonly generation: number; readonly pin: string }
  | { readonly kind: "record-consent"; readonly generation: number; readonly request: ConsentRequestBody }
  | { readonly kind: "complete"; readonly generation: number; readonly confirmationId: string }
  /** nonce → card signature (PIN verified) → 保険証利用登録 at the server. */
  | { readonly kind: "register"; readonly generation: number; readonly certificateDer: Uint8Array }
  /** Run this event next (always the step's last effect). */
  | { readonly kind: "then"; readonly input: SessionInput };

/** The answer to a command: accepted, or refused (nothing changed) with the reason. */
export type Reply = { readonly ok: true } | { readonly ok: false; readonly refusal: Problem };

export interface Step {
  readonly state: ReceptionState;
  readonly effects: readonly Effect[];
  /** Commands always answer; an answer that comes later (a frame that is no image) may overrule "accepted". */
  readonly reply?: Reply | undefined;
}
