/**
 * ReaderAgent: the reader-side process a kiosk talks to. It owns the reader transports (through a
 * SessionManager: one ReceptionSession per reader slot) and streams every session over Socket.IO with the
 * typed maps of `events.ts`.
 *
 * - Loopback by default, and a token in the handshake (`auth.token`) or no connection at all. Before the token:
 *   the Host must be one the agent serves and a browser's Origin a page on this machine (ServedHosts), checked
 *   in socket.io's allowRequest — the first request of both transports, so WebSocket-only clients too.
 * - Any number of kiosks may watch; each gets `agent:snapshot` (every reader, every session's current view) as
 *   soon as it connects, so a kiosk that reconnects mid-session picks up where it was.
 * - Every payload is validated (zod); a bad one is refused in the ack and changes nothing. An unknown event or
 *   an oversized payload is refused the same way, the connection kept; with no ack, as `agent:error`.
 * - Transport notices (reader unplugged, PC/SC context lost while pcscd restarts, back again) go out as
 *   `agent:transport`; the session carries on once the reader is back.
 */
import { timingSafeEqual, type X509Certificate } from "node:crypto";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ServedHosts } from "@onshi-sim/server";
import { Server, type Socket } from "socket.io";
import type { z } from "zod";
import type { FaceVerifier } from "../face/face-verifier.js";
import type { ReaderDevice } from "../qualification/qualification-client.js";
import { sessionError } from "../session/session-errors.js";
import type { CommandResult, KnownCard, QualificationPort, ReceptionSessionOptions } from "../session/reception-ports.js";
import type { ReceptionSession } from "../session/reception-session.js";
import { SessionManager } from "../session/session-manager.js";
import type { ReaderTransport } from "@onshi-sim/reader-bindings";
import {
  AGENT_PROTOCOL_VERSION,
  CLIENT_PAYLOAD_SCHEMAS,
  DEFAULT_AGENT_PORT,
  HandshakeAuth,
  MAX_MESSAGE_BYTES,
  type Ack,
  type AgentConnectError,
  type AgentError,
  type AgentSnapshot,
  type ClientEventName,
  type ClientToServerEvents,
  type CommandAck,
  type InterServerEvents,
  type ServerToClientEvents,
  type SessionError,
  type SessionErrorCode,
  type SocketData,
} from "./events.js";
import { payloadTooLarge } from "./payload-limits.js";

export const AGENT_VERSION = "0.1.0";

/** Card insertion for scripting and tests (`dev:insert-card` / `dev:remove-card`), e.g. `memoryDevCards`. */
export interface DevCardSlots {
  /** Puts the fixture card `cardId` into `reader` (default: the first reader). Throws DevCardError. */
  insert(cardId: string, reader?: string): Promise<void>;
  remove(reader?: string): Promise<void>;
  /** The iPhone `phoneId`'s owner authenticates on the phone (Face ID), or that lapses. Throws DevCardError. */
  ownerAuth?(phoneId: string, authenticated: boolean): void;
}

export class DevCardError extends Error {
  override name = "DevCardError";
  constructor(
    readonly code: Extract<SessionErrorCode, "unknown-card" | "unknown-reader" | "card-in-use">,
    message: string,
    /** The refusal to send, when it carries parameters besides the code (card-in-use names the holder). */
    readonly error?: SessionError,
  ) {
    super(message);
  }
}

export interface AgentOptions {
  readonly transports: readonly ReaderTransport[];
  readonly qualification: QualificationPort;
  /** Required in every handshake (`auth.token`). */
  readonly token: string;
  /** Default 127.0.0.1: the agent serves the kiosk on the same machine. */
  readonly host?: string;
  /** Default 8742; 0 picks a free port. */
  readonly port?: number;
  readonly faceVerifier?: FaceVerifier;
  /** The reader device (特定機関認証 stand-in) for face and 目視; without it only the PIN path works. */
  readonly device?: ReaderDevice;
  /** Staff PIN for 目視 and staff input. Without it 目視 is not offered. */
  readonly staffPin?: string;
  readonly fixtureCas?: readonly X509Certificate[];
  /** What the agent knows about a card (its fixture): 照合番号B for the card face, whether a PIN is set. */
  readonly lookupCard?: (certificateDer: Uint8Array) => KnownCard | undefined;
  readonly session?: ReceptionSessionOptions;
  /** Opt-in: enables dev:insert-card / dev:remove-card / dev:reader-broken (still token-protected). */
  readonly devCards?: DevCardSlots;
  /**
   * Browser origins allowed to connect, checked on the handshake of both transports. Default: a page on this
   * machine — http(s) on 127.0.0.1 / localhost / [::1], the address the agent is reached on, or an allowed
   * host, any port (the kiosk UI, a vendor's own kiosk page). Programs send no Origin and are not affected.
   */
  readonly allowedOrigins?: readonly string[] | "any";
  /**
   * Host names the agent answers for besides the loopback ones (DNS rebinding), e.g. a LAN name when kiosks on
   * other machines connect on purpose; "name:port" for a proxy. Default none (the CLI reads --allowed-host and
   * ONSHI_SIM_ALLOWED_HOSTS).
   */
  readonly allowedHosts?: readonly string[];
  /** How often a transport that lost its PC/SC context is restarted until pcscd is back. Default 1 s. */
  readonly recoveryIntervalMs?: number;
  /** The phone reader's name (smartphone マイナ保険証); it serves the first card reader. Absent: no phone reader. */
  readonly phoneReader?: string | null;
  /** One line per session event (JSON; never a PIN). Default: nothing. */
  readonly log?: (line: string) => void;
}

