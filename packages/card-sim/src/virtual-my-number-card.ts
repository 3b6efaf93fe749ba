/**
 * VirtualMyNumberCard: the card OS of a My Number Card, APDU for APDU (docs/domain.md §2).
 *
 * Three applications (JPKI, 券面事項入力補助, 券面事項確認) each with transparent EFs, PIN objects and keys.
 * Volatile state — selected application and EF, verified PINs — is cleared by power-off, reset and by
 * selecting an application again. Retry counters live in a `CardStateStore` and survive all of that. The card
 * claims itself in the store when made (a second copy of a card is refused: CardInUseError) until `release`.
 *
 * `transmit` never throws: every input, however malformed, gets one of the status words in `CARD_STATUS_WORDS`.
 */
import { constants as cryptoConstants, privateEncrypt, type KeyObject } from "node:crypto";
import { ApduParseError, parseCommandApdu, type CommandApdu } from "@onshi-sim/apdu";
import { bytesEqual } from "@onshi-sim/apdu";
import { encodeResponseApdu } from "@onshi-sim/apdu";
import { SW, verifyFailed, type StatusWord } from "@onshi-sim/apdu";
import { AID, JPKI_EF, KENHOJO_EF, KENKAKU_EF, type ApplicationName } from "@onshi-sim/apdu";
import { MemoryCardStateStore, PIN_OBJECTS, type CardClaim, type CardState, type CardStateStore, type PinObjectName } from "./card-state.js";
import type { SmartCard } from "@onshi-sim/reader-bindings";
import type { VirtualCardData, VirtualPhoneData } from "./virtual-card-data.js";
import { MemoryOwnerAuth, type OwnerAuthGate } from "./owner-auth.js";

type ElementaryFile =
  | { readonly kind: "binary"; readonly content: Uint8Array; readonly readableAfter: readonly PinObjectName[] | "always" }
  | { readonly kind: "pin"; readonly pin: PinObjectName; readonly reference: Uint8Array | null }
  /** `owner-auth`: the iPhone's key, usable while the owner is authenticated on the phone (OwnerAuthGate). */
  | { readonly kind: "key"; readonly key: KeyObject; readonly usableAfter: PinObjectName | "owner-auth" };

interface Application {
  readonly name: ApplicationName;
  readonly aid: Uint8Array;
  readonly files: ReadonlyMap<number, ElementaryFile>;
}

export interface VirtualCardOptions {
  /** Where retry counters persist. Default: in memory only. */
  readonly stateStore?: CardStateStore;
  /** Who holds the card, for the refusal another claimant gets (e.g. "onshi-sim card insert --via memory"). */
  readonly holder?: string;
  /** Called after every exchange (for transcripts and the trainer timeline). The VERIFY data is still in `command`: mask it. */
  readonly onExchange?: (command: Uint8Array, response: Uint8Array) => void;
  /** An iPhone's "owner authenticated" state (default: in memory, not authenticated). Ignored by cards and Android. */
  readonly ownerAuth?: OwnerAuthGate;
}

/** Every SW this card can answer; the fuzz test holds the card to this list. */
export const CARD_STATUS_WORDS: ReadonlySet<StatusWord> = new Set([
  SW.OK,
  0x6282, // end of file reached before Le bytes
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(verifyFailed),
  SW.WRONG_LENGTH,
  0x6981, // command incompatible with file structure (reading a key or PIN EF)
  SW.SECURITY_STATUS_NOT_SATISFIED,
  SW.AUTH_METHOD_BLOCKED,
  SW.REFERENCE_DATA_NOT_USABLE,
  SW.COMMAND_NOT_ALLOWED_NO_EF,
  SW.WRONG_DATA,
  SW.FUNCTION_NOT_SUPPORTED,
  SW.FILE_NOT_FOUND,
  SW.INCORRECT_P1P2_PARAMS,
  SW.WRONG_P1P2,
  SW.INS_NOT_SUPPORTED,
  SW.CLA_NOT_SUPPORTED,
  SW.NO_PRECISE_DIAGNOSIS,
]);

const INS = { SELECT: 0xa4, READ_BINARY: 0xb0, VERIFY: 0x20, COMPUTE_SIGNATURE: 0x2a } as const;
const ascii = (s: string) => new TextEncoder().encode(s);
/** RSA-2048 PKCS#1 v1.5 leaves room for at most 256 − 11 bytes of DigestInfo. */
const MAX_DIGEST_INFO = 245;

