/**
 * The reader agent's Socket.IO contract — THE event maps, shared by the agent (socket.io `Server`) and every
 * kiosk (socket.io-client `Socket`), plus zod schemas for everything a client sends: the agent validates every
 * payload, and a bad one is answered with `{ ok: false, error: { code: "bad-request", issues } }` and changes
 * nothing. Refusals and views carry codes, not sentences (@onshi-sim/texts has the words). Browser-safe: zod,
 * the card's PIN rule (@onshi-sim/apdu) and type imports.
 *
 *   agent → kiosk                         kiosk → agent (each with an ack: CommandAck)
 *   agent:snapshot   everything, on connect  session:choose-method {sessionId, method}
 *   session:state    one session's new view  session:pin           {sessionId, pin}
 *   agent:readers    reader list changed     session:face-frame    {sessionId, image}
 *   agent:transport  reader / PC/SC notices  session:consent       {sessionId, comprehensive?, items?}
 *   agent:error      a refusal with no ack   session:cancel | session:retry {sessionId}
 *                                           session:phone-start | session:phone-continue | session:phone-retry {sessionId}
 *                                           session:phone-os      {sessionId, os: android|iphone}
 *                                           session:register      {sessionId, accept} (保険証利用登録 at the reader)
 *                                           staff:visual          {sessionId, staffPin}
 *                                           staff:match-number-b  {sessionId, staffPin, matchNumberB}
 *                                           staff:card-face       {sessionId, staffPin} → the 券面 in the ack only
 *                                           agent:sync            {} → the snapshot in the ack
 *                                           dev:insert-card       {card, reader?}  (agent started with dev commands)
 *                                           dev:remove-card       {reader?}
 *                                           dev:reader-broken     {broken, reader?}  (trainer: reader out of order)
 *                                           dev:phone-owner-auth  {phone, authenticated}  (trainer: Face ID on the iPhone)
 *                                           dev:phone-reader      {available}  (trainer: a clinic with/without a phone reader)
 *
 * Handshake: `io(url, { auth: { token, clientName? } })`; a wrong or missing token fails the connection with
 * `connect_error` whose `data` is an `AgentConnectError`. A browser page must be on this machine (Origin: a
 * loopback name or an allowed host, any port) and the Host one the agent serves, else the handshake is refused
 * with HTTP 403 (polling) / 400 (WebSocket) before the token is looked at.
 *
 * Refusals never cost the connection: an unknown event answers `unknown-event`, a payload over its limit
 * `payload-too-large` (a camera frame over MAX_FACE_FRAME_BYTES, any other command over MAX_COMMAND_BYTES), in
 * the ack, or as `agent:error` when the client sent none. Only a single message over MAX_MESSAGE_BYTES — beyond
 * every limit, so no well-behaved client meets it — is cut by Socket.IO itself, which closes the connection
 * (WebSocket close 1009 "Message Too Big", or HTTP 413 on polling): it cannot be read to be answered.
 */
import { CARD_PIN_DIGITS, CARD_PIN_PATTERN } from "@onshi-sim/apdu";
import { z } from "zod";
import type { ReaderInfo, StaffCardFaceView, SessionError, SessionErrorCode, SessionView, TransportNotice, TransportStatus } from "../session/session-view.js";

export type * from "../session/session-view.js";
export { CHOOSING_PHASES, CONSENT_ITEMS, ENDED_PHASES, INTERACTIVE_PHASES, SESSION_PHASES, VERIFICATION_METHODS } from "../session/session-view.js";
/** The card PIN's length, for a kiosk's keypad (the card's rule: @onshi-sim/apdu). */
export { CARD_PIN_DIGITS } from "@onshi-sim/apdu";

