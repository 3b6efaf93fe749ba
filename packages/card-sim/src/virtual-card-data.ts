/**
 * Everything the card OS needs to act as one person's card, independent of where it came from
 * (a fixture file, a generated card, a test). `fromLoadedCard` adapts a fixture.
 */
import { createPublicKey, sign as rsaSign, type KeyObject } from "node:crypto";
import type { LoadedCard, LoadedPhone } from "@onshi-sim/jpki-testkit";
import { concatBytes, fromHex } from "@onshi-sim/apdu";
import { SW, type StatusWord } from "@onshi-sim/apdu";
import { JPKI_TOKEN_LABEL, TAG } from "@onshi-sim/apdu";
import type { RetryCounters } from "./card-state.js";
import { encodeTlv } from "@onshi-sim/apdu";
import { matchNumberB } from "@onshi-sim/apdu";

/** What kind of JPKI token it is: the card itself, or the card's function on a phone (REFERENCE §6). */
export type TokenKind = "card" | "android" | "iphone";

/** EF 0006 (token info, 32 bytes, space-padded) per token kind [R: jpki/myna src/jpki.rs]. */
export const TOKEN_LABELS: Readonly<Record<TokenKind, string>> = { card: JPKI_TOKEN_LABEL, android: "JPKIAPGPSETOKEN", iphone: "JPKIAPIOSTOKEN" };

