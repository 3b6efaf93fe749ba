/**
 * The JPEG 2000 file structure, without the codec: reading (the JP2 signature, the boxes down to the codestream, the
 * SOC/SIZ/EOC checks the codec would skip — it decodes some damaged streams partially) and writing (ISO/IEC 15444-1
 * boxes: signature, ftyp, jp2h{ihdr, colr greyscale}, jp2c).
 */

/** Bounds on a decoded or encoded image: no codestream may ask for more. */
export const MAX_SIDE = 16_384;
export const MAX_PIXELS = 64 * 1024 * 1024;


export const JP2_SIGNATURE = Uint8Array.of(0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a);

export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export function isCodestream(bytes: Uint8Array): boolean {
  // SOC (FF 4F) followed by the mandatory SIZ marker (FF 51).
  return bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0x4f && bytes[2] === 0xff && bytes[3] === 0x51;
}

/** True for a JP2 file (signature box) or a raw J2K codestream (SOC + SIZ). */
export function isJp2(bytes: Uint8Array): boolean {
  return startsWith(bytes, JP2_SIGNATURE) || isCodestream(bytes);
}

function u16(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
}
function u32(b: Uint8Array, o: number): number {
  return (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
}
function fourcc(b: Uint8Array, o: number): string {
  return String.fromCharCode(b[o] ?? 0, b[o + 1] ?? 0, b[o + 2] ?? 0, b[o + 3] ?? 0);
}

/** Walks the top-level JP2 boxes and returns the contiguous codestream (jp2c box contents). */
export function codestreamOfJp2(bytes: Uint8Array): Uint8Array {
  let off = 0;
  let first = true;
  while (off < bytes.length) {
    if (bytes.length - off < 8) throw new Error(`decodeJp2: truncated JP2 box header at offset ${off}`);
    let len = u32(bytes, off);
    const type = fourcc(bytes, off + 4);
    let header = 8;
    if (len === 1) {
      if (bytes.length - off < 16) throw new Error(`decodeJp2: truncated JP2 box header at offset ${off}`);
      const hi = u32(bytes, off + 8);
      if (hi !== 0) throw new Error(`decodeJp2: JP2 box '${type}' is too large`);
      len = u32(bytes, off + 12);
      header = 16;
    } else if (len === 0) {
      len = bytes.length - off; // box runs to the end of the file
    }
    if (len < header) throw new Error(`decodeJp2: malformed JP2 box '${type}' (length ${len}) at offset ${off}`);
    if (off + len > bytes.length) {
      throw new Error(`decodeJp2: truncated JP2 file: box '${type}' needs ${len} bytes, ${bytes.length - off} left`);
    }
    if (first && type !== "jP  ") throw new Error("decodeJp2: not a JP2 file (no signature box)");
    first = false;
    if (type === "jp2c") return bytes.subarray(off + header, off + len);
    off += len;
  }
  throw new Error("decodeJp2: JP2 file has no codestream (jp2c) box");
}

export interface SizInfo {
  width: number;
  height: number;
  components: number;
  bits: number;
  signed: boolean;
}

/** Checks SOC/SIZ/EOC and the image size before the codec sees the stream. */
export function checkCodestream(cs: Uint8Array): SizInfo {
  if (!isCodestream(cs)) throw new Error("decodeJp2: not a JPEG 2000 codestream (no SOC/SIZ marker)");
  const lsiz = u16(cs, 4);
  if (cs.length < 4 + lsiz || lsiz < 41) throw new Error("decodeJp2: truncated JPEG 2000 codestream (incomplete SIZ marker)");
  const xsiz = u32(cs, 8);
  const ysiz = u32(cs, 12);
  const xo = u32(cs, 16);
  const yo = u32(cs, 20);
  const csiz = u16(cs, 40);
  if (lsiz !== 38 + 3 * csiz) throw new Error("decodeJp2: malformed SIZ marker");
  const width = xsiz - xo;
  const height = ysiz - yo;
  if (xo !== 0 || yo !== 0) throw new Error("decodeJp2: unsupported JPEG 2000 image offset");
  if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
    throw new Error(`decodeJp2: unsupported JPEG 2000 image size ${width}×${height}`);
  }
  if (csiz !== 1 && csiz !== 3) throw new Error(`decodeJp2: unsupported JPEG 2000 component count ${csiz} (1 or 3 supported)`);
  const ssiz = cs[42] ?? 0;
  const bits = (ssiz & 0x7f) + 1;
  const signed = (ssiz & 0x80) !== 0;
  for (let c = 0; c < csiz; c++) {
    const s = cs[42 + 3 * c] ?? 0;
    const dx = cs[43 + 3 * c] ?? 0;
    const dy = cs[44 + 3 * c] ?? 0;
    if (s !== ssiz || dx !== 1 || dy !== 1) throw new Error("decodeJp2: unsupported JPEG 2000 component layout (subsampled or mixed depth)");
  }
  if (bits > 16) throw new Error(`decodeJp2: unsupported JPEG 2000 bit depth ${bits}`);
  if (cs[cs.length - 2] !== 0xff || cs[cs.length - 1] !== 0xd9) {
    throw new Error("decodeJp2: truncated JPEG 2000 codestream (no EOC marker at the end)");
  }
  return { width, height, components: csiz, bits, signed };
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const len = 8 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(len);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, len);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let off = 8;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function be32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => dv.setUint32(i * 4, v));
  return out;
}

/** Signature + ftyp + jp2h{ihdr, colr (enumerated greyscale)}. */
export function jp2Header(width: number, height: number): Uint8Array {
  const brand = 0x6a703220; // 'jp2 '
  const ftyp = box("ftyp", be32(brand, 0, brand));
  // ihdr: HEIGHT, WIDTH, NC=1, BPC=7 (8-bit unsigned), C=7 (JPEG 2000), UnkC=0, IPR=0
  const ihdr = box("ihdr", be32(height, width), Uint8Array.of(0x00, 0x01, 0x07, 0x07, 0x00, 0x00));
  // colr: METH=1 (enumerated), PREC=0, APPROX=0, EnumCS=17 (greyscale)
  const colr = box("colr", Uint8Array.of(0x01, 0x00, 0x00), be32(17));
  const jp2h = box("jp2h", ihdr, colr);
  const out = new Uint8Array(JP2_SIGNATURE.length + ftyp.length + jp2h.length);
  out.set(JP2_SIGNATURE, 0);
  out.set(ftyp, JP2_SIGNATURE.length);
  out.set(jp2h, JP2_SIGNATURE.length + ftyp.length);
  return out;
}

export function wrapJp2(codestream: Uint8Array, width: number, height: number): Uint8Array {
  const header = jp2Header(width, height);
  const jp2c = box("jp2c", codestream);
  const out = new Uint8Array(header.length + jp2c.length);
  out.set(header, 0);
  out.set(jp2c, header.length);
  return out;
}
