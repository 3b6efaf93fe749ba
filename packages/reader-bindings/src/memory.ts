/**
 * The in-process binding: virtual cards sit in named slots of this process, no daemon involved.
 * Used by tests, the benchmark's baseline and any kiosk that embeds the agent.
 */
import type { SmartCard } from "./smart-card.js";
import { CardRemovedError, NoCardError, UnknownReaderError, type ReaderTransport, type ReaderTransportEvents } from "./reader-transport.js";
import { TypedEmitter } from "./typed-emitter.js";

export const DEFAULT_MEMORY_READER = "onshi-sim Memory Reader 00";

export class MemoryReaderTransport extends TypedEmitter<ReaderTransportEvents> implements ReaderTransport {
  readonly kind = "memory" as const;
  readonly #slots = new Map<string, SmartCard | undefined>();
  #started = false;

  constructor(readers: readonly string[] = [DEFAULT_MEMORY_READER]) {
    super();
    for (const r of readers) this.#slots.set(r, undefined);
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    for (const [reader, card] of this.#slots) {
      this.emit("reader", reader);
      if (card) this.emit("card", { reader, atr: card.atr });
    }
  }

  async close(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    for (const [reader, card] of this.#slots) {
      card?.powerOff();
      this.#slots.set(reader, undefined);
    }
  }

  listReaders(): string[] {
    return [...this.#slots.keys()];
  }

  cardIn(reader: string): Uint8Array | undefined {
    return this.#slots.get(reader)?.atr;
  }

  /** Places a card in a slot and powers it, like bringing it into the reader's field. */
  insert(card: SmartCard, reader: string = DEFAULT_MEMORY_READER): void {
    this.#requireReader(reader);
    if (this.#slots.get(reader)) this.remove(reader);
    this.#slots.set(reader, card);
    card.powerOn();
    if (this.#started) this.emit("card", { reader, atr: card.atr });
  }

  remove(reader: string = DEFAULT_MEMORY_READER): void {
    this.#requireReader(reader);
    const card = this.#slots.get(reader);
    if (!card) return;
    card.powerOff();
    this.#slots.set(reader, undefined);
    if (this.#started) this.emit("card.off", { reader });
  }

  async transmit(reader: string, command: Uint8Array): Promise<Uint8Array> {
    this.#requireReader(reader);
    const card = this.#slots.get(reader);
    if (!card) throw new NoCardError(reader);
    // Answer on a later tick, as real I/O would, so callers cannot come to rely on synchronous replies.
    await Promise.resolve();
    if (this.#slots.get(reader) !== card) throw new CardRemovedError(reader);
    return card.transmit(command);
  }

  #requireReader(reader: string): void {
    if (!this.#slots.has(reader)) throw new UnknownReaderError(reader, this.listReaders());
  }
}
