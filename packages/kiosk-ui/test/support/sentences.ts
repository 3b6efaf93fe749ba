/** The kiosk's side of "each sentence once on a screen": the rule itself is @onshi-sim/texts' (sentences.ts). */
import type { Page } from "playwright-core";
import { repeatedSentences } from "@onshi-sim/texts";

export { repeatedSentences, sentencesOf } from "@onshi-sim/texts";

/** The repeated sentences of the kiosk screen on `page` (header and main, as rendered: hidden text is not read). */
export async function repeatedOnScreen(page: Page): Promise<string[]> {
  const root = page.locator(".kiosk");
  const [screenText, buttonTexts] = await Promise.all([root.innerText(), root.locator("button").allInnerTexts()]);
  return repeatedSentences(screenText, buttonTexts);
}
