/**
 * The `pcsc` binding: any PC/SC reader through nfc-pcsc 0.8.1 — a real NFC reader, or pcscd's vpcd slot
 * ("Virtual PCD 00 0N") that VpcdBridge plugs a virtual card into.
 *
 * What nfc-pcsc does underneath (node_modules/nfc-pcsc/src, @pokusew/pcsclite):
 *   - one status thread per reader; on a card it connects in SHARED mode (T0|T1), then emits `card`
 *     (with autoProcessing off it does nothing else); on removal it emits `card.off` and disconnects;
 *   - `transmit` throws synchronously when no card is connected, and wraps native errors whose message ends
 *     in the PC/SC code, e.g. "SCardTransmit error: Card was removed.(0x80100069)";
 *   - its constructor establishes the PC/SC context in a loop that never ends while pcscd is down, blocking
 *     the event loop: so we check pcscd's socket first;
 *   - when pcscd goes away the context watcher emits `error` and each reader emits `error` then `end`.
 */
import { connect } from "node:net";
import type { NFC, NfcCard, Reader } from "nfc-pcsc";
import {
  CardRemovedError,
  NoCardError,
  PcscUnavailableError,
  UnknownReaderError,
  type ReaderTransport,
  type ReaderTransportEvents,
} from "./reader-transport.js";
import { TypedEmitter } from "./typed-emitter.js";

export const INSTALL_PCSC = "apt-get install -y pcscd libpcsclite-dev && npm install";
export const START_PCSCD = "pcscd   (as root; `pcscd -f &` keeps it in the foreground of a shell)";
/** Short APDU: up to 256 data bytes + SW1 SW2, with 2 bytes to spare as the interface promises. */
export const DEFAULT_MAX_RESPONSE_LENGTH = 258 + 2;

/** Where libpcsclite finds pcscd (it honours the same variable). */
export function pcscdSocketPath(): string {
  return process.env.PCSCLITE_CSOCK_NAME ?? "/run/pcscd/pcscd.comm";
}

