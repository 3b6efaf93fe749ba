/**
 * 公費負担者番号 and 公費負担医療の受給者番号 (REFERENCE §6; 診療報酬請求書等の記載要領, 厚生労働省保険局):
 * 公費負担者番号 = 法別番号 2 + 都道府県番号 2 + 実施機関番号 3 + 検証番号 1; 受給者番号 = 6 digits + 検証番号 1.
 * The 検証番号 is computed as for the 保険者番号: from the rightmost digit of the body, weights 2, 1, 2, …; the
 * digits of each product are summed; the check digit is 10 minus the last digit of the sum (0 when that is 10).
 */
import { insurerCheckDigit } from "./insurer-number.js";

export const publicExpenseCheckDigit = insurerCheckDigit;

/** 8 digits with a valid 検証番号. */
export function hasValidPublicExpenseNumber(number: string): boolean {
  return /^\d{8}$/.test(number) && publicExpenseCheckDigit(number.slice(0, 7)) === Number(number[7]);
}

/** 7 digits with a valid 検証番号. */
export function hasValidRecipientNumber(number: string): boolean {
  return /^\d{7}$/.test(number) && publicExpenseCheckDigit(number.slice(0, 6)) === Number(number[6]);
}

/** 法別番号 of a 公費負担者番号: "12" 生活保護 (医療扶助), "54" 難病, "88" e.g. a 区市町村's こども医療費 (local programs vary). */
export function publicExpenseLaw(number: string): string {
  return number.slice(0, 2);
}

export const MEDICAL_ASSISTANCE_LAW = "12";
