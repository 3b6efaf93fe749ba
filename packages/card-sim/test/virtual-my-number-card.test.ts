import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, createPublicKey, publicDecrypt, constants, verify as rsaVerify, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromHex, toHex } from "@onshi-sim/apdu";
import { parseResponseApdu } from "@onshi-sim/apdu";
import { FileCardStateStore, MemoryCardStateStore } from "../src/card-state.js";
import { parseTlvs, findTlv } from "@onshi-sim/apdu";
import { TAG } from "@onshi-sim/apdu";
import { matchNumberB, warekiYYMMDD } from "@onshi-sim/apdu";
import type { VirtualMyNumberCard } from "../src/virtual-my-number-card.js";
import { loadFixture, virtualCard } from "../../../test/support/cards.js";
import { sha256DigestInfo } from "./support/digest-info.js";


const SELECT_JPKI = "00A4040C0AD392F000260100000001";
const SELECT_KENHOJO = "00A4040C0AD3921000310001010408";
const SELECT_KENKAKU = "00A4040C0AD3921000310001010402";
const selectEf = (fid: string) => `00A4020C02${fid}`;
const verifyPin = (pin: string) => `00200080${pin.length.toString(16).padStart(2, "0")}${Buffer.from(pin).toString("hex")}`;

function send(card: VirtualMyNumberCard, hex: string): { data: Uint8Array; sw: string } {
  const r = parseResponseApdu(card.transmit(fromHex(hex)));
  return { data: r.data, sw: r.sw.toString(16).toUpperCase().padStart(4, "0") };
}

function readAll(card: VirtualMyNumberCard, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let off = 0; off < length; ) {
    const n = Math.min(0x100, length - off);
    const r = send(card, `00B0${off.toString(16).padStart(4, "0")}${(n & 0xff).toString(16).padStart(2, "0")}`);
    expect(r.sw).toBe("9000");
    out.set(r.data, off);
    off += r.data.length;
  }
  return out;
}

function signChallenge(card: VirtualMyNumberCard, data: Uint8Array): { data: Uint8Array; sw: string } {
  const di = sha256DigestInfo(data);
  return send(card, `802A0080${di.length.toString(16).padStart(2, "0")}${toHex(di)}00`);
}

