import { verify as rsaVerify, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromHex, parseResponseApdu } from "@onshi-sim/apdu";
import { sha256DigestInfo } from "./support/digest-info.js";
import { findPhoneFixture, loadPhoneFixtures } from "@onshi-sim/jpki-testkit";
import { MemoryCardStateStore } from "../src/card-state.js";
import { MemoryOwnerAuth } from "../src/owner-auth.js";
import { fromLoadedPhone } from "../src/virtual-card-data.js";
import { VirtualMyNumberCard } from "../src/virtual-my-number-card.js";

const SELECT_JPKI = "00A4040C0AD392F000260100000001";
const selectEf = (fid: string) => `00A4020C02${fid}`;
const verifyPin = (pin: string) => `0020008004${Buffer.from(pin).toString("hex")}`;

function send(card: VirtualMyNumberCard, hex: string): { data: Uint8Array; sw: string } {
  const r = parseResponseApdu(card.transmit(fromHex(hex)));
  return { data: r.data, sw: r.sw.toString(16).toUpperCase().padStart(4, "0") };
}

const tokenLabel = (card: VirtualMyNumberCard) => {
  send(card, SELECT_JPKI);
  send(card, selectEf("0006"));
  const r = send(card, "00B0000020");
  expect(r.sw).toBe("9000");
  return Buffer.from(r.data).toString("ascii").trimEnd();
};

function sign(card: VirtualMyNumberCard, data: Uint8Array) {
  const di = sha256DigestInfo(data);
  send(card, selectEf("0017"));
  return send(card, `802A0080${di.length.toString(16).padStart(2, "0")}${Buffer.from(di).toString("hex")}00`);
}

async function phone(id: string, ownerAuth?: MemoryOwnerAuth) {
  const loaded = await findPhoneFixture(id);
  return { loaded, card: new VirtualMyNumberCard(fromLoadedPhone(loaded), { stateStore: new MemoryCardStateStore(), ...(ownerAuth ? { ownerAuth } : {}) }) };
}

describe("the virtual smartphones", () => {
  it("every phone fixture loads, linked to its card's person, with its own certificate ending no later than the card", async () => {
    const phones = await loadPhoneFixtures();
    expect(phones.map((p) => p.fixture.id)).toEqual(expect.arrayContaining(["phone-android-yamada-taro", "phone-iphone-yamada-taro"]));
    for (const p of phones) {
      expect(p.personId).toBe(p.card.fixture.personId);
      expect(p.certificateSerial).not.toBe(p.card.certificateSerial);
      expect(p.fixture.certificate.notAfter <= p.card.fixture.card.expiresOn).toBe(true);
      expect(p.fixture.certificate.notAfter <= p.card.fixture.certificate.notAfter).toBe(true);
    }
  });

  it("Android: EF 0006 reads JPKIAPGPSETOKEN; 000A is refused (69 82) before the phone PIN and readable after", async () => {
    const { loaded, card } = await phone("phone-android-yamada-taro");
    expect(tokenLabel(card)).toBe("JPKIAPGPSETOKEN");
    expect(send(card, selectEf("000A")).sw).toBe("9000");
    expect(send(card, "00B0000004").sw).toBe("6982");
    send(card, selectEf("0018"));
    expect(send(card, "00200080").sw).toBe("63C3");
    expect(send(card, verifyPin(loaded.fixture.pin!)).sw).toBe("9000");
    send(card, selectEf("000A"));
    const head = send(card, "00B0000004");
    expect(head.sw).toBe("9000");
    const signed = sign(card, new TextEncoder().encode("nonce"));
    expect(signed.sw).toBe("9000");
    const cert = new X509Certificate(loaded.userAuthCertificateDer);
    expect(rsaVerify("sha256", new TextEncoder().encode("nonce"), cert.publicKey, signed.data)).toBe(true);
  });

  it("Android: wrong PINs lock the phone like the card (63 C2, 63 C1, 63 C0, then 69 84)", async () => {
    const { card } = await phone("phone-android-yamada-taro");
    send(card, SELECT_JPKI);
    send(card, selectEf("0018"));
    expect(["0000", "0000", "0000", "5678"].map((p) => send(card, verifyPin(p)).sw)).toEqual(["63C2", "63C1", "63C0", "6984"]);
    expect(card.retries.userAuth).toBe(0);
  });

  it("the locked Android phone answers 69 84 at once", async () => {
    const { card } = await phone("phone-android-pin-locked");
    send(card, SELECT_JPKI);
    send(card, selectEf("0018"));
    expect(send(card, "00200080").sw).toBe("6984");
  });

  it("iPhone: EF 0006 reads JPKIAPIOSTOKEN, no PIN EF, and it signs only while the owner is authenticated (69 82 otherwise)", async () => {
    const ownerAuth = new MemoryOwnerAuth();
    const { loaded, card } = await phone("phone-iphone-yamada-taro", ownerAuth);
    expect(tokenLabel(card)).toBe("JPKIAPIOSTOKEN");
    expect(send(card, selectEf("0018")).sw).toBe("6A82");
    send(card, selectEf("000A"));
    expect(send(card, "00B0000004").sw).toBe("9000");
    const data = new TextEncoder().encode("nonce");
    expect(sign(card, data).sw).toBe("6982");
    ownerAuth.set(true);
    const signed = sign(card, data);
    expect(signed.sw).toBe("9000");
    expect(rsaVerify("sha256", data, new X509Certificate(loaded.userAuthCertificateDer).publicKey, signed.data)).toBe(true);
    // One authentication, one signature.
    expect(sign(card, data).sw).toBe("6982");
  });
});
