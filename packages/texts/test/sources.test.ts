import { describe, expect, it } from "vitest";
import { sourceText } from "../src/index.js";

describe("a scenario's source, in words", () => {
  it("names issuer, title, date and section, in both languages", () => {
    const s = sourceText({ issuer: "全国健康保険協会", title: "資格情報のお知らせ", date: "2024-06", section: "取扱い" });
    expect(s.ja).toBe("全国健康保険協会「資格情報のお知らせ」（2024-06） 取扱い");
    expect(s.en).toBe('全国健康保険協会, "資格情報のお知らせ" (2024-06), 取扱い');
  });

  it("says the project's own documents are onshi-sim's, and leaves out what is not given", () => {
    expect(sourceText({ issuer: "onshi-sim", title: "docs/domain.md" })).toEqual({ ja: "onshi-sim の文書「docs/domain.md」", en: 'onshi-sim\'s documents, "docs/domain.md"' });
    expect(sourceText({ issuer: "うちの医院", title: "受付マニュアル" }).ja).toBe("うちの医院「受付マニュアル」");
  });
});
