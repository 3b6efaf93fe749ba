/**
 * Command APDUs (ISO 7816-4 §5.1): the four cases in short and extended form.
 * `parseCommandApdu` is the one door through which bytes from a reader become a command; it never throws
 * anything but `ApduParseError`, whose message says which byte is wrong and why.
 */
import { toHex } from "./hex.js";

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (Lc bytes). Empty for cases 1 and 2. */
  readonly data: Uint8Array;
  /** Expected response length; `undefined` when absent. 0x100 (short) / 0x10000 (extended) mean "maximum". */
  readonly le: number | undefined;
  readonly extended: boolean;
}

export class ApduParseError extends Error {
  override name = "ApduParseError";
  constructor(
    message: string,
    readonly bytes: Uint8Array,
  ) {
    super(`${message} (APDU ${toHex(bytes, " ") || "<empty>"})`);
  }
}

export function parseCommandApdu(bytes: Uint8Array): CommandApdu {
  if (bytes.length < 4) throw new ApduParseError(`a command APDU needs at least 4 header bytes, got ${bytes.length}`, bytes);
  const [cla, ins, p1, p2] = bytes as unknown as [number, number, number, number];
  const head = { cla, ins, p1, p2 };
  const body = bytes.length - 4;
  if (body === 0) return { ...head, data: new Uint8Array(0), le: undefined, extended: false };
  const b0 = bytes[4] as number;
  if (body === 1) return { ...head, data: new Uint8Array(0), le: b0 === 0 ? 0x100 : b0, extended: false };
  if (b0 !== 0) {
    // Short case 3 or 4: Lc = b0.
    const lc = b0;
    if (body === 1 + lc) return { ...head, data: bytes.slice(5, 5 + lc), le: undefined, extended: false };
    if (body === 2 + lc) {
      const le = bytes[5 + lc] as number;
      return { ...head, data: bytes.slice(5, 5 + lc), le: le === 0 ? 0x100 : le, extended: false };
    }
    throw new ApduParseError(`Lc is ${lc} but ${body - 1} bytes follow it (expected ${lc} or ${lc + 1})`, bytes);
  }
  // b0 === 0 with more bytes: extended form.
  if (body === 3) {
    const le = ((bytes[5] as number) << 8) | (bytes[6] as number);
    return { ...head, data: new Uint8Array(0), le: le === 0 ? 0x10000 : le, extended: true };
  }
  if (body < 3) throw new ApduParseError(`extended length marker 00 needs 2 more length bytes, got ${body - 1}`, bytes);
  const lc = ((bytes[5] as number) << 8) | (bytes[6] as number);
  if (lc === 0) throw new ApduParseError("extended Lc of 0 is not allowed", bytes);
  if (body === 3 + lc) return { ...head, data: bytes.slice(7, 7 + lc), le: undefined, extended: true };
  if (body === 5 + lc) {
    const le = ((bytes[7 + lc] as number) << 8) | (bytes[8 + lc] as number);
    return { ...head, data: bytes.slice(7, 7 + lc), le: le === 0 ? 0x10000 : le, extended: true };
  }
  throw new ApduParseError(`extended Lc is ${lc} but ${body - 3} bytes follow it (expected ${lc} or ${lc + 2})`, bytes);
}

export interface CommandInit {
  cla?: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  le?: number;
}

/** Encodes a command, choosing the extended form only when Lc > 255 or Le > 256. */
export function encodeCommandApdu(init: CommandInit): Uint8Array {
  const { cla = 0x00, ins, p1, p2, data = new Uint8Array(0), le } = init;
  for (const [name, v] of [["CLA", cla], ["INS", ins], ["P1", p1], ["P2", p2]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`${name} must be a byte, got ${v}`);
  }
  if (data.length > 0xffff) throw new RangeError(`command data too long: ${data.length} bytes`);
  if (le !== undefined && (!Number.isInteger(le) || le < 1 || le > 0x10000)) throw new RangeError(`Le must be 1..65536, got ${le}`);
  const extended = data.length > 0xff || (le !== undefined && le > 0x100);
  const out: number[] = [cla, ins, p1, p2];
  if (!extended) {
    if (data.length > 0) out.push(data.length, ...data);
    if (le !== undefined) out.push(le === 0x100 ? 0 : le);
    return Uint8Array.from(out);
  }
  out.push(0);
  if (data.length > 0) out.push(data.length >> 8, data.length & 0xff, ...data);
  if (le !== undefined) out.push((le >> 8) & 0xff, le & 0xff);
  return Uint8Array.from(out);
}

export function describeCommand(c: CommandApdu): string {
  return `CLA=${hex2(c.cla)} INS=${hex2(c.ins)} P1=${hex2(c.p1)} P2=${hex2(c.p2)} Lc=${c.data.length}${c.le === undefined ? "" : ` Le=${c.le}`}`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0").toUpperCase();
}
