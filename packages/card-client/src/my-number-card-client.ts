/**
 * MyNumberCardClient: the host side of the card applications — what a kiosk does with a card in the reader.
 * It identifies the card by SELECTing JPKI (never by ATR), reads certificates, queries and verifies PINs,
 * signs with the user-authentication key and reads the card face.
 *
 * Real-card safety: for a card whose user-auth certificate was not issued by our fixture test CA (a real card),
 * no PIN or 照合番号 is sent unless a status query shows at least 2 tries left, so a simulator bug or a typo can
 * never lock somebody's real card. The refusal says why.
 */
import { createHash, X509Certificate } from "node:crypto";
import { CARD_PIN_PATTERN, concatBytes, fromHex } from "@onshi-sim/apdu";
import { CardStatusError, type ResponseApdu } from "@onshi-sim/apdu";
import { SW, triesLeftOf, type StatusWord } from "@onshi-sim/apdu";
import { AID, JPKI_EF, KENHOJO_EF, KENKAKU_EF, TAG, type ApplicationName } from "@onshi-sim/apdu";
import { findTlv, parseTlvs } from "@onshi-sim/apdu";
import type { ApduExchange } from "./card-channel.js";

export type PinStatus =
  | { readonly state: "ready"; readonly triesLeft: number }
  | { readonly state: "verified" }
  /** Blocked after too many wrong tries — or never set (顔認証マイナンバーカード). */
  | { readonly state: "blocked"; readonly sw: StatusWord };

export type VerifyResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly triesLeft: number }
  | { readonly ok: false; readonly blocked: true; readonly sw: StatusWord };

export class NotAMyNumberCardError extends Error {
  override name = "NotAMyNumberCardError";
  constructor(readonly sw: StatusWord) {
    super(`not a My Number Card: SELECT of the JPKI application answered ${sw.toString(16).toUpperCase()}`);
  }
}

export class RealCardSafetyError extends Error {
  override name = "RealCardSafetyError";
  constructor(
    readonly pin: PinKind,
    readonly triesLeft: number,
  ) {
    super(
      `not sending the ${PIN_LABEL[pin]} to this real card: it has ${triesLeft} ${triesLeft === 1 ? "try" : "tries"} left, ` +
        `and onshi-sim only sends a PIN to a real card with at least 2 left so that it can never lock it ` +
        `(実カードの残り試行回数が${triesLeft}回のため、ロック防止のため暗証番号を送信しません)`,
    );
  }
}

export class PinFormatError extends Error {
  override name = "PinFormatError";
}

export type PinKind = "userAuth" | "signing" | "assist" | "cardFaceMatchB";
const PIN_LABEL: Record<PinKind, string> = {
  userAuth: "user-authentication PIN",
  signing: "signing password",
  assist: "入力補助 PIN",
  cardFaceMatchB: "照合番号B",
};
const PIN_FORMAT: Record<PinKind, RegExp> = {
  userAuth: CARD_PIN_PATTERN,
  signing: /^[A-Z0-9]{6,16}$/,
  assist: CARD_PIN_PATTERN,
  cardFaceMatchB: /^\d{14}$/,
};
const PIN_LOCATION: Record<PinKind, [ApplicationName, number]> = {
  userAuth: ["JPKI", JPKI_EF.USER_AUTH_PIN],
  signing: ["JPKI", JPKI_EF.SIGNING_PASSWORD],
  assist: ["KENHOJO", KENHOJO_EF.PIN],
  cardFaceMatchB: ["KENKAKU", KENKAKU_EF.MATCH_B],
};

/** DER prefix of a SHA-256 DigestInfo (RFC 8017 §9.2). */
const SHA256_DIGEST_INFO_PREFIX = fromHex("3031300d060960864801650304020105000420");

export function sha256DigestInfo(data: Uint8Array): Uint8Array {
  return concatBytes(SHA256_DIGEST_INFO_PREFIX, createHash("sha256").update(data).digest());
}

