/** A word or sentence in both languages, and how several become one line. */

export interface LocalizedText {
  readonly ja: string;
  readonly en: string;
}
export type Lang = "ja" | "en";
export const LANGS: readonly Lang[] = ["ja", "en"];

export const t = (ja: string, en: string): LocalizedText => ({ ja, en });

const ENDS_JA = /[。！？]$/u;
const ENDS_EN = /[.!?]$/u;

/**
 * Sentences as one text, each once: Japanese joined with 。, English with ". " (none added after a sentence
 * that already ends). A part equal to an earlier one is left out, so a line built from a title, what happened and
 * the way forward never says the same thing twice.
 */
export function joinTexts(parts: readonly (LocalizedText | null | undefined)[]): LocalizedText {
  const seen = new Set<string>();
  const kept: LocalizedText[] = [];
  for (const p of parts) {
    if (!p || seen.has(p.ja)) continue;
    seen.add(p.ja);
    kept.push(p);
  }
  const join = (texts: string[], ends: RegExp, separator: string) =>
    texts.reduce((line, s, i) => (i === 0 ? s : `${line}${ends.test(line) ? (separator === "。" ? "" : " ") : separator}${s}`), "");
  return { ja: join(kept.map((p) => p.ja), ENDS_JA, "。"), en: join(kept.map((p) => p.en), ENDS_EN, ". ") };
}
