import { describe, expect, it } from "vitest";
import { CARD_PIN_DIGITS, CARD_PIN_PATTERN, isCardPin } from "../src/index.js";

describe("the card PIN rule", () => {
  it("is 4 digits, nothing else", () => {
    expect(CARD_PIN_DIGITS).toBe(4);
    expect(isCardPin("0000")).toBe(true);
    for (const bad of ["123", "12345", "12a4", " 1234", "１２３４", ""]) expect(isCardPin(bad), bad).toBe(false);
    expect(CARD_PIN_PATTERN.source).toBe(`^\\d{${CARD_PIN_DIGITS}}$`);
  });
});
