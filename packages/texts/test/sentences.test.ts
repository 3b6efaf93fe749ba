/** The repeated-sentence check the a11y tour runs on every kiosk screen. */
import { describe, expect, it } from "vitest";
import { repeatedSentences, sentencesOf } from "../src/sentences.js";

describe("repeated sentences", () => {
  it("cuts at 。！？, at . ! ? before a space, and at line breaks; folds whitespace; skips pieces with no letter", () => {
    expect(sentencesOf("資格無効\n受付窓口にお声がけください。カードを忘れずに！ カードを  お取りください\n● ●\n1 / 6")).toEqual([
      "資格無効",
      "受付窓口にお声がけください",
      "カードを忘れずに",
      "カードを お取りください",
    ]);
    expect(sentencesOf("Wrong PIN. Try again (mind the tries left)")).toEqual(["Wrong PIN", "Try again (mind the tries left)"]);
  });

  it("finds a sentence said twice on a screen, and one said both in the text and on a button — not labels repeated among buttons", () => {
    expect(repeatedSentences("資格無効\n受付窓口にお声がけください\n受付窓口にお声がけください", [])).toEqual(["受付窓口にお声がけください"]);
    expect(repeatedSentences("同意する\n同意しない\n同意する\n同意しない", ["同意する", "同意しない", "同意する", "同意しない"])).toEqual([]);
    expect(repeatedSentences("受付を中止しました\n受付を中止する\n受付を中止する", ["受付を中止する"])).toEqual(["受付を中止する"]);
  });
});
