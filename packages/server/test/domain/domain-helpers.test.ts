import { describe, expect, it } from "vitest";
import { hasValidInsurerCheckDigit, interfaceInsurerNumber } from "../../src/domain/insurer-number.js";
import { toHalfWidthKana } from "../../src/domain/kana.js";
import { findMyNumberLikeField, looksLikeMyNumber } from "../../src/domain/my-number-guard.js";
import { lastValidDay } from "../../src/services/certificate-verifier.js";

describe("保険者番号", () => {
  it("accepts the test vectors of docs/domain.md §4 and pads 国保 numbers", () => {
    for (const v of ["01130012", "06139992", "31130016", "39130018", "138057"]) expect(hasValidInsurerCheckDigit(v)).toBe(true);
    expect(hasValidInsurerCheckDigit("01130013")).toBe(false);
    expect(interfaceInsurerNumber("138057")).toBe("  138057");
  });
});

describe("half-width kana", () => {
  it("converts katakana, hiragana, voiced marks and spaces", () => {
    expect(toHalfWidthKana("ヤマダ　タロウ")).toBe("ﾔﾏﾀﾞ ﾀﾛｳ");
    expect(toHalfWidthKana("がっこう")).toBe("ｶﾞｯｺｳ");
    expect(toHalfWidthKana("パーティー")).toBe("ﾊﾟｰﾃｨｰ");
    expect(toHalfWidthKana("山田")).toBeNull();
  });
});

describe("マイナンバー guard", () => {
  it("flags any 12-digit value and reports only its path", () => {
    expect(looksLikeMyNumber("123456789012")).toBe(true);
    expect(looksLikeMyNumber("1234 5678 9012")).toBe(true);
    expect(looksLikeMyNumber("1234-5678-9012")).toBe(true);
    expect(looksLikeMyNumber("１２３４５６７８９０１２")).toBe(true);
    expect(looksLikeMyNumber("1311234567")).toBe(false);
    expect(findMyNumberLikeField({ a: { b: ["x", "123456789018"] } })).toEqual(["a", "b", 1]);
    expect(findMyNumberLikeField({ n: 123456789018 })).toEqual(["n"]);
    expect(findMyNumberLikeField({ ok: "01130012" })).toBeNull();
  });
});

describe("certificate last valid day", () => {
  it("reads every end-of-day encoding as the same day", () => {
    for (const iso of ["2026-09-30T14:59:59Z", "2026-09-30T23:59:59Z", "2026-09-30T00:00:00Z", "2026-09-30T15:00:00Z"]) expect(lastValidDay(new Date(iso))).toBe("20260930");
  });
});
