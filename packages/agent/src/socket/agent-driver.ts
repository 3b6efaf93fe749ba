/**
 * AgentDriver: a small typed Socket.IO client of the reader agent, for scripts and an outside kiosk's tests —
 * connect, insert a fixture card (agent started with dev commands), enter a PIN, show a face, answer consent,
 * wait for a phase. It keeps the latest view of every session and hands every event it receives to `onEvent`
 * listeners (the `onshi-sim drive` CLI prints them as JSON lines).
 *
 *   const d = await AgentDriver.connect({ url, token });
 *   await d.insertCard("yamada-taro");
 *   await d.waitFor("choose-method");
 *   await d.pin("1234");
 *   await d.waitFor("consent");
 *   await d.consent({ comprehensive: true });
 *   const done = await d.waitFor("done");
 */
import { io, type Socket } from "socket.io-client";
import type {
  AgentConnectError,
  AgentError,
  AgentSnapshot,
  ClientToServerEvents,
  CommandAck,
  ConsentAnswer,
  ReaderInfo,
  ServerToClientEvents,
  SessionPhase,
  SessionView,
  TransportNotice,
  VerificationMethod,
} from "./events.js";

export interface AgentDriverOptions {
  readonly url: string;
  readonly token: string;
  readonly clientName?: string;
  /** The reader commands go to when none is named. Default: the only reader, else the first with a card. */
  readonly reader?: string;
  /** How long a command waits for its ack. Default 30 s (a face frame or a slow server take a while). */
  readonly ackTimeoutMs?: number;
  /** How long connect() waits. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Reconnect after the connection drops (default true). */
  readonly reconnect?: boolean;
}

export type DriverEvent =
  | { readonly event: "agent:snapshot"; readonly data: AgentSnapshot }
  | { readonly event: "session:state"; readonly data: SessionView }
  | { readonly event: "agent:readers"; readonly data: readonly ReaderInfo[] }
  | { readonly event: "agent:transport"; readonly data: TransportNotice }
  | { readonly event: "agent:error"; readonly data: AgentError }
  | { readonly event: "disconnect"; readonly data: { readonly reason: string } };

export class AgentCommandError extends Error {
  override name = "AgentCommandError";
}

type WaitCondition = SessionPhase | readonly SessionPhase[] | ((view: SessionView) => boolean);

export interface WaitOptions {
  readonly reader?: string;
  readonly timeoutMs?: number;
  /** Only views newer than this `seq` count (e.g. the seq of the view an ack returned). */
  readonly after?: number;
}

export class AgentDriver {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  readonly #options: AgentDriverOptions;
  readonly #views = new Map<string, SessionView>();
  readonly #listeners = new Set<(e: DriverEvent) => void>();
  #readers: readonly ReaderInfo[] = [];
  #snapshot: AgentSnapshot | undefined;

