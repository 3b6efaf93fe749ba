/**
 * What a reception session is given and what it gives back: the ports to the world outside (the qualification
 * server, the card, what the agent knows about a card) and the session's options, log lines and command answers.
 * Other modules and packages import these types from here, not from the session itself.
 */
import type { MyNumberCardClient } from "@onshi-sim/card-client";
import type { FaceVerifier } from "../face/face-verifier.js";
import type { QualificationClient, ReaderDevice } from "../qualification/qualification-client.js";
import type { SessionError, SessionView, StaffCardFaceView } from "./session-view.js";
import type { StaffPinGuard, StaffPinLockOptions } from "./staff-pin-guard.js";

/** The calls a session makes to the qualification server (QualificationClient, or a stand-in in tests). */
export type QualificationPort = Pick<QualificationClient, "nonce" | "confirmWithSignature" | "confirmWithDevice" | "consent" | "complete"> &
  /** 保険証利用登録 at the reader; without it an E131 only explains (no offer to register). */
  Partial<Pick<QualificationClient, "register">>;

/** What the agent knows about a card beyond its chip: for virtual cards, their fixture. */
export interface KnownCard {
  /** 照合番号B, which a real reader reads off the card face with its camera. */
  readonly matchNumberB: string;
  /** false for a 顔認証マイナンバーカード (no PIN set): its blocked PIN is "not set", not "locked". */
  readonly userAuthPinSet: boolean;
  /** A virtual smartphone's certificate: which phone, its card's person and whose phone it is. */
  readonly phone?: { readonly os: "android" | "iphone"; readonly personId: string; readonly ownerPersonId: string } | undefined;
}

/** Opens the card now on the session's reader: a fresh host-side client, once for every card placed. */
export type OpenCard = () => MyNumberCardClient;

export interface ReceptionSessionOptions {
  /** No input for this long in an interactive phase → aborted (idle-timeout). Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** After the card was pulled mid-session, show that for this long before waiting for the next card. Default 3 s. */
  readonly returnToIdleMs?: number;
  /** Wrong staff PINs in a row before the staff PIN locks, and for how long (default 5, 5 minutes). */
  readonly staffPinLock?: StaffPinLockOptions;
  /** Face frames that do not match before PIN or 目視 is offered instead. Default 3. */
  readonly maxFaceFailures?: number;
  /** Frames of any outcome (no face, uncertain…) before face verification is given up. Default 10. */
  readonly maxFaceFrames?: number;
  /** How long a face frame waits for the card photo's descriptor. Default 20 s. */
  readonly faceReferenceTimeoutMs?: number;
}

export const SESSION_DEFAULTS = {
  idleTimeoutMs: 60_000,
  returnToIdleMs: 3_000,
  maxFaceFailures: 3,
  maxFaceFrames: 10,
  faceReferenceTimeoutMs: 20_000,
  staffPinLock: {},
} satisfies Required<ReceptionSessionOptions>;

export interface ReceptionSessionDeps {
  readonly reader: string;
  /** The card client for each card placed (SessionManager builds it over the slot's transport). */
  readonly openCard: OpenCard;
  /** The phone reader beside this card reader: its name, and a client for what lies on it. Absent: no スマホ path. */
  readonly phoneReader?: { readonly name: string; readonly open: OpenCard } | undefined;
  readonly qualification: QualificationPort;
  /** The reader device that attests face and 目視 confirmations; without it only the PIN path works. */
  readonly device?: ReaderDevice | undefined;
  readonly faceVerifier?: FaceVerifier | undefined;
  readonly lookupCard?: ((certificateDer: Uint8Array) => KnownCard | undefined) | undefined;
  /** Staff PIN for 目視 and staff input (configured; never a card PIN). Without it 目視 is not offered. */
  readonly staffPin?: string | undefined;
  /** Counts wrong staff PINs across sessions (SessionManager shares one); made per session when absent. */
  readonly staffPinGuard?: StaffPinGuard | undefined;
  readonly options?: ReceptionSessionOptions | undefined;
  /** Numbers the views; shared by every session of an agent so `seq` orders all of them. */
  readonly nextSeq?: (() => number) | undefined;
  readonly now?: (() => Date) | undefined;
}

/** A structured log line. Holds no PIN, no 12-digit number, no image. */
export interface SessionLogEntry {
  readonly at: string;
  readonly reader: string;
  readonly sessionId: string;
  readonly event: string;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface ReceptionSessionEvents {
  [event: string]: unknown[];
  state: [view: SessionView];
  log: [entry: SessionLogEntry];
}

/** The answer to a command: accepted (what it led to is in `session`) or refused (nothing changed). */
export type CommandResult = { readonly ok: true; readonly session: SessionView } | { readonly ok: false; readonly error: SessionError; readonly session: SessionView };
/** staff:card-face's answer: the 券面 for the asking staff page only. */
export type CardFaceResult = CommandResult | { readonly ok: true; readonly session: SessionView; readonly cardFace: StaffCardFaceView };