/** Bumped when an event or payload changes incompatibly. */
export const AGENT_PROTOCOL_VERSION = 1;
export const DEFAULT_AGENT_PORT = 8742;
/** A camera frame's image (binary, or what its base64 decodes to); a larger one is refused: payload-too-large. */
export const MAX_FACE_FRAME_BYTES = 8 * 1024 * 1024;
/** Every command but a camera frame (and a frame's fields besides the image); real ones are under 1 KiB. */
export const MAX_COMMAND_BYTES = 64 * 1024;
/**
 * Socket.IO's own ceiling per message (maxHttpBufferSize): above the largest frame the schema takes (8 MiB as
 * base64 is 11.2 MB), so whatever lies between a limit and this is answered with payload-too-large.
 */
export const MAX_MESSAGE_BYTES = 12 * 1024 * 1024;

// ── client → agent payloads ───────────────────────────────────────────────────────────────────────

const SessionId = z.string().min(1).max(64).regex(/^[A-Za-z0-9-]+$/, "a sessionId from a session view");
const Method = z.enum(["face", "pin", "visual"]);
// The PIN schema never echoes the value in its messages (zod's regex issue does not).
const CardPin = z.string().regex(CARD_PIN_PATTERN, `${CARD_PIN_DIGITS} digits`);
const StaffPin = z.string().regex(/^\d{4,12}$/, "4–12 digits");
const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, "binary image data (Uint8Array / Buffer / ArrayBuffer view)");
const Base64Image = z.string().max(Math.ceil((MAX_FACE_FRAME_BYTES * 4) / 3) + 4).regex(/^[A-Za-z0-9+/]+={0,2}$/, "base64");
const ReaderName = z.string().min(1).max(200);

export const ChooseMethodPayload = z.strictObject({ sessionId: SessionId, method: Method });
export const PinPayload = z.strictObject({ sessionId: SessionId, pin: CardPin });
export const FaceFramePayload = z.strictObject({
  sessionId: SessionId,
  /** JPEG or PNG bytes of one camera frame (binary, or base64 for clients that cannot send binary). */
  image: z.union([Bytes.refine((b) => b.byteLength > 0 && b.byteLength <= MAX_FACE_FRAME_BYTES, `1 byte to ${MAX_FACE_FRAME_BYTES} bytes`), Base64Image]),
});
const ConsentItems = z.strictObject({
  diagnosis: z.boolean().optional(),
  pharmacists: z.boolean().optional(),
  specificHealthCheckups: z.boolean().optional(),
  operation: z.boolean().optional(),
  limitApplication: z.boolean().optional(),
  specificDiseases: z.boolean().optional(),
  /** 医療費助成 (PMH): 提供する / 提供しない. */
  publicExpense: z.boolean().optional(),
});
export const ConsentPayload = z.strictObject({ sessionId: SessionId, comprehensive: z.boolean().optional(), items: ConsentItems.optional() });
export const SessionRefPayload = z.strictObject({ sessionId: SessionId });
export const PhoneOsPayload = z.strictObject({ sessionId: SessionId, os: z.enum(["android", "iphone"]) });
/** 保険証利用登録 at the reader: 登録する / 登録しない on the offer, 同意する / 同意しない on the registration consent. */
export const RegisterPayload = z.strictObject({ sessionId: SessionId, accept: z.boolean() });
export const StaffVisualPayload = z.strictObject({ sessionId: SessionId, staffPin: StaffPin });
/** The 券面 for the staff's 目視 panel, answered in the ack only (StaffCardFaceView). */
export const StaffCardFacePayload = z.strictObject({ sessionId: SessionId, staffPin: StaffPin });
export const StaffMatchNumberBPayload = z.strictObject({ sessionId: SessionId, staffPin: StaffPin, matchNumberB: z.string().regex(/^\d{14}$/, "14 digits") });
export const SyncPayload = z.strictObject({});
export const DevInsertCardPayload = z.strictObject({ card: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "a fixture card id"), reader: ReaderName.optional() });
export const DevRemoveCardPayload = z.strictObject({ reader: ReaderName.optional() });
/** The trainer's switch: an iPhone's owner authenticated on the phone (Face ID), or not. */
export const DevPhoneOwnerAuthPayload = z.strictObject({ phone: z.string().regex(/^phone-iphone(-[a-z0-9]+)+$/, "an iPhone fixture id"), authenticated: z.boolean() });
/** Marks a reader out of order (`broken: true`) or back in order; `reader` defaults to the first reader. */
export const DevReaderBrokenPayload = z.strictObject({ broken: z.boolean(), reader: ReaderName.optional() });

