/** AIDs and file identifiers of the My Number Card (docs/domain.md §2). Shared by the card OS and the host-side client. */
import { fromHex } from "./hex.js";

export const AID = {
  /** 公的個人認証 JPKI-AP */
  JPKI: fromHex("D392F000260100000001"),
  /** 券面事項入力補助AP */
  KENHOJO: fromHex("D3921000310001010408"),
  /** 券面事項確認AP (券面AP) */
  KENKAKU: fromHex("D3921000310001010402"),
} as const;

export type ApplicationName = keyof typeof AID;

export const JPKI_EF = {
  SIGNING_CERTIFICATE: 0x0001,
  SIGNING_CA: 0x0002,
  TOKEN_INFO: 0x0006,
  USER_AUTH_CERTIFICATE: 0x000a,
  USER_AUTH_CA: 0x000b,
  USER_AUTH_KEY: 0x0017,
  USER_AUTH_PIN: 0x0018,
  SIGNING_KEY: 0x001a,
  SIGNING_PASSWORD: 0x001b,
} as const;

export const KENHOJO_EF = {
  MY_NUMBER: 0x0001,
  BASIC_FOUR: 0x0002,
  PIN: 0x0011,
  MATCH_A: 0x0014,
  MATCH_B: 0x0015,
} as const;

export const KENKAKU_EF = {
  CARD_FACE: 0x0002,
  MATCH_B: 0x0012,
  MATCH_A: 0x0013,
} as const;

/** What the JPKI token-info EF holds on real cards: an ASCII label padded with spaces to 32 bytes. */
export const JPKI_TOKEN_LABEL = "JPKIAPICCTOKEN2";

/** Card-face TLV tags (券面AP EF 0002 inside FF40; 入力補助 EF 0002 inside FF20). [R]/[I]: see ARCHITECTURE.md. */
export const TAG = {
  KENHOJO_BASIC_FOUR: 0xff20,
  KENHOJO_MY_NUMBER: 0xff10,
  KENKAKU_CARD_FACE: 0xff40,
  HEADER: 0xdf21,
  MY_NUMBER_VALUE: 0xdf10,
  // 入力補助 basic four
  NAME: 0xdf22,
  ADDRESS: 0xdf23,
  BIRTH: 0xdf24,
  SEX: 0xdf25,
  // 券面AP card face
  FACE_BIRTH: 0xdf22,
  FACE_SEX: 0xdf23,
  FACE_PUBLIC_KEY: 0xdf24,
  FACE_NAME_IMAGE: 0xdf25,
  FACE_ADDRESS_IMAGE: 0xdf26,
  FACE_PHOTO: 0xdf27,
  FACE_SIGNATURE: 0xdf28,
  FACE_EXPIRY: 0xdf29,
  FACE_SECURITY_CODE_IMAGE: 0xdf2a,
} as const;
