/**
 * "Each sentence once on a screen" (issue 12 §2): what a person reads on one screen, cut into sentences, and the ones
 * that appear more than once. A sentence ends at 。！？ (or . ! ? before a space, for the English screens) or at a
 * line break; whitespace is folded. Pieces with no letter at all (●, 1 / 6) are not sentences.
 *
 * Button labels: a row of toggles says 同意する / 同意しない once per item, which is not the screen repeating
 * itself, so a label may repeat among buttons; a sentence outside the buttons may appear once, and not also on a
 * button.
 */

export function sentencesOf(text: string): string[] {
  return text
    .split(/[。！？]|[.!?](?=\s|$)|\n/u)
    .map((s) => s.replace(/\s+/gu, " ").trim())
    .filter((s) => /\p{L}/u.test(s));
}

/** The sentences of `screenText` (everything shown, buttons included) that the screen repeats. */
export function repeatedSentences(screenText: string, buttonTexts: readonly string[]): string[] {
  const count = (texts: readonly string[]) => {
    const n = new Map<string, number>();
    for (const text of texts) for (const s of sentencesOf(text)) n.set(s, (n.get(s) ?? 0) + 1);
    return n;
  };
  const all = count([screenText]);
  const onButtons = count(buttonTexts);
  const repeated: string[] = [];
  for (const [sentence, times] of all) {
    const buttons = onButtons.get(sentence) ?? 0;
    const elsewhere = times - buttons;
    if (elsewhere > 1 || (elsewhere === 1 && buttons > 0)) repeated.push(sentence);
  }
  return repeated;
}