export type ChooseMethodPayload = z.infer<typeof ChooseMethodPayload>;
export type PinPayload = z.infer<typeof PinPayload>;
export type FaceFramePayload = z.infer<typeof FaceFramePayload>;
export type ConsentPayload = z.infer<typeof ConsentPayload>;
export type SessionRefPayload = z.infer<typeof SessionRefPayload>;
export type PhoneOsPayload = z.infer<typeof PhoneOsPayload>;
export type RegisterPayload = z.infer<typeof RegisterPayload>;
export type StaffVisualPayload = z.infer<typeof StaffVisualPayload>;
export type StaffCardFacePayload = z.infer<typeof StaffCardFacePayload>;
export type StaffMatchNumberBPayload = z.infer<typeof StaffMatchNumberBPayload>;
export type SyncPayload = z.infer<typeof SyncPayload>;
export type DevInsertCardPayload = z.infer<typeof DevInsertCardPayload>;
export type DevRemoveCardPayload = z.infer<typeof DevRemoveCardPayload>;
export type DevPhoneOwnerAuthPayload = z.infer<typeof DevPhoneOwnerAuthPayload>;
/** The trainer's switch: the clinic has a phone reader (the configured one) or not. */
export const DevPhoneReaderPayload = z.strictObject({ available: z.boolean() });
export type DevPhoneReaderPayload = z.infer<typeof DevPhoneReaderPayload>;
export type DevReaderBrokenPayload = z.infer<typeof DevReaderBrokenPayload>;

/** Every client → agent event with its payload schema (the agent validates with these). */
export const CLIENT_PAYLOAD_SCHEMAS = {
  "session:choose-method": ChooseMethodPayload,
  "session:pin": PinPayload,
  "session:face-frame": FaceFramePayload,
  "session:consent": ConsentPayload,
  "session:cancel": SessionRefPayload,
  "session:retry": SessionRefPayload,
  "session:phone-start": SessionRefPayload,
  "session:phone-os": PhoneOsPayload,
  "session:phone-continue": SessionRefPayload,
  "session:phone-retry": SessionRefPayload,
  "session:register": RegisterPayload,
  "staff:visual": StaffVisualPayload,
  "staff:match-number-b": StaffMatchNumberBPayload,
  "staff:card-face": StaffCardFacePayload,
  "agent:sync": SyncPayload,
  "dev:insert-card": DevInsertCardPayload,
  "dev:remove-card": DevRemoveCardPayload,
  "dev:reader-broken": DevReaderBrokenPayload,
  "dev:phone-owner-auth": DevPhoneOwnerAuthPayload,
  "dev:phone-reader": DevPhoneReaderPayload,
} as const;

export type ClientEventName = keyof typeof CLIENT_PAYLOAD_SCHEMAS;

// ── agent → client payloads ───────────────────────────────────────────────────────────────────────

export interface AgentInfo {
  readonly protocol: number;
  readonly version: string;
  readonly transports: readonly TransportStatus[];
  /** Face verification is configured (a verifier and a reader device). */
  readonly faceVerification: boolean;
  /** 目視 is configured (a staff PIN and a reader device). */
  readonly visualCheck: boolean;
  /** dev:insert-card / dev:remove-card / dev:reader-broken are enabled. */
  readonly devCommands: boolean;
}

export interface AgentSnapshot {
  readonly agent: AgentInfo;
  readonly readers: readonly ReaderInfo[];
  readonly sessions: readonly SessionView[];
  readonly at: string;
}

