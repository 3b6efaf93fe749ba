/**
 * The kiosk's Socket.IO connection to the reader agent, typed with the agent's own event maps
 * (`@onshi-sim/agent/protocol`: imported, never copied). On every (re)connection the agent sends
 * `agent:snapshot`, so a kiosk that reconnects mid-session shows the current state at once.
 */
import { io, type Socket } from "socket.io-client";
import type {
  AgentSnapshot,
  ClientToServerEvents,
  CommandAck,
  ReaderInfo,
  ServerToClientEvents,
  SessionView,
  TransportNotice,
} from "@onshi-sim/agent/protocol";

export type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What /ui/config.json tells the page (served by kiosk-ui/src/server/static.ts). */
export interface UiConfig {
  readonly agentUrl: string;
  readonly agentToken: string;
  /** Seconds the 受付完了 / error screen stays before the start screen comes back (the card may still lie there). */
  readonly resultResetSeconds: number;
  readonly facility: string;
}

export async function loadConfig(): Promise<UiConfig> {
  const res = await fetch("/ui/config.json", { cache: "no-store" });
  if (!res.ok) throw new Error(`config: HTTP ${res.status}`);
  return (await res.json()) as UiConfig;
}

export interface AgentState {
  readonly connected: boolean;
  /** Why the last connection attempt failed: the agent's code (`unauthorized`) or the socket's message. */
  readonly connectError: string | null;
  readonly snapshot: AgentSnapshot | null;
  /** Latest view per reader. */
  readonly sessions: ReadonlyMap<string, SessionView>;
  readonly readers: readonly ReaderInfo[];
}

export type Listener = (state: AgentState) => void;

export class AgentConnection {
  readonly socket: AgentSocket;
  #state: AgentState = { connected: false, connectError: null, snapshot: null, sessions: new Map(), readers: [] };
  readonly #listeners = new Set<Listener>();
  readonly #viewListeners = new Set<(view: SessionView) => void>();
  readonly #noticeListeners = new Set<(notice: TransportNotice) => void>();

  constructor(config: UiConfig, clientName: string) {
    this.socket = io(config.agentUrl, {
      auth: { token: config.agentToken, clientName },
      transports: ["websocket"],
      reconnectionDelay: 300,
      reconnectionDelayMax: 2000,
    });
    this.socket.on("connect", () => this.#set({ connected: true, connectError: null }));
    this.socket.on("disconnect", () => this.#set({ connected: false }));
    this.socket.on("connect_error", (e: Error & { data?: { code?: string } }) => this.#set({ connected: false, connectError: e.data?.code ?? e.message }));
    this.socket.on("agent:snapshot", (snapshot) => {
      const sessions = new Map<string, SessionView>();
      for (const v of snapshot.sessions) sessions.set(v.reader, v);
      this.#set({ snapshot, sessions, readers: snapshot.readers });
      for (const v of snapshot.sessions) for (const l of this.#viewListeners) l(v);
    });
    this.socket.on("session:state", (view) => {
      const current = this.#state.sessions.get(view.reader);
      if (current && current.seq > view.seq) return; // stale
      const sessions = new Map(this.#state.sessions);
      sessions.set(view.reader, view);
      this.#set({ sessions });
      for (const l of this.#viewListeners) l(view);
    });
    this.socket.on("agent:readers", (readers) => this.#set({ readers }));
    this.socket.on("agent:transport", (notice) => {
      for (const l of this.#noticeListeners) l(notice);
    });
  }

  get state(): AgentState {
    return this.#state;
  }

  /**
   * Calls `listener` with the current state at once, then after every change. At once, because screens subscribe
   * in an effect, which runs after the first frame: by then the socket may have connected and the snapshot come
   * in, and nothing else may follow for a long time (a session waiting for the patient).
   */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    listener(this.#state);
    return () => this.#listeners.delete(listener);
  }

  /** Calls `listener` with each reader's current view at once (as `subscribe` does), then with every new view. */
  onView(listener: (view: SessionView) => void): () => void {
    this.#viewListeners.add(listener);
    for (const view of this.#state.sessions.values()) listener(view);
    return () => this.#viewListeners.delete(listener);
  }

  onNotice(listener: (notice: TransportNotice) => void): () => void {
    this.#noticeListeners.add(listener);
    return () => this.#noticeListeners.delete(listener);
  }

  /** Sends a command and resolves with the agent's ack (or a local "no answer" after `timeoutMs`). */
  send<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0], timeoutMs = 30_000): Promise<CommandAck> {
    return new Promise((resolve) => {
      // Typed at the call site (E, payload); socket.io's timeout() overloads cannot follow a generic event name.
      const timed = this.socket.timeout(timeoutMs) as unknown as { emit(event: string, payload: unknown, ack: (err: Error | null, answer: CommandAck) => void): void };
      timed.emit(event, payload, (err, answer) => {
        if (err) {
          resolve({ ok: false, error: { code: "no-answer", retryable: false } });
        } else resolve(answer);
      });
    });
  }

  close(): void {
    this.socket.close();
  }

  #set(patch: Partial<AgentState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const l of this.#listeners) l(this.#state);
  }
}
