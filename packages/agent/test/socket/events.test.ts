/**
 * The Socket.IO contract: both ends agree on the event maps (checked by the compiler through expectTypeOf —
 * `npx tsc` runs over this file), and the payload schemas accept what the types allow and refuse the rest
 * without echoing values.
 */
import type { Server, Socket as ServerSocket } from "socket.io";
import type { Socket as ClientSocket } from "socket.io-client";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import {
  CLIENT_PAYLOAD_SCHEMAS,
  ConsentPayload,
  FaceFramePayload,
  HandshakeAuth,
  MAX_FACE_FRAME_BYTES,
  PinPayload,
  CARD_PIN_DIGITS,
  CHOOSING_PHASES,
  ENDED_PHASES,
  INTERACTIVE_PHASES,
  SESSION_PHASES,
  type Ack,
  type AgentConnectError,
  type AgentError,
  type AgentSnapshot,
  type ClientToServerEvents,
  type CommandAck,
  type ConsentAnswer,
  type InterServerEvents,
  type ReaderInfo,
  type ServerToClientEvents,
  type SessionError,
  type SessionErrorCode,
  type SessionErrorParams,
  type SessionView,
  type SocketData,
  type TransportNotice,
} from "../../src/socket/events.js";

/** The parts of T that hold words (an object with a `ja`): never, when T carries codes only. */
type Words<T> = T extends string | number | boolean | bigint | null | undefined
  ? never
  : T extends readonly (infer E)[]
    ? Words<E>
    : T extends Uint8Array
      ? never
      : "ja" extends keyof T
        ? T
        : { [K in keyof T]-?: Words<T[K]> }[keyof T];

type AgentServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type AgentServerSocket = ServerSocket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type KioskSocket = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

/** What a listener for `E` receives on a socket whose `on` is typed by map `M`. */
type Received<M, E extends keyof M> = M[E] extends (...args: infer A) => void ? A : never;

describe("event maps (type-level: both ends agree)", () => {
  it("agent → kiosk: what the server emits is what the client's listeners receive", () => {
    expectTypeOf<Received<ServerToClientEvents, "session:state">>().toEqualTypeOf<[view: SessionView]>();
    expectTypeOf<Received<ServerToClientEvents, "agent:snapshot">>().toEqualTypeOf<[snapshot: AgentSnapshot]>();
    expectTypeOf<Received<ServerToClientEvents, "agent:readers">>().toEqualTypeOf<[readers: readonly ReaderInfo[]]>();
    expectTypeOf<Received<ServerToClientEvents, "agent:transport">>().toEqualTypeOf<[notice: TransportNotice]>();

    // The real socket.io signatures, checked without connecting: the compiler holds both ends to one map.
    const serverSide = (io: AgentServer, socket: AgentServerSocket, view: SessionView) => {
      io.emit("session:state", view);
      socket.emit("agent:snapshot", { agent: { protocol: 1, version: "x", transports: [], faceVerification: false, visualCheck: false, devCommands: false }, readers: [], sessions: [view], at: "" });
      // @ts-expect-error an event the map does not have
      io.emit("session:pin-echo", "1234");
      // @ts-expect-error the wrong payload for the event
      io.emit("session:state", { phase: "done" });
      socket.on("session:pin", (payload, ack) => {
        expectTypeOf(payload).toEqualTypeOf<PinPayload>();
        expectTypeOf(ack).toEqualTypeOf<Ack>();
        ack({ ok: true, session: view });
      });
    };
    const kioskSide = (socket: KioskSocket) => {
      socket.on("session:state", (view) => expectTypeOf(view).toEqualTypeOf<SessionView>());
      socket.on("agent:snapshot", (snapshot) => expectTypeOf(snapshot.sessions).toEqualTypeOf<readonly SessionView[]>());
      socket.emit("session:pin", { sessionId: "s", pin: "1234" }, (answer) => expectTypeOf(answer).toEqualTypeOf<CommandAck>());
      // @ts-expect-error a PIN is a string of digits, not a number
      socket.emit("session:pin", { sessionId: "s", pin: 1234 }, () => {});
      // @ts-expect-error consent payloads need the session
      socket.emit("session:consent", { comprehensive: true }, () => {});
      void socket.timeout(1000).emitWithAck("session:face-frame", { sessionId: "s", image: new Uint8Array(3) });
    };
    expect(typeof serverSide).toBe("function");
    expect(typeof kioskSide).toBe("function");
  });

  it("every client event has a schema, and the schema's type is the event's payload type", () => {
    type PayloadOf<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];
    type SchemaOf<E extends keyof typeof CLIENT_PAYLOAD_SCHEMAS> = z.infer<(typeof CLIENT_PAYLOAD_SCHEMAS)[E]>;
    expectTypeOf<keyof typeof CLIENT_PAYLOAD_SCHEMAS>().toEqualTypeOf<keyof ClientToServerEvents>();
    expectTypeOf<SchemaOf<"session:pin">>().toEqualTypeOf<PayloadOf<"session:pin">>();
    expectTypeOf<SchemaOf<"session:face-frame">>().toEqualTypeOf<PayloadOf<"session:face-frame">>();
    expectTypeOf<SchemaOf<"session:consent">>().toEqualTypeOf<PayloadOf<"session:consent">>();
    expectTypeOf<SchemaOf<"session:register">>().toEqualTypeOf<PayloadOf<"session:register">>();
    expectTypeOf<SchemaOf<"staff:visual">>().toEqualTypeOf<PayloadOf<"staff:visual">>();
    expectTypeOf<SchemaOf<"dev:insert-card">>().toEqualTypeOf<PayloadOf<"dev:insert-card">>();
    expectTypeOf<SchemaOf<"dev:reader-broken">>().toEqualTypeOf<PayloadOf<"dev:reader-broken">>();
    expectTypeOf<SchemaOf<"session:phone-os">>().toEqualTypeOf<PayloadOf<"session:phone-os">>();
    expectTypeOf<SchemaOf<"dev:phone-owner-auth">>().toEqualTypeOf<PayloadOf<"dev:phone-owner-auth">>();
    // A consent payload is a session's ConsentAnswer plus the session id.
    expectTypeOf<Omit<ConsentPayload, "sessionId">>().toExtend<ConsentAnswer>();
    expect(Object.keys(CLIENT_PAYLOAD_SCHEMAS).sort()).toEqual(
      [
        "agent:sync",
        "dev:insert-card",
        "dev:phone-owner-auth",
        "dev:phone-reader",
        "dev:reader-broken",
        "dev:remove-card",
        "session:cancel",
        "session:choose-method",
        "session:consent",
        "session:face-frame",
        "session:phone-continue",
        "session:phone-os",
        "session:phone-retry",
        "session:phone-start",
        "session:pin",
        "session:register",
        "session:retry",
        "staff:card-face",
        "staff:match-number-b",
        "staff:visual",
      ].sort(),
    );
  });
});

