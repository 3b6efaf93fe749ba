/**
 * The card's PIN rule, once: the JPKI user-authentication PIN (利用者証明用暗証番号) and the 券面事項入力補助用
 * 暗証番号 are 4 digits (J-LIS, マイナンバーカードの暗証番号). The agent's payload schema, the session, the
 * host-side client and the kiosk's keypad all take it from here.
 */
export const CARD_PIN_DIGITS = 4;
export const CARD_PIN_PATTERN = /^\d{4}$/;

export function isCardPin(value: string): boolean {
  return CARD_PIN_PATTERN.test(value);
}