export interface CardFace {
  readonly birthDate: string; // YYYYMMDD as on the chip
  readonly sex: string;
  readonly expiresOn: string; // YYYYMMDD
  readonly photoJp2: Uint8Array;
  readonly nameImagePng: Uint8Array;
  readonly addressImagePng: Uint8Array;
}

export interface BasicFour {
  readonly name: string;
  readonly address: string;
  readonly birthDate: string;
  readonly sex: string;
}

export interface MyNumberCardClientOptions {
  /** Certificates of CAs whose cards are ours (fixtures); anything else is treated as a real card. */
  readonly fixtureCas?: readonly X509Certificate[];
}

export class MyNumberCardClient {
  #userAuthCertificate: Uint8Array | undefined;
  #isFixtureCard: boolean | undefined;

  constructor(
    readonly channel: ApduExchange,
    readonly options: MyNumberCardClientOptions = {},
  ) {}

  /** SELECTs the JPKI application; throws NotAMyNumberCardError for any other card. */
  async identify(): Promise<void> {
    const r = await this.#selectApplication("JPKI");
    if (r.sw !== SW.OK) throw new NotAMyNumberCardError(r.sw);
  }

  /** The user-authentication certificate (DER), readable without a PIN. */
  async readUserAuthCertificate(): Promise<Uint8Array> {
    await this.#selectEf("JPKI", JPKI_EF.USER_AUTH_CERTIFICATE);
    this.#userAuthCertificate = await this.#readDerFile("read user-auth certificate");
    return this.#userAuthCertificate;
  }

  async readUserAuthCaCertificate(): Promise<Uint8Array> {
    await this.#selectEf("JPKI", JPKI_EF.USER_AUTH_CA);
    return this.#readDerFile("read user-auth CA certificate");
  }

