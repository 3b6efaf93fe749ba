/**
 * How a scenario's source reads in the trainer console (and `onshi-sim scenario list`): who issued the document,
 * its title, its date, the section; the quote in the source's own words. The shape is the scenario file's
 * `SourceRef` (packages/scenarios), repeated here as a type so the browser bundle needs no zod.
 */
import { t, type LocalizedText } from "./text.js";

export interface DocumentSource {
  readonly issuer: string;
  readonly title: string;
  readonly date?: string | undefined;
  readonly url?: string | undefined;
  readonly section?: string | undefined;
  readonly quote?: string | undefined;
}

export const SOURCE_WORDS = {
  rule: t("ルール", "Rule"),
  source: t("出典", "Source"),
  sources: t("このシナリオの出典", "This scenario's sources"),
  ownDocs: t("onshi-sim の文書", "onshi-sim's documents"),
} as const;

/** 全国健康保険協会「資格情報のお知らせ」（2024-06）Q2 — or, in English, 全国健康保険協会, "資格情報のお知らせ" (2024-06), Q2. */
export function sourceText(s: DocumentSource): LocalizedText {
  const issuer = s.issuer === "onshi-sim" ? SOURCE_WORDS.ownDocs : t(s.issuer, s.issuer);
  const ja = `${issuer.ja}「${s.title}」${s.date ? `（${s.date}）` : ""}${s.section ? ` ${s.section}` : ""}`;
  const en = `${issuer.en}, "${s.title}"${s.date ? ` (${s.date})` : ""}${s.section ? `, ${s.section}` : ""}`;
  return t(ja, en);
}
