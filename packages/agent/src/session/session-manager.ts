/**
 * SessionManager: owns the reader transports and one ReceptionSession per reader slot. It turns transport
 * events (reader, card, card.off, error) into session calls, and re-emits every session's views, the reader
 * list and transport notices (e.g. the PC/SC context lost when pcscd restarts) for the agent to relay.
 */
import type { X509Certificate } from "node:crypto";
import { CardChannel, MyNumberCardClient } from "@onshi-sim/card-client";
import type { ReaderTransport } from "@onshi-sim/reader-bindings";
import { TypedEmitter } from "@onshi-sim/reader-bindings";
import type { ReceptionSessionDeps, SessionLogEntry } from "./reception-ports.js";
import { ReceptionSession } from "./reception-session.js";
import type { ReaderInfo, SessionView, TransportNotice, TransportNoticeKind, TransportStatus } from "./session-view.js";
import { StaffPinGuard } from "./staff-pin-guard.js";

export type { ReaderInfo, TransportNotice, TransportNoticeKind, TransportStatus };

export interface SessionManagerEvents {
  [event: string]: unknown[];
  state: [view: SessionView];
  readers: [readers: ReaderInfo[]];
  transport: [notice: TransportNotice];
  log: [entry: SessionLogEntry];
}

/** Builds the host side of the card in `reader`: a MyNumberCardClient over that reader's transport. */
export type CardClientFactory = (transport: ReaderTransport, reader: string) => MyNumberCardClient;

/** Everything a session needs except its reader and its card client, which are made per reader slot. */
export type SessionTemplate = Omit<ReceptionSessionDeps, "reader" | "openCard" | "nextSeq"> & {
  /** CAs whose cards are ours (fixtures); any other card is real and gets the real-card PIN safety. */
  readonly fixtureCas?: readonly X509Certificate[] | undefined;
  /** Default: a MyNumberCardClient over a CardChannel on the slot's transport, knowing `fixtureCas`. */
  readonly cardClients?: CardClientFactory | undefined;
};

interface Slot {
  readonly transport: ReaderTransport;
  readonly session: ReceptionSession;
  cardPresent: boolean;
}

interface TransportEntry {
  readonly transport: ReaderTransport;
  state: TransportStatus["state"];
  readonly detach: () => void;
  recovery: NodeJS.Timeout | undefined;
}

/** A transport that can lose its context and be restarted (PcscReaderTransport). */
interface RestartableTransport {
  readonly contextLost: boolean;
  restart(): Promise<void>;
}

function restartable(t: ReaderTransport): (ReaderTransport & RestartableTransport) | undefined {
  const r = t as ReaderTransport & Partial<RestartableTransport>;
  return typeof r.contextLost === "boolean" && typeof r.restart === "function" ? (r as ReaderTransport & RestartableTransport) : undefined;
}

export interface SessionManagerOptions {
  /** How often a transport whose context was lost is restarted (e.g. until pcscd is back). Default 1 s; 0: never. */
  readonly recoveryIntervalMs?: number;
  /**
   * The phone reader (a general-purpose NFC reader for the smartphone マイナ保険証, REFERENCE §6): its name. It
   * gets no session of its own; what is placed on it goes to the first card reader's session. null/absent: none
   * (the kiosk then says to bring the card).
   */
  readonly phoneReader?: string | null;
}

export class SessionManager extends TypedEmitter<SessionManagerEvents> {
  readonly #template: SessionTemplate;
  readonly #slots = new Map<string, Slot>();
  readonly #transports: TransportEntry[] = [];
  #seq = 0;
  #started = false;

  readonly #recoveryIntervalMs: number;
  readonly #phoneReader: string | null;
  /** The phone reader's transport once it is seen, and whether something lies on it. */
  #phone: { transport: ReaderTransport; present: boolean } | undefined;
  /** The session the phone reader serves: the first card reader's. */
  #phoneOwner: ReceptionSession | undefined;

