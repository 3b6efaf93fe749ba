/**
 * The host side of a card reader, one interface with two bindings (after serialport):
 *   - `memory`: virtual cards in this process, no daemon;
 *   - `pcsc`:   any PC/SC reader through nfc-pcsc — a real NFC reader, or pcscd's vpcd slot fed by `VpcdBridge`.
 * The same conformance suite (test/conformance) runs against both.
 */
import type { TypedEmitter } from "./typed-emitter.js";

export interface CardPresentEvent {
  readonly reader: string;
  readonly atr: Uint8Array;
}

export interface ReaderTransportEvents {
  [event: string]: unknown[];
  /** A reader appeared (at start, or when plugged in / when pcscd came back). */
  reader: [name: string];
  /** A reader disappeared (unplugged, or pcscd went away). */
  "reader.end": [name: string];
  /** A card was inserted / brought into the field and powered. */
  card: [event: CardPresentEvent];
  /** The card left the reader. Any exchange still under way fails with `CardRemovedError`. */
  "card.off": [event: { readonly reader: string }];
  /** A transport-level problem that is not tied to one exchange (context lost, daemon gone). */
  error: [error: Error];
}

export type TransportKind = "memory" | "pcsc";

export interface ReaderTransport extends TypedEmitter<ReaderTransportEvents> {
  readonly kind: TransportKind;
  /** Starts watching readers; resolves once the current readers have been reported. */
  start(): Promise<void>;
  /** Stops watching and releases the context. Safe to call twice. */
  close(): Promise<void>;
  /** Readers known right now. */
  listReaders(): string[];
  /** The ATR of the card in `reader`, or undefined when none is present. */
  cardIn(reader: string): Uint8Array | undefined;
  /**
   * Sends one C-APDU to the card in `reader` and resolves with the R-APDU (data + SW).
   * `maxResponseLength` is the largest R-APDU expected, SW included (default 258 + 2 for short APDUs).
   */
  transmit(reader: string, command: Uint8Array, maxResponseLength?: number): Promise<Uint8Array>;
}

export class NoCardError extends Error {
  override name = "NoCardError";
  constructor(readonly reader: string) {
    super(`no card in reader "${reader}"`);
  }
}

export class CardRemovedError extends Error {
  override name = "CardRemovedError";
  constructor(readonly reader: string) {
    super(`the card was removed from "${reader}" during the exchange`);
  }
}

export class UnknownReaderError extends Error {
  override name = "UnknownReaderError";
  constructor(readonly reader: string, known: readonly string[]) {
    super(`no reader named "${reader}" (readers: ${known.length ? known.map((r) => JSON.stringify(r)).join(", ") : "none"})`);
  }
}

/** PC/SC support is missing on this machine; the message carries the exact install command. */
export class PcscUnavailableError extends Error {
  override name = "PcscUnavailableError";
}