/** True when pcscd accepts connections on its socket: opening and closing a client connection is harmless. */
export function pcscdReachable(path = pcscdSocketPath(), timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

type NfcPcscModule = typeof import("nfc-pcsc");

/** Loads nfc-pcsc and its native binding; a missing or unbuilt module becomes a PcscUnavailableError with the fix. */
export async function loadNfcPcsc(): Promise<NfcPcscModule> {
  try {
    const mod = await import("nfc-pcsc");
    if (typeof mod.NFC !== "function") throw new Error("nfc-pcsc has no NFC export");
    return mod;
  } catch (e) {
    throw new PcscUnavailableError(
      `PC/SC support is not available: nfc-pcsc or its native module @pokusew/pcsclite cannot be loaded ` +
        `(${(e as Error).message.split("\n")[0]}). Fix: ${INSTALL_PCSC} — and pcscd must be running.`,
      { cause: e },
    );
  }
}

export interface PcscTransportOptions {
  /** Only readers whose name passes are reported (e.g. `(n) => n.startsWith("Virtual PCD")`); others are left alone. */
  readerFilter?: (name: string) => boolean;
  /** How long start() waits for pcscd's first reader list (it sends none when there are no readers). Default 300 ms. */
  readerWaitMs?: number;
  /** pcscd's socket; default $PCSCLITE_CSOCK_NAME or /run/pcscd/pcscd.comm. */
  socketPath?: string;
}

interface ReaderState {
  readonly name: string;
  readonly device: Reader;
  atr: Uint8Array | undefined;
  /** Bumped on every card in / out, so an exchange can tell its card went away meanwhile. */
  generation: number;
  queue: Promise<unknown>;
}

// PC/SC return codes that mean "the card is not there (any more)" or "the reader is gone".
const CARD_GONE = new Set([0x80100069 /* W_REMOVED_CARD */, 0x8010000c /* E_NO_SMARTCARD */, 0x80100016 /* E_NOT_TRANSACTED */, 0x80100066 /* W_UNRESPONSIVE_CARD */, 0x80100067 /* W_UNPOWERED_CARD */]);
const READER_GONE = new Set([0x80100009 /* E_UNKNOWN_READER */, 0x80100017 /* E_READER_UNAVAILABLE */]);
const INSUFFICIENT_BUFFER = 0x80100008;

export class PcscReaderTransport extends TypedEmitter<ReaderTransportEvents> implements ReaderTransport {
  readonly kind = "pcsc" as const;
  readonly #options: PcscTransportOptions;
  readonly #readers = new Map<string, ReaderState>();
  #nfc: NFC | undefined;
  #starting: Promise<void> | undefined;
  /** Set when the context died (pcscd stopped); cleared by restart(). */
  #lost = false;

  constructor(options: PcscTransportOptions = {}) {
    super();
    this.#options = options;
    // `error` is advisory: `reader.end` carries the state change, so an app that ignores errors must not crash.
    this.on("error", () => {});
  }

  /** True after the PC/SC context was lost (pcscd stopped): call restart() once pcscd is back. */
  get contextLost(): boolean {
    return this.#lost;
  }

  start(): Promise<void> {
    this.#starting ??= this.#start().catch((e: unknown) => {
      this.#starting = undefined;
      throw e;
    });
    return this.#starting;
  }

  async #start(): Promise<void> {
    const { NFC } = await loadNfcPcsc();
    const socketPath = this.#options.socketPath ?? pcscdSocketPath();
    if (!(await pcscdReachable(socketPath))) {
      throw new PcscUnavailableError(`pcscd is not running (no answer on ${socketPath}). Start it: ${START_PCSCD}. If it is not installed: ${INSTALL_PCSC}`);
    }
    this.#lost = false;
    const nfc = new NFC();
    this.#nfc = nfc;
    const initial = this.#waitForInitialReaders(nfc);
    nfc.on("reader", (device) => this.#onReader(nfc, device));
    nfc.on("error", (err) => this.#onContextError(nfc, err));
    await initial;
  }

  /**
   * pcscd reports all present readers in one callback shortly after start, then each reader's first status
   * (and, when a card is in, nfc-pcsc's connect). Wait for those so listReaders()/cardIn() are right
   * afterwards; with no readers pcscd reports nothing, so give up after `readerWaitMs`.
   */
  #waitForInitialReaders(nfc: NFC): Promise<void> {
    const readerWaitMs = this.#options.readerWaitMs ?? 300;
    return new Promise<void>((resolve) => {
      const pending = new Set<string>();
      let sawReader = false;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(noReaders);
        clearTimeout(cap);
        resolve();
      };
      const check = () => {
        if (sawReader && pending.size === 0) finish();
      };
      const noReaders = setTimeout(() => {
        if (!sawReader) finish();
      }, readerWaitMs);
      const cap = setTimeout(finish, readerWaitMs + 2000);
      nfc.on("reader", (device) => {
        if (finished || this.#nfc !== nfc) return;
        sawReader = true;
        const name = device.reader.name;
        if (!this.#accepts(name)) return setImmediate(check);
        pending.add(name);
        const settle = () => {
          pending.delete(name);
          check();
        };
        device.reader.once("status", (status) => {
          // A card is in: wait for nfc-pcsc to connect and report it (or fail and report nothing).
          if (status.state & device.reader.SCARD_STATE_PRESENT && !(status.state & device.reader.SCARD_STATE_MUTE)) {
            device.on("card", () => setImmediate(settle));
            setTimeout(settle, 1000);
          } else setImmediate(settle);
        });
        device.on("end", settle);
      });
      nfc.on("error", finish);
    });
  }

  #accepts(name: string): boolean {
    return this.#options.readerFilter ? this.#options.readerFilter(name) : true;
  }

  #onReader(nfc: NFC, device: Reader): void {
    const name = device.reader.name;
    // nfc-pcsc re-emits reader errors as `error`; unhandled, they would crash the process.
    device.on("error", (err) => this.#onReaderError(nfc, name, err));
    if (this.#nfc !== nfc) return;
    if (!this.#accepts(name)) {
      // Not ours: stop its status watcher so we never connect to (and power) a card someone else uses.
      device.reader.close();
      return;
    }
    // Otherwise nfc-pcsc SELECTs its own AID / reads a UID on every 14443-4 card.
    device.autoProcessing = false;
    const state: ReaderState = { name, device, atr: undefined, generation: 0, queue: Promise.resolve() };
    this.#readers.set(name, state);
    device.on("card", (card: NfcCard) => {
      if (this.#readers.get(name) !== state) return;
      state.generation++;
      state.atr = new Uint8Array(card.atr ?? []);
      this.emit("card", { reader: name, atr: state.atr });
    });
    device.on("card.off", () => this.#cardOff(state));
    device.on("end", () => this.#readerEnd(state));
    this.emit("reader", name);
  }

  #cardOff(state: ReaderState): void {
    if (this.#readers.get(state.name) !== state || !state.atr) return;
    state.atr = undefined;
    state.generation++;
    this.emit("card.off", { reader: state.name });
  }

  #readerEnd(state: ReaderState): void {
    if (this.#readers.get(state.name) !== state) return;
    this.#cardOff(state);
    this.#readers.delete(state.name);
    this.emit("reader.end", state.name);
  }

  #onReaderError(nfc: NFC, name: string, err: Error): void {
    if (this.#nfc !== nfc || this.#lost) return;
    this.emit("error", new Error(`PC/SC reader "${name}": ${err.message}`, { cause: err }));
  }

  /** The context watcher failed (pcscd stopped or restarted): report it and drop every reader. */
  #onContextError(nfc: NFC, err: Error): void {
    if (this.#nfc !== nfc || this.#lost) return;
    this.#lost = true;
    this.emit(
      "error",
      new Error(`PC/SC context lost (${err.message}); pcscd stopped? Once it runs again call restart() or create a new transport`, { cause: err }),
    );
    for (const state of [...this.#readers.values()]) this.#readerEnd(state);
  }

  /** Drops the context and establishes a new one, e.g. after pcscd came back. */
  async restart(): Promise<void> {
    await this.close();
    await this.start();
  }

  async close(): Promise<void> {
    const starting = this.#starting;
    this.#starting = undefined;
    if (starting) await starting.catch(() => {});
    const nfc = this.#nfc;
    this.#nfc = undefined;
    if (!nfc) return;
    const readers = [...this.#readers.values()];
    this.#readers.clear();
    // Let exchanges under way finish (briefly) so the native transmit does not race the disconnect.
    await Promise.race([Promise.allSettled(readers.map((r) => r.queue)), delay(1000)]);
    for (const r of readers) {
      if (r.device.connection) {
        try {
          await Promise.race([r.device.disconnect(), delay(1000)]);
        } catch {
          // already gone
        }
      }
    }
    // Each reader's status thread keeps the event loop alive until it is closed.
    for (const name of Object.keys(nfc.readers)) {
      try {
        nfc.readers[name]?.close();
      } catch {
        // closing twice, or the context is already gone
      }
    }
    try {
      nfc.close();
    } catch {
      // the context died with pcscd
    }
  }

  listReaders(): string[] {
    return [...this.#readers.keys()];
  }

  cardIn(reader: string): Uint8Array | undefined {
    return this.#readers.get(reader)?.atr;
  }

  transmit(reader: string, command: Uint8Array, maxResponseLength: number = DEFAULT_MAX_RESPONSE_LENGTH): Promise<Uint8Array> {
    const state = this.#readers.get(reader);
    if (!state) return Promise.reject(new UnknownReaderError(reader, this.listReaders()));
    // One exchange at a time per reader: PC/SC has no request ids, so replies could not be told apart.
    const run = state.queue.then(() => this.#exchange(state, command, maxResponseLength));
    state.queue = run.catch(() => {});
    return run;
  }

  async #exchange(state: ReaderState, command: Uint8Array, maxResponseLength: number): Promise<Uint8Array> {
    if (this.#readers.get(state.name) !== state) throw new UnknownReaderError(state.name, this.listReaders());
    if (!state.atr || !state.device.connection) throw new NoCardError(state.name);
    const generation = state.generation;
    let response: Buffer;
    try {
      response = await state.device.transmit(Buffer.from(command.buffer, command.byteOffset, command.byteLength), maxResponseLength);
    } catch (e) {
      throw this.#convertError(state, generation, e as Error & { code?: unknown; previous?: Error });
    }
    // Every R-APDU ends in SW1 SW2. vpcd answers "success, 0 bytes" when the virtual card's socket closed
    // during the exchange, before pcscd has noticed the removal.
    if (response.length < 2) throw new CardRemovedError(state.name);
    return new Uint8Array(response);
  }

  #convertError(state: ReaderState, generation: number, err: Error & { code?: unknown; previous?: Error }): Error {
    const name = state.name;
    if (err.code === "card_not_connected") return state.generation === generation ? new NoCardError(name) : new CardRemovedError(name);
    const message = err.previous?.message ?? err.message;
    const code = pcscCode(message);
    if (code !== undefined && READER_GONE.has(code)) return new UnknownReaderError(name, this.listReaders());
    if ((code !== undefined && CARD_GONE.has(code)) || state.generation !== generation || !state.atr) return new CardRemovedError(name);
    if (code === INSUFFICIENT_BUFFER) {
      return new Error(`the response from "${name}" is longer than maxResponseLength (SW included): ${message}`, { cause: err });
    }
    return new Error(`PC/SC exchange with "${name}" failed: ${message}`, { cause: err });
  }
}

/** The PC/SC return code at the end of a pcsclite message, e.g. "...removed.(0x80100069)". */
export function pcscCode(message: string): number | undefined {
  const m = /\(0x([0-9a-f]{8})\)/i.exec(message);
  return m?.[1] ? parseInt(m[1], 16) : undefined;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