describe("codes, not sentences", () => {
  it("views, refusals and notices carry codes and parameters; the words are @onshi-sim/texts'", () => {
    expectTypeOf<Words<AgentSnapshot>>().toBeNever();
    expectTypeOf<Words<CommandAck>>().toBeNever();
    expectTypeOf<Words<AgentError>>().toBeNever();
    expectTypeOf<Words<TransportNotice>>().toBeNever();
    expectTypeOf<SessionError>().toEqualTypeOf<{
      readonly code: SessionErrorCode;
      readonly retryable: boolean;
      readonly serverCode?: string;
      readonly params?: SessionErrorParams;
    }>();
    expectTypeOf<SessionView>().not.toHaveProperty("prompt");
    expectTypeOf<AgentConnectError>().toEqualTypeOf<{ readonly code: "unauthorized" }>();
  });

  it("the phase sets a kiosk needs come from the agent, and the card PIN's length from the card's rule", () => {
    for (const set of [CHOOSING_PHASES, INTERACTIVE_PHASES, ENDED_PHASES]) for (const p of set) expect(SESSION_PHASES).toContain(p);
    expect([...CHOOSING_PHASES].every((p) => INTERACTIVE_PHASES.has(p))).toBe(true);
    expect([...INTERACTIVE_PHASES].some((p) => ENDED_PHASES.has(p))).toBe(false);
    expect(CARD_PIN_DIGITS).toBe(4);
    expect(PinPayload.safeParse({ sessionId: "a", pin: "1".repeat(CARD_PIN_DIGITS) }).success).toBe(true);
  });
});

describe("payload schemas", () => {
  it("accept good payloads", () => {
    expect(PinPayload.safeParse({ sessionId: "0f5e-aa", pin: "0000" }).success).toBe(true);
    expect(FaceFramePayload.safeParse({ sessionId: "a", image: Buffer.from([1, 2, 3]) }).success).toBe(true);
    expect(FaceFramePayload.safeParse({ sessionId: "a", image: "AAEC" }).success).toBe(true);
    expect(ConsentPayload.safeParse({ sessionId: "a", comprehensive: true, items: { operation: false } }).success).toBe(true);
    expect(HandshakeAuth.safeParse({ token: "t", clientName: "reception" }).success).toBe(true);
  });

  it("refuse bad ones, and never repeat the value in the message", () => {
    const bad: [z.ZodType, unknown][] = [
      [PinPayload, { sessionId: "a", pin: "12345" }],
      [PinPayload, { sessionId: "a", pin: "98a7" }],
      [PinPayload, { sessionId: "a", pin: 9876 }],
      [PinPayload, { sessionId: "a", pin: "9876", extra: 1 }],
      [PinPayload, { pin: "9876" }],
      [PinPayload, { sessionId: "a/../b", pin: "9876" }],
      [FaceFramePayload, { sessionId: "a", image: new Uint8Array(0) }],
      [FaceFramePayload, { sessionId: "a", image: new Uint8Array(MAX_FACE_FRAME_BYTES + 1) }],
      [FaceFramePayload, { sessionId: "a", image: "not base64!" }],
      [FaceFramePayload, { sessionId: "a", image: [1, 2, 3] }],
      [ConsentPayload, { sessionId: "a", items: { everything: true } }],
      [ConsentPayload, { sessionId: "a", comprehensive: "yes" }],
      [HandshakeAuth, {}],
      [HandshakeAuth, null],
    ];
    for (const [i, [schema, value]] of bad.entries()) {
      const r = schema.safeParse(value);
      expect(r.success, `bad payload #${i}`).toBe(false);
      const messages = r.error?.issues.map((i) => i.message).join(" | ") ?? "";
      expect(messages).not.toMatch(/98a7|12345|9876/);
    }
  });
});
