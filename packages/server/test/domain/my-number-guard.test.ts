import { describe, expect, it } from "vitest";
import { findMyNumberLikeField, looksLikeMyNumber, maskMyNumbers } from "../../src/domain/my-number-guard.js";

describe("マイナンバー guard: what counts as a 12-digit value", () => {
  it("mixed-width digits count: NFKC first", () => {
    expect(looksLikeMyNumber("12345６789012")).toBe(true);
    expect(looksLikeMyNumber("１２３４5678９０１２")).toBe(true);
    expect(looksLikeMyNumber("𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟎𝟏𝟐")).toBe(true); // mathematical digits
  });

  it("zero-width and other invisible characters are ignored", () => {
    for (const invisible of ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e", "\ufe0f", "\u3164", "\u0000", "\u001f"]) {
      expect(looksLikeMyNumber(`1234${invisible}5678${invisible}9012`), `U+${invisible.codePointAt(0)!.toString(16)}`).toBe(true);
      expect(looksLikeMyNumber(`${invisible.repeat(3)}123456789012${invisible}`)).toBe(true);
    }
  });

  it("spaces and hyphens of any kind between digits, in any grouping", () => {
    for (const v of ["1234 5678 9012", "1234-5678-9012", "1234　5678　9012", "1234－5678－9012", "1234ー5678ー9012", "1234−5678−9012", "12 3456 789 012", "1-2-3-4-5-6-7-8-9-0-1-2", " 123456789012 ", "1234\t5678\n9012", "1234–5678—9012"]) {
      expect(looksLikeMyNumber(v), v).toBe(true);
    }
  });

  it("anything else is not a マイナンバー: fewer or more digits, letters, other punctuation", () => {
    for (const v of ["1311234567", "12345678901", "1234567890123", "1234 5678 9012 3", "A123456789012", "1234.5678.9012", "1234/5678/9012", "+81 90 1234 5678", "", "ー", "20261122"]) {
      expect(looksLikeMyNumber(v), v).toBe(false);
    }
  });
});

describe("マイナンバー guard: walking a request", () => {
  it("finds a value by its path, keys included, and numbers of 12 digits", () => {
    expect(findMyNumberLikeField({ a: { b: ["x", "1234\u200b56789012"] } })).toEqual(["a", "b", 1]);
    expect(findMyNumberLikeField({ a: { "123456789012": "x" } })).toEqual(["a", "123456789012"]);
    expect(findMyNumberLikeField({ n: -123456789012 })).toEqual(["n"]);
    expect(findMyNumberLikeField({ ok: "01130012", list: [1, 2, { x: null }] })).toBeNull();
  });

  it("is not recursive: 20,000 levels of nesting are walked without a stack overflow", () => {
    let deep: unknown = "123456789012";
    for (let i = 0; i < 20_000; i++) deep = i % 2 ? { a: deep } : [deep];
    const path = findMyNumberLikeField(deep);
    expect(path).toHaveLength(20_000);
    let clean: unknown = "x";
    for (let i = 0; i < 20_000; i++) clean = { a: clean };
    expect(findMyNumberLikeField(clean)).toBeNull();
  });
});

describe("masking 12-digit runs in what the server writes back", () => {
  it("masks a run of exactly 12 digits wherever it stands, grouped or not, any width", () => {
    expect(maskMyNumbers("Unrecognized key: \"X123456789012\"")).toBe('Unrecognized key: "X************"');
    expect(maskMyNumbers("a 1234-5678-9012 b")).toBe("a ************ b");
    expect(maskMyNumbers("１２３４５６７８９０１２")).toBe("************");
    expect(maskMyNumbers("x1234\u200b5678\u200b9012y")).toBe("x************y");
    expect(maskMyNumbers("no 2026 123456789012 here")).toBe("no 2026 ************ here");
  });

  it("leaves other numbers alone: dates, 14-digit timestamps, codes", () => {
    for (const s of ["OQSsiquc01res_face_20261122120000_abc", "line 3, column 12", "1311234567", "12345678901"]) expect(maskMyNumbers(s)).toBe(s);
  });
});
