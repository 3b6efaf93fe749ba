/** Response APDUs: data followed by SW1 SW2. */
import { concatBytes, toHex } from "./hex.js";
import { describeStatusWord, type StatusWord } from "./status.js";

export interface ResponseApdu {
  readonly data: Uint8Array;
  readonly sw: StatusWord;
}

export class ResponseParseError extends Error {
  override name = "ResponseParseError";
}

export function parseResponseApdu(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new ResponseParseError(`a response APDU needs at least SW1 SW2, got ${bytes.length} byte(s): ${toHex(bytes)}`);
  const n = bytes.length;
  return { data: bytes.slice(0, n - 2), sw: ((bytes[n - 2] as number) << 8) | (bytes[n - 1] as number) };
}

export function encodeResponseApdu(sw: StatusWord, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  return concatBytes(data, Uint8Array.of((sw >> 8) & 0xff, sw & 0xff));
}

/** Thrown by host-side helpers when the card answers something other than what the step needs. */
export class CardStatusError extends Error {
  override name = "CardStatusError";
  constructor(
    readonly step: string,
    readonly sw: StatusWord,
  ) {
    super(`${step}: card answered ${describeStatusWord(sw)}`);
  }
}