describe("VirtualMyNumberCard", () => {
  let card: VirtualMyNumberCard;
  beforeAll(async () => {
    card = await virtualCard("yamada-taro");
  });

  it("selects JPKI and reads the user-auth certificate without a PIN", async () => {
    card.powerOn();
    expect(send(card, SELECT_JPKI).sw).toBe("9000");
    expect(send(card, selectEf("000A")).sw).toBe("9000");
    const head = send(card, "00B0000004");
    expect(head.sw).toBe("9000");
    const length = (((head.data[2] as number) << 8) | (head.data[3] as number)) + 4;
    const der = readAll(card, length);
    const fixture = await loadFixture("yamada-taro");
    expect(toHex(der)).toBe(toHex(fixture.userAuthCertificateDer));
    expect(new X509Certificate(der).serialNumber.toUpperCase()).toBe(fixture.certificateSerial);
  });

  it("answers SELECT of unknown applications and files with 6A82", () => {
    card.reset();
    expect(send(card, "00A4040C0AD392F000260100000099").sw).toBe("6A82");
    expect(send(card, selectEf("000A")).sw).toBe("6A82"); // no application selected
    send(card, SELECT_JPKI);
    expect(send(card, selectEf("1234")).sw).toBe("6A82");
  });

  it("counts wrong PINs down, blocks after the third and stays blocked", async () => {
    const c = await virtualCard("yamada-taro");
    c.powerOn();
    send(c, SELECT_JPKI);
    send(c, selectEf("0018"));
    expect(send(c, "00200080").sw).toBe("63C3"); // status query uses no try
    expect(send(c, "00200080").sw).toBe("63C3");
    expect(send(c, verifyPin("0000")).sw).toBe("63C2");
    expect(send(c, verifyPin("0001")).sw).toBe("63C1");
    expect(send(c, verifyPin("0002")).sw).toBe("63C0");
    expect(send(c, verifyPin("1234")).sw).toBe("6984"); // even the right PIN
    expect(send(c, "00200080").sw).toBe("6984");
    expect(c.retries.userAuth).toBe(0);
    c.powerOff();
    c.powerOn();
    send(c, SELECT_JPKI);
    send(c, selectEf("0018"));
    expect(send(c, verifyPin("1234")).sw).toBe("6984");
  });

  it("resets the counter on the right PIN", async () => {
    const c = await virtualCard("yamada-taro");
    send(c, SELECT_JPKI);
    send(c, selectEf("0018"));
    expect(send(c, verifyPin("9999")).sw).toBe("63C2");
    expect(send(c, verifyPin("1234")).sw).toBe("9000");
    expect(c.retries.userAuth).toBe(3);
    expect(send(c, "00200080").sw).toBe("9000"); // already verified in this session
  });

  it("answers the profile's blocked SW (69 83) for drivers that expect it", async () => {
    const c = await virtualCard("blocked-6983");
    send(c, SELECT_JPKI);
    send(c, selectEf("0018"));
    expect(send(c, "00200080").sw).toBe("6983");
    expect(send(c, verifyPin("1234")).sw).toBe("6983");
  });

  it("a 顔認証マイナンバーカード has no PIN: VERIFY is refused without using anything", async () => {
    const c = await virtualCard("face-only");
    send(c, SELECT_JPKI);
    send(c, selectEf("0018"));
    expect(send(c, "00200080").sw).toBe("6984");
    expect(send(c, verifyPin("1234")).sw).toBe("6984");
  });

  it("signs only after the PIN, with a signature the certificate verifies", async () => {
    const c = await virtualCard("yamada-taro");
    const fixture = await loadFixture("yamada-taro");
    const challenge = new TextEncoder().encode("nonce-123");
    send(c, SELECT_JPKI);
    send(c, selectEf("0017"));
    expect(signChallenge(c, challenge).sw).toBe("6982");
    send(c, selectEf("0018"));
    expect(send(c, verifyPin("1234")).sw).toBe("9000");
    send(c, selectEf("0017"));
    const sig = signChallenge(c, challenge);
    expect(sig.sw).toBe("9000");
    expect(sig.data.length).toBe(256);
    const cert = new X509Certificate(fixture.userAuthCertificateDer);
    expect(rsaVerify("sha256", challenge, cert.publicKey, sig.data)).toBe(true);
    // The card signs exactly the DigestInfo it was sent.
    const recovered = publicDecrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_PADDING }, sig.data);
    expect(toHex(recovered)).toBe(toHex(sha256DigestInfo(challenge)));
  });

  it("clears the security state on reset, power-off and reselect", async () => {
    const c = await virtualCard("yamada-taro");
    const challenge = Uint8Array.of(1, 2, 3);
    const verified = () => {
      send(c, SELECT_JPKI);
      send(c, selectEf("0018"));
      expect(send(c, verifyPin("1234")).sw).toBe("9000");
      send(c, selectEf("0017"));
    };
    verified();
    c.reset();
    send(c, SELECT_JPKI);
    send(c, selectEf("0017"));
    expect(signChallenge(c, challenge).sw).toBe("6982");
    verified();
    c.powerOff();
    c.powerOn();
    send(c, SELECT_JPKI);
    send(c, selectEf("0017"));
    expect(signChallenge(c, challenge).sw).toBe("6982");
    verified();
    send(c, SELECT_JPKI); // reselecting the same application
    send(c, selectEf("0017"));
    expect(signChallenge(c, challenge).sw).toBe("6982");
  });

  it("keeps the signing certificate behind the signing password", async () => {
    const c = await virtualCard("yamada-taro");
    const fixture = await loadFixture("yamada-taro");
    send(c, SELECT_JPKI);
    send(c, selectEf("0001"));
    expect(send(c, "00B0000004").sw).toBe("6982");
    send(c, selectEf("001B"));
    expect(send(c, "00200080").sw).toBe("63C5");
    expect(send(c, verifyPin(fixture.fixture.pins.signing)).sw).toBe("9000");
    send(c, selectEf("0001"));
    expect(send(c, "00B0000004").sw).toBe("9000");
  });

  it("reads 基本4情報 only after the 入力補助 PIN", async () => {
    const c = await virtualCard("yamada-taro");
    const fixture = await loadFixture("yamada-taro");
    send(c, SELECT_KENHOJO);
    send(c, selectEf("0002"));
    expect(send(c, "00B0000000").sw).toBe("6982");
    send(c, selectEf("0011"));
    expect(send(c, verifyPin(fixture.fixture.pins.assist)).sw).toBe("9000");
    send(c, selectEf("0002"));
    const r = send(c, "00B0000000");
    expect(["9000", "6282"]).toContain(r.sw);
    const outer = parseTlvs(r.data)[0];
    expect(outer?.tag).toBe(TAG.KENHOJO_BASIC_FOUR);
    const fields = parseTlvs(outer!.value);
    expect(new TextDecoder().decode(findTlv(fields, TAG.NAME))).toBe(fixture.fixture.holder.name);
    expect(new TextDecoder().decode(findTlv(fields, TAG.BIRTH))).toBe(fixture.fixture.holder.birthDate.replaceAll("-", ""));
  });

  it("reads the 券面AP card face with the JPEG 2000 photo behind 照合番号B", async () => {
    const c = await virtualCard("yamada-taro");
    const f = await loadFixture("yamada-taro");
    const b = matchNumberB(f.fixture.holder.birthDate, f.fixture.card.expiresOn, f.fixture.card.securityCode);
    expect(b).toMatch(/^\d{14}$/);
    send(c, SELECT_KENKAKU);
    send(c, selectEf("0002"));
    expect(send(c, "00B0000004").sw).toBe("6982");
    send(c, selectEf("0012"));
    expect(send(c, "00200080").sw).toBe("63CA");
    expect(send(c, verifyPin("00000000000000")).sw).toBe("63C9");
    expect(send(c, verifyPin(b)).sw).toBe("9000");
    send(c, selectEf("0002"));
    const head = send(c, "00B0000005");
    expect(toHex(head.data.subarray(0, 2))).toBe("FF40");
    const total = 5 + (((head.data[3] as number) << 8) | (head.data[4] as number));
    const file = readAll(c, total);
    const fields = parseTlvs(parseTlvs(file)[0]!.value);
    const photo = findTlv(fields, TAG.FACE_PHOTO)!;
    expect(toHex(photo)).toBe(toHex(f.photoJp2));
    // JPEG 2000: either a JP2 file (signature box) or a raw codestream (SOC marker FF4F).
    expect(["0000000C6A502020", "FF4FFF51"].some((magic) => toHex(photo).startsWith(magic))).toBe(true);
    // DF28 signs DF22–DF27 and verifies with the DF24 key.
    const signedEnd = fields.find((t) => t.tag === TAG.FACE_SIGNATURE)!.offset;
    const signedStart = fields.find((t) => t.tag === TAG.FACE_BIRTH)!.offset;
    const body = parseTlvs(file)[0]!.value;
    const pubkey = parseTlvs(findTlv(fields, TAG.FACE_PUBLIC_KEY)!);
    const key = createPublicKey({ key: { kty: "RSA", e: Buffer.from(pubkey[0]!.value).toString("base64url"), n: Buffer.from(pubkey[1]!.value).toString("base64url") }, format: "jwk" });
    expect(rsaVerify("sha256", body.subarray(signedStart, signedEnd), key, findTlv(fields, TAG.FACE_SIGNATURE)!)).toBe(true);
  });

  it("answers ISO errors for unknown INS, CLA, P1/P2 and lengths", () => {
    card.reset();
    expect(send(card, "00CA000000").sw).toBe("6D00");
    expect(send(card, "A0A4040C0AD392F000260100000001").sw).toBe("6E00");
    expect(send(card, "80A4040C0AD392F000260100000001").sw).toBe("6E00");
    expect(send(card, "002A008003010203").sw).toBe("6E00");
    expect(send(card, "00A4040002D392").sw).toBe("6A86");
    expect(send(card, "00A4030C02000A").sw).toBe("6A86");
    expect(send(card, "00A4").sw).toBe("6700");
    send(card, SELECT_JPKI);
    expect(send(card, "00A4020C03000A00").sw).toBe("6700");
    expect(send(card, "00B0000004").sw).toBe("6986"); // no EF selected
    send(card, selectEf("000A"));
    expect(send(card, "00B07FFF01").sw).toBe("6B00");
    expect(send(card, "0020008104").sw).toBe("6A86");
    send(card, selectEf("0017"));
    expect(send(card, "00B0000004").sw).toBe("6981"); // a key is not readable
  });

  it("reads by short EF identifier", () => {
    card.reset();
    send(card, SELECT_JPKI);
    const r = send(card, "00B08A0004");
    expect(r.sw).toBe("9000");
    expect(r.data[0]).toBe(0x30);
  });

  it("shortens the last chunk with 62 82 when Le asks past the end", () => {
    card.reset();
    send(card, SELECT_JPKI);
    send(card, selectEf("0006"));
    const r = send(card, "00B0001020");
    expect(r.sw).toBe("6282");
    expect(r.data.length).toBe(16);
    expect(new TextDecoder().decode(send(card, "00B0000020").data).trim()).toBe("JPKIAPICCTOKEN2");
  });

  describe("persistence", () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "onshi-card-state-"));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("a locked card stays locked across remove/insert and a new process (new instance, same store)", async () => {
      const lock = async () => {
        const c = await virtualCard("sato-hanako", { stateStore: new FileCardStateStore(dir) });
        c.powerOn();
        send(c, SELECT_JPKI);
        send(c, selectEf("0018"));
        for (const pin of ["0000", "0001", "0002"]) send(c, verifyPin(pin));
        c.release(); // taken out of the reader: another instance may hold it now
      };
      await lock();
      const again = await virtualCard("sato-hanako", { stateStore: new FileCardStateStore(dir) });
      again.powerOn();
      send(again, SELECT_JPKI);
      send(again, selectEf("0018"));
      expect(send(again, "00200080").sw).toBe("6984");
      expect(again.retries.userAuth).toBe(0);
    });

    it("starts from the fixture's counters when nothing is stored", async () => {
      const c = await virtualCard("one-try-left", { stateStore: new MemoryCardStateStore() });
      send(c, SELECT_JPKI);
      send(c, selectEf("0018"));
      expect(send(c, "00200080").sw).toBe("63C1");
    });
  });
});

describe("和暦 and 照合番号B", () => {
  it("converts at the era boundaries", () => {
    expect(warekiYYMMDD("1989-01-07")).toBe("640107"); // 昭和64
    expect(warekiYYMMDD("1989-01-08")).toBe("010108"); // 平成元年
    expect(warekiYYMMDD("2019-04-30")).toBe("310430"); // 平成31
    expect(warekiYYMMDD("2019-05-01")).toBe("010501"); // 令和元年
    expect(warekiYYMMDD("1980-04-01")).toBe("550401"); // 昭和55
    expect(matchNumberB("1980-04-01", "2032-04-01", "1234")).toBe("55040120321234");
  });
});
