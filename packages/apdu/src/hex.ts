/** Hex helpers shared by transcripts, fixtures and the CLI. Spaces and case are ignored on input. */

export class HexError extends Error {
  override name = "HexError";
}

export function toHex(bytes: Uint8Array, separator = ""): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && separator) out += separator;
    out += (bytes[i] as number).toString(16).padStart(2, "0").toUpperCase();
  }
  return out;
}

export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, "");
  if (clean.length % 2 !== 0) throw new HexError(`hex string has an odd number of digits (${clean.length})`);
  if (!/^[0-9a-fA-F]*$/.test(clean)) {
    const bad = clean.match(/[^0-9a-fA-F]/)?.[0] ?? "?";
    throw new HexError(`hex string contains a non-hex character ${JSON.stringify(bad)}`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