  constructor(transports: readonly ReaderTransport[], template: SessionTemplate, options: SessionManagerOptions = {}) {
    super();
    // One staff-PIN guard for every reader: a new card (new session) must not reset the count of wrong staff PINs.
    this.#template = { ...template, staffPinGuard: template.staffPinGuard ?? StaffPinGuard.forPin(template.staffPin, template.options?.staffPinLock) };
    this.#recoveryIntervalMs = options.recoveryIntervalMs ?? 1000;
    this.#phoneReader = options.phoneReader ?? null;
    for (const transport of transports) this.#attach(transport);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    for (const entry of this.#transports) {
      await entry.transport.start();
      entry.state = "running";
      // A transport that was started before us reported its readers and cards already: catch up.
      for (const reader of entry.transport.listReaders()) {
        this.#onReader(entry, reader, false);
        if (entry.transport.cardIn(reader) && !this.#slots.get(reader)?.cardPresent && !(reader === this.#phoneReader && this.#phone?.present)) this.#onCard(entry.transport, reader);
      }
    }
  }

  async close(): Promise<void> {
    for (const slot of this.#slots.values()) slot.session.close();
    for (const entry of this.#transports) {
      entry.detach();
      if (entry.recovery) clearInterval(entry.recovery);
      entry.recovery = undefined;
      entry.state = "stopped";
      await entry.transport.close();
    }
  }

  get transports(): TransportStatus[] {
    return this.#transports.map((t) => ({ kind: t.transport.kind, state: t.state }));
  }

  readers(): ReaderInfo[] {
    return [...this.#slots.entries()].map(([name, slot]) => ({ name, transport: slot.transport.kind, cardPresent: slot.cardPresent }));
  }

  sessions(): SessionView[] {
    return [...this.#slots.values()].map((s) => s.session.view);
  }

  session(reader: string): ReceptionSession | undefined {
    return this.#slots.get(reader)?.session;
  }

  /**
   * Marks a reader out of order or back in order (trainer switch). `reader` defaults to the first reader.
   * Returns the reader's name, or undefined when there is no such reader.
   */
  setReaderBroken(broken: boolean, reader?: string): string | undefined {
    const name = reader ?? this.#slots.keys().next().value;
    const slot = name === undefined ? undefined : this.#slots.get(name);
    if (!slot || name === undefined) return undefined;
    slot.session.setBroken(broken);
    return name;
  }

  /** The trainer's switch: the phone reader is there (true) or not (false) for every reader's session. */
  setPhoneReaderAvailable(available: boolean): void {
    for (const slot of this.#slots.values()) slot.session.setPhoneReaderAvailable(available);
  }

  /** The session whose current card session has this id. */
  bySessionId(sessionId: string): ReceptionSession | undefined {
    for (const slot of this.#slots.values()) if (slot.session.sessionId === sessionId) return slot.session;
    return undefined;
  }

  #attach(transport: ReaderTransport): void {
    const onReader = (reader: string) => this.#onReader(entry, reader, true);
    const onReaderEnd = (reader: string) => this.#onReaderEnd(entry, reader);
    const onCard = ({ reader }: { reader: string }) => this.#onCard(transport, reader);
    const onCardOff = ({ reader }: { reader: string }) => this.#onCardOff(reader);
    const onError = (error: Error) => this.#onError(entry, error);
    transport.on("reader", onReader);
    transport.on("reader.end", onReaderEnd);
    transport.on("card", onCard);
    transport.on("card.off", onCardOff);
    transport.on("error", onError);
    const entry: TransportEntry = {
      transport,
      state: "stopped",
      recovery: undefined,
      detach: () => {
        transport.off("reader", onReader);
        transport.off("reader.end", onReaderEnd);
        transport.off("card", onCard);
        transport.off("card.off", onCardOff);
        transport.off("error", onError);
      },
    };
    this.#transports.push(entry);
  }

  #onReader(entry: TransportEntry, reader: string, announce: boolean): void {
    this.#recovered(entry);
    if (reader === this.#phoneReader) {
      this.#phone ??= { transport: entry.transport, present: false };
      if (announce) this.#notice(entry.transport, "reader-added", reader, null);
      return;
    }
    if (this.#slots.has(reader)) return;
    const { cardClients, fixtureCas = [], ...template } = this.#template;
    const clientOn = (transport: ReaderTransport, name: string) => (cardClients ? cardClients(transport, name) : new MyNumberCardClient(new CardChannel(transport, name), { fixtureCas }));
    const openCard = () => clientOn(entry.transport, reader);
    const phoneName = this.#phoneReader;
    // The phone reader may show up after this reader: its transport is looked up when a phone is read.
    const phoneReader =
      phoneName !== null && !this.#phoneOwner ? { name: phoneName, open: () => clientOn(this.#phone?.transport ?? entry.transport, phoneName) } : undefined;
    const session = new ReceptionSession({ ...template, reader, openCard, phoneReader, nextSeq: () => ++this.#seq });
    if (phoneReader) this.#phoneOwner = session;
    session.on("state", (view) => this.emit("state", view));
    session.on("log", (line) => this.emit("log", line));
    this.#slots.set(reader, { transport: entry.transport, session, cardPresent: false });
    if (announce) this.#notice(entry.transport, "reader-added", reader, null);
    this.emit("readers", this.readers());
    this.emit("state", session.view);
  }

  #onReaderEnd(entry: TransportEntry, reader: string): void {
    const slot = this.#slots.get(reader);
    if (!slot) return;
    if (slot.cardPresent) this.#onCardOff(reader);
    slot.session.close();
    this.#slots.delete(reader);
    this.#notice(entry.transport, "reader-removed", reader, null);
    this.emit("readers", this.readers());
  }

  #onCard(transport: ReaderTransport, reader: string): void {
    if (reader === this.#phoneReader) {
      this.#phone ??= { transport, present: false };
      this.#phone.present = true;
      this.#phoneOwner?.phonePlaced();
      return;
    }
    let slot = this.#slots.get(reader);
    if (!slot) {
      const entry = this.#transports.find((t) => t.transport === transport);
      if (!entry) return;
      this.#onReader(entry, reader, true);
      slot = this.#slots.get(reader);
      if (!slot) return;
    }
    slot.cardPresent = true;
    this.emit("readers", this.readers());
    slot.session.cardInserted();
  }

  #onCardOff(reader: string): void {
    if (reader === this.#phoneReader) {
      if (!this.#phone?.present) return;
      this.#phone.present = false;
      this.#phoneOwner?.phoneRemoved();
      return;
    }
    const slot = this.#slots.get(reader);
    if (!slot || !slot.cardPresent) return;
    slot.cardPresent = false;
    slot.session.cardRemoved();
    this.emit("readers", this.readers());
  }

  #onError(entry: TransportEntry, error: Error): void {
    // PcscReaderTransport says `contextLost` once pcscd went away; it recreates the context (or is restarted).
    const lost = "contextLost" in entry.transport && (entry.transport as { contextLost?: unknown }).contextLost === true;
    if (lost && entry.state !== "context-lost") {
      entry.state = "context-lost";
      this.#notice(entry.transport, "context-lost", null, error.message);
      this.#startRecovery(entry);
      return;
    }
    this.#notice(entry.transport, "error", null, error.message);
  }

  /**
   * Restarts a transport whose context was lost until it works again (pcscd back). A transport that recovers
   * by itself clears `contextLost` first, and is then left alone.
   */
  #startRecovery(entry: TransportEntry): void {
    const transport = restartable(entry.transport);
    if (!transport || this.#recoveryIntervalMs <= 0 || entry.recovery) return;
    let trying = false;
    const stop = () => {
      if (entry.recovery) clearInterval(entry.recovery);
      entry.recovery = undefined;
    };
    entry.recovery = setInterval(() => {
      if (trying) return;
      if (entry.state === "stopped") return stop();
      if (!transport.contextLost) {
        stop();
        this.#recovered(entry);
        return;
      }
      trying = true;
      transport.restart().then(
        () => {
          trying = false;
          if (transport.contextLost) return;
          stop();
          this.#recovered(entry);
        },
        () => {
          trying = false; // still down: try again at the next tick
        },
      );
    }, this.#recoveryIntervalMs);
    entry.recovery.unref();
  }

  #recovered(entry: TransportEntry): void {
    if (entry.state !== "context-lost") return;
    entry.state = "running";
    this.#notice(entry.transport, "recovered", null, null);
  }

  #notice(transport: ReaderTransport, kind: TransportNoticeKind, reader: string | null, detail: string | null): void {
    this.emit("transport", { transport: transport.kind, kind, reader, detail, at: new Date().toISOString() });
  }
}
