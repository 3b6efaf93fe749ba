/**
 * The 連携アプリ's XML: request parsing (UTF-8 or Shift_JIS, chosen by the XML declaration) and result
 * serialisation in the encoding the request's CharacterCodeIdentifier asks for (0 UTF-8, 1 Shift_JIS).
 * Shift_JIS is handled as Windows-31J (cp932), which is what Japanese Windows software writes under that label.
 *
 * A request is read in this order: no DOCTYPE (so no entity is ever declared or expanded); well-formed
 * (XMLValidator); into objects with references decoded and nesting bounded (xml-tree.ts); no マイナンバー-like
 * value or element name anywhere; then the strict schema. Error messages can quote the request (element and
 * attribute names, the encoding label), so every 12-digit run in them is masked.
 */
import iconv from "iconv-lite";
import { XMLValidator } from "fast-xml-parser";
import { z } from "zod";
import { MAX_NESTING_DEPTH } from "../config.js";
import { findMyNumberLikeField, maskMyNumbers } from "../domain/my-number-guard.js";
import type { XmlMsg } from "../results/result-schema.js";
import { isCompactDate } from "../time/jst.js";
import { readXmlTree, XmlTreeError } from "./xml-tree.js";

export type CharacterCode = "0" | "1";

export class OqsRequestError extends Error {
  constructor(
    readonly code: "S903" | "S904" | "S905",
    message: string,
  ) {
    super(maskMyNumbers(message));
    this.name = "OqsRequestError";
  }
}

const SJIS_LABELS = new Set(["shift_jis", "shift-jis", "sjis", "x-sjis", "windows-31j", "cp932", "ms932", "ms_kanji", "csshiftjis"]);

/** Best guess of the CharacterCodeIdentifier in bytes that may not even parse, for answering in kind. */
export function sniffCharacterCode(bytes: Uint8Array): CharacterCode {
  const ascii = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  return /<CharacterCodeIdentifier>\s*1\s*<\/CharacterCodeIdentifier>/.test(ascii) ? "1" : "0";
}

export function sniffMedicalInstitutionCode(bytes: Uint8Array): string {
  const ascii = Buffer.from(bytes.subarray(0, 4096)).toString("latin1");
  return /<MedicalInstitutionCode>\s*(\d{10})\s*<\/MedicalInstitutionCode>/.exec(ascii)?.[1] ?? "";
}

export function decodeXmlBytes(bytes: Uint8Array): string {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  const head = buf.subarray(0, 200).toString("latin1");
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(head)?.[1]?.toLowerCase();
  if (declared && SJIS_LABELS.has(declared)) {
    const text = iconv.decode(buf, "cp932");
    if (text.includes("\uFFFD")) throw new OqsRequestError("S905", "bytes are not valid Shift_JIS as declared");
    return text;
  }
  if (declared && declared !== "utf-8" && declared !== "utf8") throw new OqsRequestError("S905", `unsupported encoding "${declared}" (UTF-8 or Shift_JIS)`);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new OqsRequestError("S905", "bytes are not valid UTF-8 (declare encoding=\"Shift_JIS\" for Shift_JIS)");
  }
}

const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.optional());
const d8 = z.string().regex(/^\d{8}$/, "YYYYMMDD").refine(isCompactDate, "not a calendar date");

export const OqsRequestSchema = z.strictObject({
  XmlMsg: z.strictObject({
    MessageHeader: z.strictObject({
      // Left out (or empty), the server's simulation clock gives the date.
      QualificationConfirmationDate: opt(d8),
      MedicalInstitutionCode: z.string().regex(/^\d{10}$/, "10 digits"),
      ArbitraryFileIdentifier: opt(z.string().max(64)),
      ReferenceClassification: opt(z.literal("2", { error: "only 2 (被保険者証情報) is served by file; the card path is the kiosk's" })),
      CharacterCodeIdentifier: opt(z.enum(["0", "1"], { error: "0 (UTF-8) or 1 (Shift_JIS)" })),
    }),
    MessageBody: z.strictObject({
      QualificationConfirmSearchInfo: z.strictObject({
        InsurerNumber: z.string().regex(/^(\d{6}|\d{8})$/, "8 digits, or 6 for 国保 (may be space-padded)"),
        InsuredCardSymbol: opt(z.string().max(38)),
        InsuredIdentificationNumber: z.string().min(1).max(38),
        InsuredBranchNumber: opt(z.string().regex(/^\d{2}$/, "2 digits")),
        Birthdate: d8,
        LimitApplicationCertificateRelatedConsFlg: opt(z.enum(["0", "1"])),
      }),
      ReferenceNumber: opt(z.string().max(40)),
    }),
  }),
});
export type OqsRequest = z.infer<typeof OqsRequestSchema>;

export function formatIssuePath(path: readonly PropertyKey[]): string {
  return maskMyNumbers(path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join("/"));
}

export function parseOqsRequest(text: string): OqsRequest {
  return parseXmlWith(OqsRequestSchema, text);
}

/** Any request document of the interface: the checks above, then `schema` (S904 with the first paths on failure). */
export function parseXmlWith<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  if (/<!DOCTYPE/i.test(text)) throw new OqsRequestError("S903", "DOCTYPE is not allowed (entities are never declared or expanded)");
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new OqsRequestError("S903", `not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  let doc: Record<string, unknown>;
  try {
    doc = readXmlTree(text, MAX_NESTING_DEPTH);
  } catch (e) {
    if (e instanceof XmlTreeError) throw new OqsRequestError("S903", `not well-formed XML: ${e.message}`);
    throw e;
  }
  if (!("XmlMsg" in doc)) throw new OqsRequestError("S903", "root element must be XmlMsg");
  // Before the schema, as on the JSON API: a 12-digit value is refused wherever it stands, known element or not.
  const myNumberPath = findMyNumberLikeField(doc);
  if (myNumberPath) throw new OqsRequestError("S904", `${formatIssuePath(myNumberPath)}: a 12-digit number (マイナンバー) is never accepted`);
  const parsed = schema.safeParse(doc);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
    throw new OqsRequestError("S904", issues.join("; "));
  }
  return parsed.data;
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

function writeElement(name: string, value: unknown, indent: string, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) writeElement(name, v, indent, out);
    return;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      out.push(`${indent}<${name}/>`);
      return;
    }
    out.push(`${indent}<${name}>`);
    for (const [k, v] of entries) writeElement(k, v, indent + "  ", out);
    out.push(`${indent}</${name}>`);
    return;
  }
  out.push(`${indent}<${name}>${escapeXml(String(value))}</${name}>`);
}

/** The result document as bytes in the requested encoding, with a matching XML declaration. */
export function encodeXmlMsg(msg: XmlMsg, characterCode: CharacterCode): Buffer {
  return encodeXmlDocument(msg, characterCode);
}

/** Any answer document (`XmlMsg` root; absent values left out, arrays as repeated elements) as bytes. */
export function encodeXmlDocument(msg: object, characterCode: CharacterCode): Buffer {
  const label = characterCode === "1" ? "Shift_JIS" : "UTF-8";
  const out = [`<?xml version="1.0" encoding="${label}" standalone="no"?>`];
  writeElement("XmlMsg", msg, "", out);
  const text = out.join("\n") + "\n";
  return characterCode === "1" ? iconv.encode(text, "cp932") : Buffer.from(text, "utf8");
}

export function contentTypeFor(characterCode: CharacterCode): string {
  return `application/xml; charset=${characterCode === "1" ? "Shift_JIS" : "UTF-8"}`;
}