export class VirtualMyNumberCard implements SmartCard {
  readonly id: string;
  readonly atr: Uint8Array;
  readonly #data: VirtualCardData | VirtualPhoneData;
  /** The iPhone's owner-auth state (every token has one; only the iPhone's key asks it). */
  readonly ownerAuth: OwnerAuthGate;
  readonly #applications: readonly Application[];
  readonly #store: CardStateStore;
  readonly #onExchange: VirtualCardOptions["onExchange"];
  readonly #claim: CardClaim;
  #released = false;
  #state: CardState;
  #powered = false;
  #current: Application | undefined;
  #currentEf: ElementaryFile | undefined;
  readonly #verified = new Set<PinObjectName>();

  constructor(data: VirtualCardData | VirtualPhoneData, options: VirtualCardOptions = {}) {
    this.id = data.id;
    this.ownerAuth = options.ownerAuth ?? new MemoryOwnerAuth();
    this.atr = data.atr;
    this.#data = data;
    this.#store = options.stateStore ?? new MemoryCardStateStore();
    this.#onExchange = options.onExchange;
    // Claimed before the counters are read: while we hold the card, nobody else writes them.
    this.#claim = this.#store.claim(data.id, options.holder ?? "a virtual card");
    try {
      this.#state = this.#store.load(data.id) ?? initialState(data);
    } catch (e) {
      this.#claim.release();
      throw e;
    }
    this.#applications = data.kind === "phone" ? buildPhoneApplications(data) : buildApplications(data);
  }

