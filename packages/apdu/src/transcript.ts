/**
 * Readable `=> / <=` transcripts of APDU exchanges, for record and replay (after Ledger's hw-transport).
 *
 *   # SELECT JPKI-AP
 *   => 00A4040C0AD392F000260100000001
 *   <= 9000
 *
 * Lines starting with `#` are comments. A transcript of the PIN path never contains the PIN: the recorder
 * masks the data of VERIFY commands (INS 20) so a transcript can be shared or committed.
 */
import { fromHex, toHex } from "./hex.js";

export interface TranscriptEntry {
  readonly command: Uint8Array;
  readonly response: Uint8Array;
  readonly comment?: string;
}

const VERIFY_INS = 0x20;

/** Replaces the data of a VERIFY command with `*` digits so a PIN never reaches a transcript. */
export function maskSecrets(command: Uint8Array): string {
  const hex = toHex(command);
  if (command.length > 5 && command[1] === VERIFY_INS) return hex.slice(0, 10) + "*".repeat(hex.length - 10);
  return hex;
}

export function formatTranscript(entries: readonly TranscriptEntry[]): string {
  const lines: string[] = [];
  for (const e of entries) {
    if (e.comment) lines.push(`# ${e.comment}`);
    lines.push(`=> ${maskSecrets(e.command)}`, `<= ${toHex(e.response)}`);
  }
  return lines.join("\n") + "\n";
}

export class TranscriptParseError extends Error {
  override name = "TranscriptParseError";
}

export function parseTranscript(text: string): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  let pending: { command: Uint8Array; comment?: string; line: number } | undefined;
  let comment: string | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const lineNo = index + 1;
    if (line === "") return;
    if (line.startsWith("#")) {
      comment = line.slice(1).trim();
      return;
    }
    const m = /^(=>|<=)\s*(.*)$/.exec(line);
    if (!m) throw new TranscriptParseError(`line ${lineNo}: expected "=> <hex>" or "<= <hex>", got ${JSON.stringify(line)}`);
    const hex = m[2] ?? "";
    if (m[1] === "=>") {
      if (pending) throw new TranscriptParseError(`line ${lineNo}: command without a response on line ${pending.line}`);
      if (hex.includes("*")) throw new TranscriptParseError(`line ${lineNo}: masked command cannot be replayed as bytes`);
      pending = { command: parseHexAt(hex, lineNo), line: lineNo, ...(comment ? { comment } : {}) };
      comment = undefined;
    } else {
      if (!pending) throw new TranscriptParseError(`line ${lineNo}: response without a command`);
      entries.push({ command: pending.command, response: parseHexAt(hex, lineNo), ...(pending.comment ? { comment: pending.comment } : {}) });
      pending = undefined;
    }
  });
  if (pending) throw new TranscriptParseError(`line ${pending.line}: command without a response at end of transcript`);
  return entries;
}

function parseHexAt(hex: string, lineNo: number): Uint8Array {
  try {
    return fromHex(hex);
  } catch (e) {
    throw new TranscriptParseError(`line ${lineNo}: ${(e as Error).message}`);
  }
}