/** A refused command: the session error shape, plus where a payload was wrong (never the value). */
export interface CommandError extends SessionError {
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

/**
 * The answer to every client command. `ok: true`: accepted and carried out — what it led to (a wrong PIN, a
 * face mismatch, a server refusal) is in `session`. `ok: false`: refused, nothing changed.
 */
export type CommandAck =
  | { readonly ok: true; readonly session?: SessionView; readonly snapshot?: AgentSnapshot; readonly cardFace?: StaffCardFaceView }
  | { readonly ok: false; readonly error: CommandError; readonly session?: SessionView };

export type Ack = (answer: CommandAck) => void;

/** `agent:error`: a refusal for a command sent without an ack (unknown event, bad or oversized payload). */
export interface AgentError extends CommandError {
  /** The event refused, when its name is letters, ':' and '-' only (a name with digits is never echoed). */
  readonly event?: string;
}

export interface ServerToClientEvents {
  /** Sent on every (re)connection and in answer to agent:sync: all readers and the current view of every session. */
  "agent:snapshot": (snapshot: AgentSnapshot) => void;
  /** A session's new view (full, not a diff: a client that missed some can just take the latest `seq`). */
  "session:state": (view: SessionView) => void;
  "agent:readers": (readers: readonly ReaderInfo[]) => void;
  /** Reader plugged / unplugged, PC/SC context lost (pcscd restart) and recovered, transport errors. */
  "agent:transport": (notice: TransportNotice) => void;
  /** A command sent without an ack was refused (with an ack, the refusal is the ack). */
  "agent:error": (error: AgentError) => void;
}

export interface ClientToServerEvents {
  "session:choose-method": (payload: ChooseMethodPayload, ack: Ack) => void;
  "session:pin": (payload: PinPayload, ack: Ack) => void;
  "session:face-frame": (payload: FaceFramePayload, ack: Ack) => void;
  "session:consent": (payload: ConsentPayload, ack: Ack) => void;
  "session:cancel": (payload: SessionRefPayload, ack: Ack) => void;
  "session:retry": (payload: SessionRefPayload, ack: Ack) => void;
  /** The smartphone path: スマホ, then iPhone/Android, continue after Face ID, try the phone again. */
  "session:phone-start": (payload: SessionRefPayload, ack: Ack) => void;
  "session:phone-os": (payload: PhoneOsPayload, ack: Ack) => void;
  "session:phone-continue": (payload: SessionRefPayload, ack: Ack) => void;
  "session:phone-retry": (payload: SessionRefPayload, ack: Ack) => void;
  "session:register": (payload: RegisterPayload, ack: Ack) => void;
  "staff:visual": (payload: StaffVisualPayload, ack: Ack) => void;
  "staff:match-number-b": (payload: StaffMatchNumberBPayload, ack: Ack) => void;
  "staff:card-face": (payload: StaffCardFacePayload, ack: Ack) => void;
  "agent:sync": (payload: SyncPayload, ack: Ack) => void;
  "dev:insert-card": (payload: DevInsertCardPayload, ack: Ack) => void;
  "dev:remove-card": (payload: DevRemoveCardPayload, ack: Ack) => void;
  "dev:reader-broken": (payload: DevReaderBrokenPayload, ack: Ack) => void;
  "dev:phone-owner-auth": (payload: DevPhoneOwnerAuthPayload, ack: Ack) => void;
  "dev:phone-reader": (payload: DevPhoneReaderPayload, ack: Ack) => void;
}

/** One agent process: nothing travels between servers. */
export type InterServerEvents = Record<string, never>;

/** What the agent keeps per connection. */
export interface SocketData {
  readonly clientName: string;
  readonly connectedAt: string;
}

/** The handshake's `auth` object. */
export const HandshakeAuth = z.object({ token: z.string().min(1).max(512), clientName: z.string().max(100).optional() });
export type HandshakeAuth = z.infer<typeof HandshakeAuth>;

/** `connect_error.data` when the agent refuses a connection (the words: @onshi-sim/texts). */
export interface AgentConnectError {
  readonly code: "unauthorized";
}

export type { SessionErrorCode };