  /** Gives the card back to its store (another holder may take it now); this object answers nothing after. */
  release(): void {
    if (this.#released) return;
    this.powerOff();
    this.#released = true;
    this.#claim.release();
  }

  /** Tries left per PIN object (a copy; for the CLI and tests — the host only learns this through VERIFY). */
  get retries(): Readonly<Record<PinObjectName, number>> {
    return { ...this.#state.retries };
  }

  get powered(): boolean {
    return this.#powered;
  }

  powerOn(): void {
    this.#clearVolatile();
    this.#powered = !this.#released;
  }

  powerOff(): void {
    this.#clearVolatile();
    this.#powered = false;
  }

  reset(): void {
    this.powerOff();
    this.powerOn();
  }

  transmit(command: Uint8Array): Uint8Array {
    let response: Uint8Array;
    try {
      response = this.#process(command);
    } catch {
      // Defensive: a bug in the OS must look like a card fault, never crash the reader.
      response = encodeResponseApdu(SW.NO_PRECISE_DIAGNOSIS);
    }
    this.#onExchange?.(command, response);
    return response;
  }

  #clearVolatile(): void {
    this.#current = undefined;
    this.#currentEf = undefined;
    this.#verified.clear();
  }

  #process(bytes: Uint8Array): Uint8Array {
    if (this.#released) return encodeResponseApdu(SW.NO_PRECISE_DIAGNOSIS); // a bug in the caller: the card is gone
    if (!this.#powered) this.powerOn(); // a contactless card powers up in the field
    let c: CommandApdu;
    try {
      c = parseCommandApdu(bytes);
    } catch (e) {
      if (e instanceof ApduParseError) return encodeResponseApdu(SW.WRONG_LENGTH);
      throw e;
    }
    // Only the plain interindustry class (00) and the proprietary class of the signature command (80):
    // no secure messaging, no chaining, no logical channels.
    if (c.cla !== 0x00 && c.cla !== 0x80) return encodeResponseApdu(SW.CLA_NOT_SUPPORTED);
    switch (c.ins) {
      case INS.SELECT:
        return c.cla === 0x00 ? this.#select(c) : encodeResponseApdu(SW.CLA_NOT_SUPPORTED);
      case INS.READ_BINARY:
        return c.cla === 0x00 ? this.#readBinary(c) : encodeResponseApdu(SW.CLA_NOT_SUPPORTED);
      case INS.VERIFY:
        return c.cla === 0x00 ? this.#verify(c) : encodeResponseApdu(SW.CLA_NOT_SUPPORTED);
      case INS.COMPUTE_SIGNATURE:
        return c.cla === 0x80 ? this.#sign(c) : encodeResponseApdu(SW.CLA_NOT_SUPPORTED);
      default:
        return encodeResponseApdu(SW.INS_NOT_SUPPORTED);
    }
  }

  #select(c: CommandApdu): Uint8Array {
    if (c.p2 !== 0x0c) return encodeResponseApdu(SW.INCORRECT_P1P2_PARAMS);
    if (c.p1 === 0x04) {
      if (c.data.length < 5 || c.data.length > 16) return encodeResponseApdu(SW.WRONG_LENGTH);
      const app = this.#applications.find((a) => bytesEqual(a.aid, c.data));
      if (!app) return encodeResponseApdu(SW.FILE_NOT_FOUND);
      // Selecting an application (even the same one again) drops its security state.
      this.#clearVolatile();
      this.#current = app;
      return encodeResponseApdu(SW.OK);
    }
    if (c.p1 === 0x02) {
      if (c.data.length !== 2) return encodeResponseApdu(SW.WRONG_LENGTH);
      const ef = this.#current?.files.get(((c.data[0] as number) << 8) | (c.data[1] as number));
      if (!ef) return encodeResponseApdu(SW.FILE_NOT_FOUND);
      this.#currentEf = ef;
      return encodeResponseApdu(SW.OK);
    }
    return encodeResponseApdu(SW.INCORRECT_P1P2_PARAMS);
  }

  #readBinary(c: CommandApdu): Uint8Array {
    if (c.data.length > 0) return encodeResponseApdu(SW.WRONG_LENGTH);
    let ef = this.#currentEf;
    let offset: number;
    if (c.p1 & 0x80) {
      // Short EF identifier in P1 bits 1–5: the EF with that FID in the current application becomes current.
      if (c.p1 & 0x60) return encodeResponseApdu(SW.INCORRECT_P1P2_PARAMS);
      ef = this.#current?.files.get(c.p1 & 0x1f);
      if (!ef) return encodeResponseApdu(SW.FILE_NOT_FOUND);
      this.#currentEf = ef;
      offset = c.p2;
    } else {
      offset = (c.p1 << 8) | c.p2;
    }
    if (!ef) return encodeResponseApdu(SW.COMMAND_NOT_ALLOWED_NO_EF);
    if (ef.kind !== "binary") return encodeResponseApdu(0x6981);
    if (ef.readableAfter !== "always" && !ef.readableAfter.some((p) => this.#verified.has(p))) {
      return encodeResponseApdu(SW.SECURITY_STATUS_NOT_SATISFIED);
    }
    if (offset > ef.content.length) return encodeResponseApdu(SW.WRONG_P1P2);
    const le = c.le ?? 0x100;
    const chunk = ef.content.subarray(offset, Math.min(ef.content.length, offset + le));
    return encodeResponseApdu(chunk.length < le && c.le !== undefined ? 0x6282 : SW.OK, chunk);
  }

  #verify(c: CommandApdu): Uint8Array {
    if (c.p1 !== 0x00 || c.p2 !== 0x80) return encodeResponseApdu(SW.INCORRECT_P1P2_PARAMS);
    const ef = this.#currentEf;
    if (!ef || ef.kind !== "pin") return encodeResponseApdu(SW.COMMAND_NOT_ALLOWED_NO_EF);
    const left = this.#state.retries[ef.pin];
    // No PIN was ever set (顔認証マイナンバーカード) or it is blocked: nothing to try, no try used.
    if (ef.reference === null || left === 0) return encodeResponseApdu(this.#data.blockedSw);
    if (c.data.length === 0) {
      // Status query: tries left without using one (or 90 00 when already verified in this session).
      return encodeResponseApdu(this.#verified.has(ef.pin) ? SW.OK : verifyFailed(left));
    }
    if (bytesEqual(c.data, ef.reference)) {
      this.#verified.add(ef.pin);
      if (left !== PIN_OBJECTS[ef.pin].maxTries) this.#setRetries(ef.pin, PIN_OBJECTS[ef.pin].maxTries);
      return encodeResponseApdu(SW.OK);
    }
    this.#verified.delete(ef.pin);
    this.#setRetries(ef.pin, left - 1);
    return encodeResponseApdu(verifyFailed(left - 1));
  }

  #sign(c: CommandApdu): Uint8Array {
    if (c.p1 !== 0x00 || c.p2 !== 0x80) return encodeResponseApdu(SW.INCORRECT_P1P2_PARAMS);
    const ef = this.#currentEf;
    if (!ef || ef.kind !== "key") return encodeResponseApdu(SW.COMMAND_NOT_ALLOWED_NO_EF);
    if (c.data.length === 0 || c.data.length > MAX_DIGEST_INFO) return encodeResponseApdu(SW.WRONG_LENGTH);
    // The iPhone refuses like a card without its PIN (69 82) until the owner authenticates on the phone.
    if (ef.usableAfter === "owner-auth" ? !this.ownerAuth.isAuthenticated() : !this.#verified.has(ef.usableAfter)) return encodeResponseApdu(SW.SECURITY_STATUS_NOT_SATISFIED);
    // PKCS#1 v1.5 type-1 padding over exactly the DigestInfo sent, as the card does (it never hashes).
    const signature = privateEncrypt({ key: ef.key, padding: cryptoConstants.RSA_PKCS1_PADDING }, c.data);
    if (ef.usableAfter === "owner-auth") this.ownerAuth.consume(); // one Face ID, one signature
    return encodeResponseApdu(SW.OK, new Uint8Array(signature));
  }

  #setRetries(pin: PinObjectName, value: number): void {
    this.#state = { version: 1, retries: { ...this.#state.retries, [pin]: value } };
    this.#store.save(this.id, this.#state);
  }
}

function initialState(data: VirtualCardData | VirtualPhoneData): CardState {
  const retries = {} as Record<PinObjectName, number>;
  for (const [name, { maxTries }] of Object.entries(PIN_OBJECTS) as [PinObjectName, { maxTries: number }][]) {
    retries[name] = data.initialRetries[name] ?? maxTries;
  }
  return { version: 1, retries };
}

function buildApplications(d: VirtualCardData): Application[] {
  const always = "always" as const;
  const bin = (content: Uint8Array, readableAfter: readonly PinObjectName[] | "always"): ElementaryFile => ({ kind: "binary", content, readableAfter });
  const pin = (name: PinObjectName, value: string | null): ElementaryFile => ({ kind: "pin", pin: name, reference: value === null ? null : ascii(value) });
  return [
    {
      name: "JPKI",
      aid: AID.JPKI,
      files: new Map<number, ElementaryFile>([
        [JPKI_EF.SIGNING_CERTIFICATE, bin(d.files.signingCertificate, ["signing"])],
        [JPKI_EF.SIGNING_CA, bin(d.files.caCertificate, always)],
        [JPKI_EF.TOKEN_INFO, bin(d.files.tokenInfo, always)],
        [JPKI_EF.USER_AUTH_CERTIFICATE, bin(d.files.userAuthCertificate, always)],
        [JPKI_EF.USER_AUTH_CA, bin(d.files.caCertificate, always)],
        [JPKI_EF.USER_AUTH_KEY, { kind: "key", key: d.userAuthKey, usableAfter: "userAuth" }],
        [JPKI_EF.USER_AUTH_PIN, pin("userAuth", d.pins.userAuth)],
        [JPKI_EF.SIGNING_KEY, { kind: "key", key: d.signingKey, usableAfter: "signing" }],
        [JPKI_EF.SIGNING_PASSWORD, pin("signing", d.pins.signing)],
      ]),
    },
    {
      name: "KENHOJO",
      aid: AID.KENHOJO,
      files: new Map<number, ElementaryFile>([
        [KENHOJO_EF.MY_NUMBER, bin(d.files.kenhojoMyNumber, ["assist", "assistMatchA", "assistMatchB"])],
        [KENHOJO_EF.BASIC_FOUR, bin(d.files.kenhojoBasicFour, ["assist", "assistMatchA", "assistMatchB"])],
        [KENHOJO_EF.PIN, pin("assist", d.pins.assist)],
        [KENHOJO_EF.MATCH_A, pin("assistMatchA", d.matchNumberA)],
        [KENHOJO_EF.MATCH_B, pin("assistMatchB", d.matchNumberB)],
      ]),
    },
    {
      name: "KENKAKU",
      aid: AID.KENKAKU,
      files: new Map<number, ElementaryFile>([
        [KENKAKU_EF.CARD_FACE, bin(d.files.kenkakuCardFace, ["cardFace", "cardFaceMatchA"])],
        [KENKAKU_EF.MATCH_B, pin("cardFace", d.matchNumberB)],
        [KENKAKU_EF.MATCH_A, pin("cardFaceMatchA", d.matchNumberA)],
      ]),
    },
  ];
}

/**
 * A phone's JPKI AP (REFERENCE §6): same AID, EF 0006 names the token. Android: the certificate 000A is refused
 * (69 82) until the phone's PIN (EF 0018, 3 tries) is verified; iPhone: no PIN EF at all, 000A always readable,
 * and the key signs only while the owner is authenticated. No signing certificate or key is modelled on a phone.
 */
function buildPhoneApplications(d: VirtualPhoneData): Application[] {
  const android = d.os === "android";
  const files = new Map<number, ElementaryFile>([
    [JPKI_EF.TOKEN_INFO, { kind: "binary", content: d.files.tokenInfo, readableAfter: "always" }],
    [JPKI_EF.USER_AUTH_CERTIFICATE, { kind: "binary", content: d.files.userAuthCertificate, readableAfter: android ? ["userAuth"] : "always" }],
    [JPKI_EF.USER_AUTH_CA, { kind: "binary", content: d.files.caCertificate, readableAfter: "always" }],
    [JPKI_EF.USER_AUTH_KEY, { kind: "key", key: d.userAuthKey, usableAfter: android ? "userAuth" : "owner-auth" }],
  ]);
  if (android) files.set(JPKI_EF.USER_AUTH_PIN, { kind: "pin", pin: "userAuth", reference: d.pin === null ? null : ascii(d.pin) });
  return [{ name: "JPKI", aid: AID.JPKI, files }];
}
