/**
 * The request files the 連携アプリ stand-in answers, by name: `<kind>req_<id>.xml` in `req` → `<kind>res_<id>.<ext>`
 * in `res` (ext xml, or pdf for 薬剤・特定健診情報 asked for as PDF). Names after REFERENCE §3 and §7.
 */
export const REQUEST_KINDS = [
  "OQSsiquc01", // 資格確認 (single lookup)
  "OQSmuquc01", // 一括照会: the batch in, a ReceptionNumber out
  "OQSmuquc02", // 一括照会: the results for a ReceptionNumber (SegmentOfResult 2 while 処理中)
  "OQSsiimm01", // 照会番号 registration (single)
  "OQSmuimm01", // 照会番号 registration (bulk), like OQSmuquc01
  "OQSmuimm02", // 照会番号 registration (bulk), like OQSmuquc02
  "YZKsiquc01", // 薬剤情報
  "TKKsiquc01", // 特定健診情報
] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

const BY_LOWER = new Map<string, RequestKind>(REQUEST_KINDS.map((k) => [k.toLowerCase(), k]));

export const REQUEST_FILE = new RegExp(`^(${REQUEST_KINDS.join("|")})req_(.+)\\.xml$`, "i");

/** The kind (canonical spelling) and the id part of a request file name, or null for any other file. */
export function parseRequestName(name: string): { kind: RequestKind; suffix: string } | null {
  const m = REQUEST_FILE.exec(name);
  if (!m) return null;
  return { kind: BY_LOWER.get(m[1]!.toLowerCase())!, suffix: m[2]! };
}

/** A kind given in a URL (/api/xml/:kind), any case. */
export function requestKind(s: string): RequestKind | null {
  return BY_LOWER.get(s.toLowerCase()) ?? null;
}

export function answerName(kind: RequestKind, suffix: string, extension: "xml" | "pdf"): string {
  return `${kind}res_${suffix}.${extension}`;
}