export interface ReaderAgent {
  readonly url: string;
  readonly port: number;
  readonly host: string;
  readonly manager: SessionManager;
  snapshot(): AgentSnapshot;
  close(): Promise<void>;
}

type AgentServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type Payload<E extends ClientEventName> = z.infer<(typeof CLIENT_PAYLOAD_SCHEMAS)[E]>;

export async function createAgent(options: AgentOptions): Promise<ReaderAgent> {
  if (!options.token) throw new Error("the reader agent needs a token (ONSHI_SIM_AGENT_TOKEN or data/agent-token)");
  const log = options.log ?? (() => {});
  const manager = new SessionManager(options.transports, {
    qualification: options.qualification,
    device: options.device,
    faceVerifier: options.faceVerifier,
    fixtureCas: options.fixtureCas,
    lookupCard: options.lookupCard,
    staffPin: options.staffPin,
    options: options.session,
  }, { ...(options.recoveryIntervalMs !== undefined ? { recoveryIntervalMs: options.recoveryIntervalMs } : {}), phoneReader: options.phoneReader ?? null });
  // Load the face models now, not when the first patient looks at the camera.
  options.faceVerifier?.ready().catch((e: unknown) => log(JSON.stringify({ faceVerifier: "not ready", message: (e as Error).message })));

  const served = new ServedHosts(options.allowedHosts);
  const hostRefusal = `Host not served here: use 127.0.0.1, localhost or [::1] with the agent's port, or add the name to ONSHI_SIM_ALLOWED_HOSTS (allowedHosts)`;
  const allowed = options.allowedOrigins ?? "this-machine";
  const originAllowed = (origin: string, socket: { localPort?: number; localAddress?: string }) =>
    allowed === "any" || (allowed === "this-machine" ? served.originOnThisMachine(origin, socket) : allowed.includes(origin));

  const http: HttpServer = createHttpServer((req, res) => {
    // Socket.IO answers its own path; this is everything else.
    if (!served.servesHost(req.headers.host, req.socket)) {
      res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "host-not-served", message: hostRefusal } }));
    } else if (req.url === "/health") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", protocol: AGENT_PROTOCOL_VERSION }));
    } else res.writeHead(404, { "content-type": "text/plain" }).end("onshi-sim reader agent: connect with Socket.IO\n");
  });
  const io: AgentServer = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // The first request of every connection, polling or WebSocket (engine.io calls it for both handshakes).
    allowRequest: (req, callback) => {
      if (!served.servesHost(req.headers.host, req.socket)) {
        log(JSON.stringify({ refused: "host", address: req.socket.remoteAddress }));
        return callback(hostRefusal, false);
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !originAllowed(origin, req.socket)) {
        log(JSON.stringify({ refused: "origin", address: req.socket.remoteAddress }));
        return callback("origin refused: only pages on this machine (or an allowed host) may connect", false);
      }
      callback(null, true);
    },
    // CORS headers for polling from an allowed page (the handshake itself is decided above). The listen address
    // stands in for the arrival address, which this callback does not see.
    cors: {
      origin: (origin, callback) => callback(null, origin === undefined || originAllowed(origin, { localAddress: options.host ?? "127.0.0.1" })),
    },
  });

  const info = () => ({
    protocol: AGENT_PROTOCOL_VERSION,
    version: AGENT_VERSION,
    transports: manager.transports,
    faceVerification: Boolean(options.faceVerifier && options.device),
    visualCheck: Boolean(options.staffPin && options.device),
    devCommands: Boolean(options.devCards),
  });
  const snapshot = (): AgentSnapshot => ({ agent: info(), readers: manager.readers(), sessions: manager.sessions(), at: new Date().toISOString() });

  manager.on("state", (view) => io.emit("session:state", view));
  manager.on("readers", (readers) => io.emit("agent:readers", readers));
  manager.on("transport", (notice) => {
    log(JSON.stringify({ transport: notice }));
    io.emit("agent:transport", notice);
  });
  manager.on("log", (entry) => log(JSON.stringify(entry)));

  const expectedToken = Buffer.from(options.token);
  io.use((socket, next) => {
    const auth = HandshakeAuth.safeParse(socket.handshake.auth);
    const given = auth.success ? Buffer.from(auth.data.token) : Buffer.alloc(0);
    if (!auth.success || given.length !== expectedToken.length || !timingSafeEqual(given, expectedToken)) {
      const data: AgentConnectError = { code: "unauthorized" };
      log(JSON.stringify({ refused: "unauthorized", address: socket.handshake.address }));
      return next(Object.assign(new Error("unauthorized"), { data }));
    }
    socket.data = { clientName: auth.data.clientName ?? "kiosk", connectedAt: new Date().toISOString() };
    next();
  });

  io.on("connection", (socket) => {
    log(JSON.stringify({ connected: socket.data.clientName, id: socket.id }));
    // Before any handler: an oversized payload or an unknown event is answered here, and goes no further.
    socket.use(([event, ...rest], next) => {
      const ack = typeof rest.at(-1) === "function" ? (rest.at(-1) as Ack) : undefined;
      const args = ack ? rest.slice(0, -1) : rest;
      const code = payloadTooLarge(event, args) ? "payload-too-large" : Object.hasOwn(CLIENT_PAYLOAD_SCHEMAS, event) ? null : "unknown-event";
      if (!code) return next();
      log(JSON.stringify({ refused: code, id: socket.id }));
      answer(socket, event, ack, refuse(code));
    });
    socket.emit("agent:snapshot", snapshot());
    const session = (sessionId: string) => manager.bySessionId(sessionId);
    const withSession = async (sessionId: string, run: (s: ReceptionSession) => CommandResult | Promise<CommandResult>): Promise<CommandAck> => {
      const s = session(sessionId);
      if (!s) return refuse("unknown-session");
      return toAck(await run(s));
    };

    handle(socket, "session:choose-method", (p) => withSession(p.sessionId, (s) => s.choose(p.method)));
    handle(socket, "session:pin", (p) => withSession(p.sessionId, (s) => s.enterPin(p.pin)));
    handle(socket, "session:face-frame", (p) => withSession(p.sessionId, (s) => s.faceFrame(typeof p.image === "string" ? Buffer.from(p.image, "base64") : p.image)));
    handle(socket, "session:consent", (p) =>
      withSession(p.sessionId, (s) =>
        s.consent({ ...(p.comprehensive !== undefined ? { comprehensive: p.comprehensive } : {}), ...(p.items ? { items: p.items } : {}) }),
      ),
    );
    handle(socket, "session:cancel", (p) => withSession(p.sessionId, (s) => s.cancel()));
    handle(socket, "session:retry", (p) => withSession(p.sessionId, (s) => s.retry()));
    handle(socket, "session:phone-start", (p) => withSession(p.sessionId, (s) => s.phoneStart()));
    handle(socket, "session:phone-os", (p) => withSession(p.sessionId, (s) => s.phoneOs(p.os)));
    handle(socket, "session:phone-continue", (p) => withSession(p.sessionId, (s) => s.phoneContinue()));
    handle(socket, "session:phone-retry", (p) => withSession(p.sessionId, (s) => s.phoneRetry()));
    handle(socket, "session:register", (p) => withSession(p.sessionId, (s) => s.register(p.accept)));
    handle(socket, "staff:visual", (p) => withSession(p.sessionId, (s) => s.staffVisual(p.staffPin)));
    handle(socket, "staff:match-number-b", (p) => withSession(p.sessionId, (s) => s.staffMatchNumberB(p.staffPin, p.matchNumberB)));
    handle(socket, "staff:card-face", async (p) => {
      const s = session(p.sessionId);
      if (!s) return refuse("unknown-session");
      const r = await s.staffCardFace(p.staffPin);
      return "cardFace" in r ? { ok: true, session: r.session, cardFace: r.cardFace } : toAck(r);
    });
    handle(socket, "agent:sync", () => ({ ok: true, snapshot: snapshot() }));
    handle(socket, "dev:insert-card", async (p) => {
      if (!options.devCards) return refuse("dev-disabled");
      try {
        await options.devCards.insert(p.card, p.reader);
      } catch (e) {
        if (e instanceof DevCardError) return e.error ? { ok: false, error: e.error } : refuse(e.code);
        throw e;
      }
      return { ok: true };
    });
    handle(socket, "dev:remove-card", async (p) => {
      if (!options.devCards) return refuse("dev-disabled");
      try {
        await options.devCards.remove(p.reader);
      } catch (e) {
        if (e instanceof DevCardError) return refuse(e.code);
        throw e;
      }
      return { ok: true };
    });
    handle(socket, "dev:phone-owner-auth", (p) => {
      if (!options.devCards?.ownerAuth) return refuse("dev-disabled");
      try {
        options.devCards.ownerAuth(p.phone, p.authenticated);
      } catch (e) {
        if (e instanceof DevCardError) return refuse(e.code);
        throw e;
      }
      log(JSON.stringify({ phoneOwnerAuth: p.authenticated, phone: p.phone }));
      return { ok: true };
    });
    handle(socket, "dev:phone-reader", (p) => {
      if (!options.devCards) return refuse("dev-disabled");
      manager.setPhoneReaderAvailable(p.available);
      log(JSON.stringify({ phoneReaderAvailable: p.available }));
      return { ok: true };
    });
    handle(socket, "dev:reader-broken", (p) => {
      if (!options.devCards) return refuse("dev-disabled");
      const reader = manager.setReaderBroken(p.broken, p.reader);
      if (reader === undefined) return refuse("unknown-reader");
      log(JSON.stringify({ readerBroken: p.broken, reader }));
      const s = manager.session(reader);
      return { ok: true, ...(s ? { session: s.view } : {}) };
    });
    socket.on("disconnect", (reason) => log(JSON.stringify({ disconnected: socket.data.clientName, id: socket.id, reason })));
  });

  /** Validates the payload, runs the command, answers the ack (when the client asked for one). */
  function handle<E extends ClientEventName>(socket: AgentSocket, event: E, run: (payload: Payload<E>) => CommandAck | Promise<CommandAck>): void {
    // Registered untyped: the arguments come off the network and are checked here, not trusted.
    const on = socket.on.bind(socket) as unknown as (event: string, listener: (...args: unknown[]) => void) => void;
    on(event, (...args: unknown[]) => {
      const last = args.at(-1);
      const given = typeof last === "function" ? (last as Ack) : undefined;
      const ack: Ack = (a) => answer(socket, event, given, a);
      const raw = typeof last === "function" ? args.slice(0, -1) : args;
      const parsed = CLIENT_PAYLOAD_SCHEMAS[event].safeParse(raw[0] ?? {});
      if (!parsed.success || raw.length > 1) {
        const issues = parsed.success
          ? [{ path: "", message: "one payload object expected" }]
          : parsed.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
        ack({ ok: false, error: { ...sessionError("bad-request"), issues } });
        return;
      }
      Promise.resolve()
        .then(() => run(parsed.data as Payload<E>))
        .then(ack, (e: unknown) => {
          log(JSON.stringify({ event, internalError: (e as Error).message }));
          ack(refuse("internal"));
        });
    });
  }

  /** The ack when there is one; a refusal without one goes out as agent:error (an acceptance needs no word). */
  function answer(socket: AgentSocket, event: string, ack: Ack | undefined, result: CommandAck): void {
    if (ack) return ack(result);
    if (result.ok) return;
    const error: AgentError = { ...result.error, ...(/^[A-Za-z:-]{1,64}$/.test(event) ? { event } : {}) };
    socket.emit("agent:error", error);
  }

  try {
    await manager.start();
  } catch (e) {
    await manager.close().catch(() => {});
    io.close();
    throw e;
  }
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? DEFAULT_AGENT_PORT, host, () => {
      http.off("error", reject);
      resolve();
    });
  }).catch(async (e: unknown) => {
    await manager.close().catch(() => {});
    throw e;
  });
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    host,
    manager,
    snapshot,
    async close() {
      if (closed) return;
      closed = true;
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await manager.close();
    },
  };
}

function refuse(code: SessionErrorCode): CommandAck {
  return { ok: false, error: sessionError(code) };
}

function toAck(result: CommandResult): CommandAck {
  return result.ok ? { ok: true, session: result.session } : { ok: false, error: result.error, session: result.session };
}