  /**
   * EF 0006 of the JPKI AP: which token this is (REFERENCE §6 [R]) — the card (`JPKIAPICCTOKEN2`), an Android
   * phone (`JPKIAPGPSETOKEN`) or an iPhone (`JPKIAPIOSTOKEN`). Anything else counts as a card.
   */
  async readTokenKind(): Promise<"card" | "android" | "iphone"> {
    await this.#selectEf("JPKI", JPKI_EF.TOKEN_INFO);
    const label = new TextDecoder().decode(await this.#read(0, 0x20, "read token info")).replace(/[\s\0]+$/, "");
    return label === "JPKIAPGPSETOKEN" ? "android" : label === "JPKIAPIOSTOKEN" ? "iphone" : "card";
  }

  /**
   * True when the card's user-auth certificate was issued by one of the fixture CAs. A token that does not let
   * the certificate be read yet (an Android phone before its PIN: 69 82) counts as real — PIN safety applies —
   * and is asked again once it can be read.
   */
  async isFixtureCard(): Promise<boolean> {
    if (this.#isFixtureCard !== undefined) return this.#isFixtureCard;
    let der: Uint8Array;
    try {
      der = this.#userAuthCertificate ?? (await this.readUserAuthCertificate());
    } catch (e) {
      if (e instanceof CardStatusError && e.sw === SW.SECURITY_STATUS_NOT_SATISFIED) return false;
      throw e;
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch {
      return (this.#isFixtureCard = false);
    }
    this.#isFixtureCard = (this.options.fixtureCas ?? []).some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey));
    return this.#isFixtureCard;
  }

  /** VERIFY without data: tries left, without using one. Leaves that PIN's EF selected. */
  async pinStatus(pin: PinKind): Promise<PinStatus> {
    const [app, fid] = PIN_LOCATION[pin];
    await this.#selectEf(app, fid);
    const r = await this.channel.exchange(Uint8Array.of(0x00, 0x20, 0x00, 0x80));
    return toPinStatus(r.sw, `${PIN_LABEL[pin]} status`);
  }

  /**
   * Verifies a PIN. The format is checked before anything is sent (a typo in the UI never costs a try).
   * On a real card the status is queried first and the PIN withheld unless ≥ 2 tries are left.
   */
  async verify(pin: PinKind, value: string): Promise<VerifyResult> {
    if (!PIN_FORMAT[pin].test(value)) throw new PinFormatError(`${PIN_LABEL[pin]} has the wrong format (expected ${PIN_FORMAT[pin].source})`);
    const [app, fid] = PIN_LOCATION[pin];
    if (!(await this.isFixtureCard())) {
      const status = await this.pinStatus(pin);
      if (status.state === "blocked") return { ok: false, blocked: true, sw: status.sw };
      if (status.state === "ready" && status.triesLeft < 2) throw new RealCardSafetyError(pin, status.triesLeft);
    } else {
      await this.#selectEf(app, fid);
    }
    const data = new TextEncoder().encode(value);
    const r = await this.channel.exchange(concatBytes(Uint8Array.of(0x00, 0x20, 0x00, 0x80, data.length), data));
    if (r.sw === SW.OK) return { ok: true };
    const tries = triesLeftOf(r.sw);
    if (tries !== undefined) return { ok: false, triesLeft: tries };
    if (r.sw === SW.REFERENCE_DATA_NOT_USABLE || r.sw === SW.AUTH_METHOD_BLOCKED) return { ok: false, blocked: true, sw: r.sw };
    throw new CardStatusError(`verify ${PIN_LABEL[pin]}`, r.sw);
  }

  /** Signs a SHA-256 DigestInfo of `data` with the user-auth key (needs the PIN verified in this session). */
  async signWithUserAuthKey(data: Uint8Array): Promise<Uint8Array> {
    return this.#sign(JPKI_EF.USER_AUTH_KEY, sha256DigestInfo(data), "sign with user-auth key");
  }

  async signWithSigningKey(data: Uint8Array): Promise<Uint8Array> {
    return this.#sign(JPKI_EF.SIGNING_KEY, sha256DigestInfo(data), "sign with signing key");
  }

  /** 券面AP: verifies 照合番号B and reads the card face (photo, images, dates). */
  async readCardFace(matchNumberB: string): Promise<CardFace> {
    const v = await this.verify("cardFaceMatchB", matchNumberB);
    if (!v.ok) throw new CardStatusError("verify 照合番号B", "triesLeft" in v ? 0x63c0 | v.triesLeft : v.sw);
    await this.#selectEf("KENKAKU", KENKAKU_EF.CARD_FACE, false);
    const file = await this.#readTlvFile("read card face");
    const fields = parseTlvs(file);
    const text = (tag: number) => new TextDecoder().decode(findTlv(fields, tag) ?? new Uint8Array(0));
    return {
      birthDate: text(TAG.FACE_BIRTH),
      sex: text(TAG.FACE_SEX),
      expiresOn: text(TAG.FACE_EXPIRY),
      photoJp2: findTlv(fields, TAG.FACE_PHOTO) ?? new Uint8Array(0),
      nameImagePng: findTlv(fields, TAG.FACE_NAME_IMAGE) ?? new Uint8Array(0),
      addressImagePng: findTlv(fields, TAG.FACE_ADDRESS_IMAGE) ?? new Uint8Array(0),
    };
  }

  /** 入力補助AP: verifies its PIN and reads 基本4情報. The 個人番号 (EF 0001) is deliberately not read. */
  async readBasicFour(pin: string): Promise<BasicFour> {
    const v = await this.verify("assist", pin);
    if (!v.ok) throw new CardStatusError("verify 入力補助 PIN", "triesLeft" in v ? 0x63c0 | v.triesLeft : v.sw);
    await this.#selectEf("KENHOJO", KENHOJO_EF.BASIC_FOUR, false);
    const fields = parseTlvs(await this.#readTlvFile("read basic four"));
    const text = (tag: number) => new TextDecoder().decode(findTlv(fields, tag) ?? new Uint8Array(0));
    return { name: text(TAG.NAME), address: text(TAG.ADDRESS), birthDate: text(TAG.BIRTH), sex: text(TAG.SEX) };
  }

  async #sign(keyFid: number, digestInfo: Uint8Array, step: string): Promise<Uint8Array> {
    await this.#selectEf("JPKI", keyFid, false);
    const r = await this.channel.exchange(concatBytes(Uint8Array.of(0x80, 0x2a, 0x00, 0x80, digestInfo.length), digestInfo, Uint8Array.of(0x00)), 258);
    if (r.sw !== SW.OK) throw new CardStatusError(step, r.sw);
    return r.data;
  }

  #selected: ApplicationName | undefined;

  async #selectApplication(app: ApplicationName): Promise<ResponseApdu> {
    const aid = AID[app];
    const r = await this.channel.exchange(concatBytes(Uint8Array.of(0x00, 0xa4, 0x04, 0x0c, aid.length), aid));
    this.#selected = r.sw === SW.OK ? app : undefined;
    return r;
  }

  /**
   * Selects an EF, selecting its application first when another one is current. `reselect: true` forces the
   * application SELECT (used before a PIN so a fresh security state is not assumed); otherwise a verified PIN
   * in the current application is kept.
   */
  async #selectEf(app: ApplicationName, fid: number, reselect = false): Promise<void> {
    if (reselect || this.#selected !== app) {
      const r = await this.#selectApplication(app);
      if (r.sw !== SW.OK) throw new CardStatusError(`select ${app}`, r.sw);
    }
    const r = await this.channel.exchange(Uint8Array.of(0x00, 0xa4, 0x02, 0x0c, 0x02, fid >> 8, fid & 0xff));
    if (r.sw !== SW.OK) throw new CardStatusError(`select EF ${fid.toString(16).padStart(4, "0")}`, r.sw);
  }

  /** Reads a DER object: its length is ((b[2] << 8) | b[3]) + 4 from the first 4 bytes (docs/domain.md §2). */
  async #readDerFile(step: string): Promise<Uint8Array> {
    const head = await this.#read(0, 4, step);
    if (head[0] !== 0x30 || head[1] !== 0x82) throw new Error(`${step}: not a DER SEQUENCE with a 2-byte length (starts ${Buffer.from(head).toString("hex")})`);
    return this.#readRest(head, (((head[2] as number) << 8) | (head[3] as number)) + 4, step);
  }

  /** Reads a TLV file whose outer tag is 2 bytes (FF20 / FF40) and returns the outer value. */
  async #readTlvFile(step: string): Promise<Uint8Array> {
    const head = await this.#read(0, 5, step);
    let headerLength = 3;
    let length = head[2] as number;
    if (length === 0x81) {
      headerLength = 4;
      length = head[3] as number;
    } else if (length === 0x82) {
      headerLength = 5;
      length = ((head[3] as number) << 8) | (head[4] as number);
    } else if (length > 0x80) throw new Error(`${step}: unsupported TLV length byte ${length.toString(16)}`);
    const whole = await this.#readRest(head, headerLength + length, step);
    return whole.subarray(headerLength);
  }

