/**
 * 保険者番号 (docs/domain.md §4): 8 digits (法別 2 + 都道府県 2 + 保険者別 3 + check 1), or 6 digits for 国保,
 * which the interface left-pads with spaces to 8 characters.
 */
export function insurerCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = Number(body[body.length - 1 - i]);
    const product = digit * (i % 2 === 0 ? 2 : 1);
    sum += Math.floor(product / 10) + (product % 10);
  }
  return (10 - (sum % 10)) % 10;
}

export function hasValidInsurerCheckDigit(number: string): boolean {
  if (!/^(\d{6}|\d{8})$/.test(number)) return false;
  return insurerCheckDigit(number.slice(0, -1)) === Number(number.slice(-1));
}

/** The digits alone: "  138057" → "138057". */
export function normalizeInsurerNumber(s: string): string {
  return s.trim();
}

/** As the interface writes it: 8 characters, 6-digit 国保 numbers left-padded with spaces. */
export function interfaceInsurerNumber(digits: string): string {
  return digits.padStart(8, " ");
}

/** 法別番号 of an 8-digit number ("39" = 後期高齢者医療); null for 6-digit 国保 numbers. */
export function lawCode(digits: string): string | null {
  return digits.length === 8 ? digits.slice(0, 2) : null;
}
