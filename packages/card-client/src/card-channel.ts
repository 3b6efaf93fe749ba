/**
 * CardChannel: the host-side `exchange` abstraction (after Ledger's hw-transport). One reader slot, one
 * command at a time, every exchange optionally recorded as a `=> / <=` transcript (PINs masked).
 * `ReplayChannel` plays a recorded transcript back and says exactly which exchange differed.
 */
import { encodeCommandApdu, type CommandInit } from "@onshi-sim/apdu";
import { toHex } from "@onshi-sim/apdu";
import { parseResponseApdu, type ResponseApdu } from "@onshi-sim/apdu";
import { formatTranscript, maskSecrets, type TranscriptEntry } from "@onshi-sim/apdu";
import type { ReaderTransport } from "@onshi-sim/reader-bindings";

export interface ApduExchange {
  /** Sends raw C-APDU bytes, resolves with the parsed R-APDU. */
  exchange(command: Uint8Array, maxResponseLength?: number): Promise<ResponseApdu>;
}

export class CardChannel implements ApduExchange {
  readonly #transcript: TranscriptEntry[] | undefined;
  #comment: string | undefined;

  constructor(
    readonly transport: ReaderTransport,
    readonly reader: string,
    options: { record?: boolean } = {},
  ) {
    this.#transcript = options.record ? [] : undefined;
  }

  /** Attaches a comment to the next recorded exchange (e.g. "SELECT JPKI-AP"). */
  note(comment: string): this {
    this.#comment = comment;
    return this;
  }

  async exchange(command: Uint8Array, maxResponseLength?: number): Promise<ResponseApdu> {
    const comment = this.#comment;
    this.#comment = undefined;
    const raw = await this.transport.transmit(this.reader, command, maxResponseLength);
    this.#transcript?.push({ command, response: raw, ...(comment ? { comment } : {}) });
    return parseResponseApdu(raw);
  }

  send(init: CommandInit, maxResponseLength?: number): Promise<ResponseApdu> {
    return this.exchange(encodeCommandApdu(init), maxResponseLength);
  }

  /** The recorded transcript text, with VERIFY data masked. */
  transcript(): string {
    return formatTranscript(this.#transcript ?? []);
  }
}

export class ReplayMismatchError extends Error {
  override name = "ReplayMismatchError";
}

/** Plays a transcript back as if it were a card: each command must equal the recorded one. */
export class ReplayChannel implements ApduExchange {
  #index = 0;
  constructor(readonly entries: readonly TranscriptEntry[]) {}

  async exchange(command: Uint8Array): Promise<ResponseApdu> {
    const n = this.#index + 1;
    const expected = this.entries[this.#index];
    if (!expected) throw new ReplayMismatchError(`exchange #${n}: the transcript has only ${this.entries.length} exchanges, got => ${maskSecrets(command)}`);
    if (toHex(expected.command) !== toHex(command)) {
      const where = expected.comment ? ` (${expected.comment})` : "";
      throw new ReplayMismatchError(`exchange #${n}${where} differed:\n  expected => ${maskSecrets(expected.command)}\n  got      => ${maskSecrets(command)}`);
    }
    this.#index++;
    return parseResponseApdu(expected.response);
  }

  /** True once every recorded exchange has been played. */
  get done(): boolean {
    return this.#index === this.entries.length;
  }
}