  async #readRest(head: Uint8Array, total: number, step: string): Promise<Uint8Array> {
    const out = new Uint8Array(total);
    out.set(head.subarray(0, Math.min(head.length, total)));
    let offset = Math.min(head.length, total);
    while (offset < total) {
      const chunk = await this.#read(offset, Math.min(0x100, total - offset), step);
      if (chunk.length === 0) throw new Error(`${step}: card returned no data at offset ${offset}`);
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  async #read(offset: number, length: number, step: string): Promise<Uint8Array> {
    if (offset > 0x7fff) throw new Error(`${step}: offset ${offset} is beyond what READ BINARY can address`);
    const r = await this.channel.exchange(Uint8Array.of(0x00, 0xb0, offset >> 8, offset & 0xff, length === 0x100 ? 0 : length), length + 2);
    if (r.sw !== SW.OK) throw new CardStatusError(step, r.sw);
    return r.data;
  }
}

function toPinStatus(sw: StatusWord, step: string): PinStatus {
  if (sw === SW.OK) return { state: "verified" };
  const tries = triesLeftOf(sw);
  if (tries !== undefined) return tries === 0 ? { state: "blocked", sw } : { state: "ready", triesLeft: tries };
  if (sw === SW.REFERENCE_DATA_NOT_USABLE || sw === SW.AUTH_METHOD_BLOCKED) return { state: "blocked", sw };
  throw new CardStatusError(step, sw);
}
