/** BER-TLV with 1- or 2-byte tags and definite lengths: enough for the card-face files. */
import { concatBytes } from "./hex.js";

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return Uint8Array.of(0x82, length >> 8, length & 0xff);
  return Uint8Array.of(0x83, length >> 16, (length >> 8) & 0xff, length & 0xff);
}

export function encodeTlv(tag: number, value: Uint8Array): Uint8Array {
  const tagBytes = tag > 0xff ? Uint8Array.of(tag >> 8, tag & 0xff) : Uint8Array.of(tag);
  return concatBytes(tagBytes, encodeLength(value.length), value);
}

export interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  /** Offset of the tag within the parsed buffer. */
  readonly offset: number;
}

export class TlvError extends Error {
  override name = "TlvError";
}

/** Parses a sequence of TLVs; stops at trailing 0xFF/0x00 padding (as found after data in fixed-size EFs). */
export function parseTlvs(bytes: Uint8Array, start = 0, end = bytes.length): Tlv[] {
  const out: Tlv[] = [];
  let i = start;
  while (i < end) {
    const first = bytes[i] as number;
    if (first === 0xff && (i + 1 >= end || bytes[i + 1] === 0xff)) break;
    if (first === 0x00) break;
    const offset = i;
    let tag = first;
    i++;
    if ((first & 0x1f) === 0x1f) {
      if (i >= end) throw new TlvError(`truncated tag at offset ${offset}`);
      tag = (tag << 8) | (bytes[i] as number);
      i++;
    }
    if (i >= end) throw new TlvError(`missing length for tag ${tag.toString(16)} at offset ${offset}`);
    let length = bytes[i] as number;
    i++;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n < 1 || n > 3 || i + n > end) throw new TlvError(`bad length encoding for tag ${tag.toString(16)} at offset ${offset}`);
      length = 0;
      for (let k = 0; k < n; k++) length = (length << 8) | (bytes[i + k] as number);
      i += n;
    }
    if (i + length > end) throw new TlvError(`tag ${tag.toString(16)} at offset ${offset} claims ${length} bytes, only ${end - i} left`);
    out.push({ tag, value: bytes.subarray(i, i + length), offset });
    i += length;
  }
  return out;
}

export function findTlv(tlvs: readonly Tlv[], tag: number): Uint8Array | undefined {
  return tlvs.find((t) => t.tag === tag)?.value;
}
