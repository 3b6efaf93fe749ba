import { describe, expect, it } from "vitest";
import { hasValidPublicExpenseNumber, hasValidRecipientNumber, publicExpenseCheckDigit, publicExpenseLaw } from "../../src/domain/public-expense-number.js";

describe("公費負担者番号 and 受給者番号 検証番号", () => {
  it("computes the check digit with weights 2, 1, 2, … from the right, digit sums, 10 − last digit", () => {
    // 1213001: 1·2 0·1 0·2 3·1 1·2 2·1 1·2 (from the right) → 2+0+0+3+2+2+2 = 11 → 10 − 1 = 9
    expect(publicExpenseCheckDigit("1213001")).toBe(9);
    // 5413001 → 2+0+0+3+2+4+(5·2=10 → 1+0) = 12 → 8
    expect(publicExpenseCheckDigit("5413001")).toBe(8);
    // A sum ending in 0 gives 0, not 10.
    expect(publicExpenseCheckDigit("0000000")).toBe(0);
  });

  it("accepts the fixtures' numbers and refuses a changed digit or length", () => {
    for (const n of ["12130019", "54130018", "88135017"]) expect(hasValidPublicExpenseNumber(n)).toBe(true);
    expect(hasValidPublicExpenseNumber("12130018")).toBe(false);
    expect(hasValidPublicExpenseNumber("1213001")).toBe(false);
    expect(hasValidPublicExpenseNumber("1213001a")).toBe(false);
    for (const n of ["1234566", "2004125", "3100773"]) expect(hasValidRecipientNumber(n)).toBe(true);
    expect(hasValidRecipientNumber("1234567")).toBe(false);
    expect(hasValidRecipientNumber("12345667")).toBe(false);
    expect(publicExpenseLaw("12130019")).toBe("12");
  });
});