export interface VirtualCardData {
  readonly kind?: "card";
  readonly id: string;
  readonly atr: Uint8Array;
  /** SW answered by VERIFY once a PIN is blocked (real cards: 69 84; some drivers expect 69 83). */
  readonly blockedSw: StatusWord;
  /** ASCII reference values; `userAuth: null` is a 顔認証マイナンバーカード (no PIN set). */
  readonly pins: { readonly userAuth: string | null; readonly assist: string; readonly signing: string };
  readonly matchNumberA: string; // the 12-digit number: never logged
  readonly matchNumberB: string;
  readonly initialRetries: Partial<RetryCounters>;
  readonly files: {
    readonly signingCertificate: Uint8Array;
    readonly caCertificate: Uint8Array;
    readonly userAuthCertificate: Uint8Array;
    readonly tokenInfo: Uint8Array;
    readonly kenhojoMyNumber: Uint8Array;
    readonly kenhojoBasicFour: Uint8Array;
    readonly kenkakuCardFace: Uint8Array;
  };
  readonly userAuthKey: KeyObject;
  readonly signingKey: KeyObject;
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const compactDate = (iso: string) => iso.replaceAll("-", "");

/** 入力補助 basic four: FF20 { DF21 header, DF22 name, DF23 address, DF24 birth YYYYMMDD, DF25 sex }. */
export function buildBasicFour(holder: { name: string; address: string; birthDate: string; sex: number }): Uint8Array {
  const fields = [
    encodeTlv(TAG.NAME, utf8(holder.name)),
    encodeTlv(TAG.ADDRESS, utf8(holder.address)),
    encodeTlv(TAG.BIRTH, utf8(compactDate(holder.birthDate))),
    encodeTlv(TAG.SEX, utf8(String(holder.sex))),
  ];
  return encodeTlv(TAG.KENHOJO_BASIC_FOUR, withHeader(fields));
}

/**
 * The DF21 header lists, as 2-byte big-endian offsets, where each following TLV starts inside the
 * constructed value — readers use it to jump to a field without parsing the ones before.
 */
function withHeader(fields: Uint8Array[]): Uint8Array {
  const headerLength = 2 + 2 * fields.length + (2 * fields.length >= 0x80 ? 1 : 0);
  const offsets: number[] = [];
  let at = headerLength;
  for (const f of fields) {
    offsets.push(at >> 8, at & 0xff);
    at += f.length;
  }
  return concatBytes(encodeTlv(TAG.HEADER, Uint8Array.from(offsets)), ...fields);
}

export function buildCardFace(input: {
  birthDate: string;
  sex: number;
  cardExpiresOn: string;
  nameImage: Uint8Array;
  addressImage: Uint8Array;
  photo: Uint8Array;
  securityCodeImage: Uint8Array;
  faceKey: KeyObject;
}): Uint8Array {
  const jwk = createPublicKey(input.faceKey).export({ format: "jwk" });
  const b64 = (s: string | undefined) => new Uint8Array(Buffer.from(s ?? "", "base64url"));
  const publicKey = concatBytes(encodeTlv(0x02, b64(jwk.e)), encodeTlv(0x02, b64(jwk.n)));
  const signed = [
    encodeTlv(TAG.FACE_BIRTH, utf8(compactDate(input.birthDate))),
    encodeTlv(TAG.FACE_SEX, utf8(String(input.sex))),
    encodeTlv(TAG.FACE_PUBLIC_KEY, publicKey),
    encodeTlv(TAG.FACE_NAME_IMAGE, input.nameImage),
    encodeTlv(TAG.FACE_ADDRESS_IMAGE, input.addressImage),
    encodeTlv(TAG.FACE_PHOTO, input.photo),
  ];
  // The real card carries the issuer's signature over the face data; ours is verifiable with DF24.
  const signature = new Uint8Array(rsaSign("sha256", concatBytes(...signed), input.faceKey));
  const fields = [
    ...signed,
    encodeTlv(TAG.FACE_SIGNATURE, signature),
    encodeTlv(TAG.FACE_EXPIRY, utf8(compactDate(input.cardExpiresOn))),
    encodeTlv(TAG.FACE_SECURITY_CODE_IMAGE, input.securityCodeImage),
  ];
  return encodeTlv(TAG.KENKAKU_CARD_FACE, withHeader(fields));
}

function tokenInfo(kind: TokenKind = "card"): Uint8Array {
  return utf8(TOKEN_LABELS[kind].padEnd(32, " "));
}

/**
 * A phone's JPKI token: the JPKI AP only (its AID unchanged), with the phone's own user-auth certificate and
 * key. Android: PIN EF 0018 (3 tries) and the certificate 000A readable only after it; iPhone: no PIN EF, the key
 * usable only while the owner is authenticated on the phone.
 */
export interface VirtualPhoneData {
  readonly kind: "phone";
  readonly os: "android" | "iphone";
  readonly id: string;
  readonly atr: Uint8Array;
  readonly blockedSw: StatusWord;
  /** Android only. */
  readonly pin: string | null;
  readonly initialRetries: Partial<RetryCounters>;
  readonly files: { readonly caCertificate: Uint8Array; readonly userAuthCertificate: Uint8Array; readonly tokenInfo: Uint8Array };
  readonly userAuthKey: KeyObject;
}

export function fromLoadedPhone(phone: LoadedPhone): VirtualPhoneData {
  const f = phone.fixture;
  return {
    kind: "phone",
    os: f.os,
    id: f.id,
    atr: fromHex(f.atr),
    blockedSw: f.profile.blockedSw === "6983" ? SW.AUTH_METHOD_BLOCKED : SW.REFERENCE_DATA_NOT_USABLE,
    pin: f.pin,
    initialRetries: { userAuth: f.retries.userAuth },
    files: { caCertificate: phone.caCertificateDer, userAuthCertificate: phone.userAuthCertificateDer, tokenInfo: tokenInfo(f.os) },
    userAuthKey: phone.userAuthKey,
  };
}

export function fromLoadedCard(card: LoadedCard): VirtualCardData {
  const f = card.fixture;
  const blockedSw = f.profile.blockedSw === "6983" ? SW.AUTH_METHOD_BLOCKED : SW.REFERENCE_DATA_NOT_USABLE;
  return {
    id: f.id,
    atr: fromHex(f.atr),
    blockedSw,
    pins: { userAuth: f.pins.userAuth, assist: f.pins.assist, signing: f.pins.signing },
    matchNumberA: f.myNumber,
    matchNumberB: matchNumberB(f.holder.birthDate, f.card.expiresOn, f.card.securityCode),
    initialRetries: { userAuth: f.retries.userAuth, assist: f.retries.assist, signing: f.retries.signing, cardFace: f.retries.cardFace },
    files: {
      signingCertificate: card.signingCertificateDer,
      caCertificate: card.caCertificateDer,
      userAuthCertificate: card.userAuthCertificateDer,
      tokenInfo: tokenInfo(),
      kenhojoMyNumber: encodeTlv(TAG.KENHOJO_MY_NUMBER, encodeTlv(TAG.MY_NUMBER_VALUE, utf8(f.myNumber))),
      kenhojoBasicFour: buildBasicFour(f.holder),
      kenkakuCardFace: buildCardFace({
        birthDate: f.holder.birthDate,
        sex: f.holder.sex,
        cardExpiresOn: f.card.expiresOn,
        nameImage: card.nameImagePng,
        addressImage: card.addressImagePng,
        photo: card.photoJp2,
        securityCodeImage: card.securityCodeImagePng,
        faceKey: card.signingKey,
      }),
    },
    userAuthKey: card.userAuthKey,
    signingKey: card.signingKey,
  };
}
