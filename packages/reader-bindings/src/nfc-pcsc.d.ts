/**
 * Ambient types for nfc-pcsc 0.8.1 (it ships none): only what PcscReaderTransport uses, read from
 * node_modules/nfc-pcsc/src/*.js and @pokusew/pcsclite/lib/pcsclite.js. The package is CommonJS built by
 * Babel, so under Node's ESM loader the class is the named export `NFC` (the default export is the whole
 * exports object).
 */
declare module "nfc-pcsc" {
  export interface NfcLogger {
    log(...args: unknown[]): void;
    debug(...args: unknown[]): void;
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
  }

  /** The @pokusew/pcsclite CardReader underneath (`reader.reader`). */
  export interface PcscLiteReader {
    readonly name: string;
    /** Last SCARD_STATE_* bit set seen by the status watcher (undefined before the first status). */
    readonly state: number | undefined;
    readonly connected: boolean;
    readonly SCARD_STATE_EMPTY: number;
    readonly SCARD_STATE_PRESENT: number;
    readonly SCARD_STATE_MUTE: number;
    on(event: "status", listener: (status: { state: number; atr?: Buffer }) => void): this;
    once(event: "status", listener: (status: { state: number; atr?: Buffer }) => void): this;
    off(event: "status", listener: (status: { state: number; atr?: Buffer }) => void): this;
    /** Stops the reader's status thread; it then emits `end`. */
    close(): void;
  }

  /** What nfc-pcsc puts in `card` / `card.off` events (a copy of `reader.card`). */
  export interface NfcCard {
    atr?: Buffer;
    standard?: string;
    type?: string;
  }

  export class Reader {
    readonly reader: PcscLiteReader;
    readonly name: string;
    /** When true (the default) nfc-pcsc sends its own SELECT / GET UID on every card. */
    autoProcessing: boolean;
    readonly card: NfcCard | null;
    readonly connection: { type: number; protocol: number } | null;
    /** Throws a TransmitError synchronously when no card is connected. `responseMaxLength` includes SW1 SW2. */
    transmit(data: Buffer, responseMaxLength: number): Promise<Buffer>;
    /** Throws synchronously when not connected. */
    disconnect(): Promise<boolean>;
    on(event: "card" | "card.off", listener: (card: NfcCard) => void): this;
    on(event: "error", listener: (error: Error) => void): this;
    on(event: "end", listener: () => void): this;
    removeAllListeners(): this;
  }

  export class NFC {
    /** Establishes a PC/SC context: blocks (busy-loops) while pcscd is not running. */
    constructor(logger?: NfcLogger);
    readonly readers: Record<string, PcscLiteReader>;
    on(event: "reader", listener: (reader: Reader) => void): this;
    on(event: "error", listener: (error: Error) => void): this;
    removeAllListeners(): this;
    close(): void;
  }

  export class BaseError extends Error {
    readonly code: string | null | undefined;
    readonly previous?: Error;
  }
  export class TransmitError extends BaseError {}

  export const CARD_NOT_CONNECTED: "card_not_connected";
}
