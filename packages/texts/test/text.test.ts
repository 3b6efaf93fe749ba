import { describe, expect, it } from "vitest";
import { joinTexts, t } from "../src/index.js";

describe("joinTexts", () => {
  it("joins with 。 and '. ', not after a sentence that already ends, and says a part once", () => {
    expect(joinTexts([t("あ", "A"), t("い！", "B!"), t("う", "C"), t("あ", "A"), null])).toEqual({ ja: "あ。い！う", en: "A. B! C" });
    expect(joinTexts([])).toEqual({ ja: "", en: "" });
  });
});
