/** What only the staff page that asked gets: the 券面 on the 目視 panel (plain data, browser-safe). */

/**
 * The 券面 (card face) as staff see it on the 目視 panel: read from the 券面AP with 照合番号B, as a
 * 顔認証付きカードリーダー does. Never part of a SessionView (every kiosk gets those): only the answer to the
 * staff's own `staff:card-face` command carries it. No 12-digit マイナンバー is on the 券面AP's face EF.
 */
export interface StaffCardFaceView {
  /** The chip's photo (JPEG 2000) as PNG, base64. */
  readonly photoPng: string;
  /** The name and address as the card prints them: PNG images, base64. */
  readonly nameImagePng: string;
  readonly addressImagePng: string;
  /** YYYYMMDD as on the chip. */
  readonly birthDate: string;
  /** 1 男, 2 女, 3 未設定 (as on the chip). */
  readonly sex: string;
  /** The card's own expiry, YYYYMMDD. */
  readonly expiresOn: string;
}