  private constructor(options: AgentDriverOptions) {
    this.#options = options;
    this.socket = io(options.url, {
      auth: { token: options.token, clientName: options.clientName ?? "agent-driver" },
      transports: ["websocket"],
      reconnection: options.reconnect ?? true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 1000,
      autoConnect: false,
    });
    this.socket.on("agent:snapshot", (snapshot) => {
      this.#snapshot = snapshot;
      this.#readers = snapshot.readers;
      for (const view of snapshot.sessions) this.#take(view);
      this.#publish({ event: "agent:snapshot", data: snapshot });
    });
    this.socket.on("session:state", (view) => {
      this.#take(view);
      this.#publish({ event: "session:state", data: view });
    });
    this.socket.on("agent:readers", (readers) => {
      this.#readers = readers;
      this.#publish({ event: "agent:readers", data: readers });
    });
    this.socket.on("agent:transport", (notice) => this.#publish({ event: "agent:transport", data: notice }));
    this.socket.on("agent:error", (error) => this.#publish({ event: "agent:error", data: error }));
    this.socket.on("disconnect", (reason) => this.#publish({ event: "disconnect", data: { reason } }));
  }

  /** Connects and resolves once the agent's first snapshot arrived; rejects when the token is refused. */
  static async connect(options: AgentDriverOptions): Promise<AgentDriver> {
    const driver = new AgentDriver(options);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`no answer from the reader agent at ${options.url} within ${options.connectTimeoutMs ?? 5000} ms`)), options.connectTimeoutMs ?? 5000);
      const done = () => {
        clearTimeout(timer);
        driver.socket.off("agent:snapshot", done);
        driver.socket.off("connect_error", onError);
        resolve();
      };
      const fail = (e: Error) => {
        clearTimeout(timer);
        driver.socket.off("agent:snapshot", done);
        driver.socket.off("connect_error", onError);
        driver.socket.disconnect();
        reject(e);
      };
      const onError = (err: Error & { data?: AgentConnectError }) => {
        // A refused token will not get better by retrying; a network error may (the agent starting up).
        if (err.data?.code === "unauthorized" || err.message === "unauthorized") fail(new AgentCommandError("connection refused: missing or wrong agent token"));
      };
      driver.socket.on("agent:snapshot", done);
      driver.socket.on("connect_error", onError);
      driver.socket.connect();
    });
    return driver;
  }

  get snapshot(): AgentSnapshot | undefined {
    return this.#snapshot;
  }

  get readers(): readonly ReaderInfo[] {
    return this.#readers;
  }

  /** Every event received from now on (the latest views are kept either way). */
  onEvent(listener: (e: DriverEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The latest view of a reader's session. */
  view(reader?: string): SessionView | undefined {
    return this.#views.get(this.#reader(reader));
  }

  /** Resolves with the first view (current or coming) of the reader that matches. */
  waitFor(condition: WaitCondition, options: WaitOptions = {}): Promise<SessionView> {
    const reader = this.#reader(options.reader);
    const matches = (v: SessionView): boolean =>
      v.reader === reader &&
      (options.after === undefined || v.seq > options.after) &&
      (typeof condition === "function" ? condition(v) : typeof condition === "string" ? v.phase === condition : condition.includes(v.phase));
    const current = this.#views.get(reader);
    if (current && matches(current)) return Promise.resolve(current);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const stop = this.onEvent((e) => {
        if (e.event === "session:state" && matches(e.data)) {
          clearTimeout(timer);
          stop();
          resolve(e.data);
        }
      });
      const timer = setTimeout(() => {
        stop();
        const v = this.#views.get(reader);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${describe(condition)} on "${reader}" (now: ${v ? `${v.phase}${v.error ? ` / ${v.error.code}` : ""}` : "no session"})`));
      }, timeoutMs);
    });
  }

  // ── commands: each resolves with the agent's ack ────────────────────────────────────────────────

  insertCard(card: string, reader?: string): Promise<CommandAck> {
    return this.#send("dev:insert-card", { card, ...(reader ?? this.#options.reader ? { reader: reader ?? this.#options.reader } : {}) });
  }

  removeCard(reader?: string): Promise<CommandAck> {
    return this.#send("dev:remove-card", reader ?? this.#options.reader ? { reader: reader ?? this.#options.reader } : {});
  }

  /** The smartphone path: スマホ, then the phone kind, continue after Face ID, try the phone again. */
  phoneStart(reader?: string): Promise<CommandAck> {
    return this.#send("session:phone-start", { sessionId: this.#sessionId(reader) });
  }

  phoneOs(os: "android" | "iphone", reader?: string): Promise<CommandAck> {
    return this.#send("session:phone-os", { sessionId: this.#sessionId(reader), os });
  }

  phoneContinue(reader?: string): Promise<CommandAck> {
    return this.#send("session:phone-continue", { sessionId: this.#sessionId(reader) });
  }

  phoneRetry(reader?: string): Promise<CommandAck> {
    return this.#send("session:phone-retry", { sessionId: this.#sessionId(reader) });
  }

  /** Trainer switches: an iPhone's owner authenticated on the phone; the clinic has a phone reader or not. */
  phoneOwnerAuth(phone: string, authenticated: boolean): Promise<CommandAck> {
    return this.#send("dev:phone-owner-auth", { phone, authenticated });
  }

  phoneReaderAvailable(available: boolean): Promise<CommandAck> {
    return this.#send("dev:phone-reader", { available });
  }

  /** Marks the reader out of order (`broken: true`) or back in order (trainer switch; dev commands). */
  readerBroken(broken: boolean, reader?: string): Promise<CommandAck> {
    return this.#send("dev:reader-broken", { broken, ...(reader ?? this.#options.reader ? { reader: reader ?? this.#options.reader } : {}) });
  }

  choose(method: VerificationMethod, reader?: string): Promise<CommandAck> {
    return this.#send("session:choose-method", { sessionId: this.#sessionId(reader), method });
  }

  pin(pin: string, reader?: string): Promise<CommandAck> {
    return this.#send("session:pin", { sessionId: this.#sessionId(reader), pin });
  }

  faceFrame(image: Uint8Array, reader?: string): Promise<CommandAck> {
    return this.#send("session:face-frame", { sessionId: this.#sessionId(reader), image });
  }

  consent(answer: ConsentAnswer, reader?: string): Promise<CommandAck> {
    const items = answer.items && Object.fromEntries(Object.entries(answer.items).filter(([, v]) => v !== undefined));
    return this.#send("session:consent", {
      sessionId: this.#sessionId(reader),
      ...(answer.comprehensive !== undefined ? { comprehensive: answer.comprehensive } : {}),
      ...(items ? { items } : {}),
    });
  }

  visual(staffPin: string, reader?: string): Promise<CommandAck> {
    return this.#send("staff:visual", { sessionId: this.#sessionId(reader), staffPin });
  }

  /** The 券面 for staff (in the ack's cardFace). */
  cardFace(staffPin: string, reader?: string): Promise<CommandAck> {
    return this.#send("staff:card-face", { sessionId: this.#sessionId(reader), staffPin });
  }

  matchNumberB(staffPin: string, matchNumberB: string, reader?: string): Promise<CommandAck> {
    return this.#send("staff:match-number-b", { sessionId: this.#sessionId(reader), staffPin, matchNumberB });
  }

  cancel(reader?: string): Promise<CommandAck> {
    return this.#send("session:cancel", { sessionId: this.#sessionId(reader) });
  }

  retry(reader?: string): Promise<CommandAck> {
    return this.#send("session:retry", { sessionId: this.#sessionId(reader) });
  }

  /** 保険証利用登録 at the reader: the answer on the offer, then on the registration consent. */
  register(accept: boolean, reader?: string): Promise<CommandAck> {
    return this.#send("session:register", { sessionId: this.#sessionId(reader), accept });
  }

  sync(): Promise<CommandAck> {
    return this.#send("agent:sync", {});
  }

  close(): void {
    this.#listeners.clear();
    this.socket.disconnect();
  }

  async #send<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<CommandAck> {
    // The payload type is checked by this method's signature; socket.io's generic overloads cannot follow `E`.
    const timed = this.socket.timeout(this.#options.ackTimeoutMs ?? 30_000) as unknown as { emitWithAck(event: string, payload: unknown): Promise<CommandAck> };
    const ack = await timed.emitWithAck(event, payload);
    if (ack.session) this.#take(ack.session);
    if (ack.ok && ack.snapshot) {
      this.#snapshot = ack.snapshot;
      this.#readers = ack.snapshot.readers;
      for (const view of ack.snapshot.sessions) this.#take(view);
    }
    return ack;
  }

  #take(view: SessionView): void {
    const current = this.#views.get(view.reader);
    if (!current || view.seq >= current.seq) this.#views.set(view.reader, view);
  }

  #publish(e: DriverEvent): void {
    for (const l of [...this.#listeners]) l(e);
  }

  #reader(reader: string | undefined): string {
    const name = reader ?? this.#options.reader;
    if (name) return name;
    if (this.#readers.length === 1 && this.#readers[0]) return this.#readers[0].name;
    const withCard = this.#readers.find((r) => r.cardPresent);
    if (withCard) return withCard.name;
    const first = this.#readers[0];
    if (!first) throw new AgentCommandError("the agent has no reader");
    return first.name;
  }

  #sessionId(reader: string | undefined): string {
    const view = this.view(reader);
    if (!view) throw new AgentCommandError(`no session on reader "${this.#reader(reader)}"`);
    return view.sessionId;
  }
}

function describe(condition: WaitCondition): string {
  return typeof condition === "function" ? "a matching view" : typeof condition === "string" ? `phase ${condition}` : `phase ${condition.join(" | ")}`;
}
