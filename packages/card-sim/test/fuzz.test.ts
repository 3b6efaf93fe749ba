/**
 * Fuzz: ≥ 100,000 random and mutated APDUs. The card must never throw, must answer only status words from
 * its documented list, and retry counters may change only on a VERIFY.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "@onshi-sim/apdu";
import { CARD_STATUS_WORDS } from "../src/virtual-my-number-card.js";
import { virtualCard } from "../../../test/support/cards.js";

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = [
  "00A4040C0AD392F000260100000001",
  "00A4040C0AD3921000310001010408",
  "00A4040C0AD3921000310001010402",
  "00A4020C02000A",
  "00A4020C020018",
  "00A4020C020017",
  "00A4020C020011",
  "00A4020C020012",
  "00A4020C020002",
  "00B0000004",
  "00B0000100",
  "00B08A0000",
  "00200080",
  "002000800431323334",
  "002000800430303030",
  "802A0080333031300D06096086480165030402010500042000112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF00",
].map(fromHex);

const TOTAL = 100_000;

describe("fuzzing the card OS", () => {
  it(`survives ${TOTAL.toLocaleString()} random and mutated APDUs`, async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261122);
    const rnd = mulberry32(seed);
    const byte = () => Math.floor(rnd() * 256);
    const card = await virtualCard("yamada-taro");
    card.powerOn();
    const swSeen = new Map<number, number>();
    let verifies = 0;
    for (let i = 0; i < TOTAL; i++) {
      let apdu: Uint8Array;
      const mode = rnd();
      if (mode < 0.3) {
        apdu = Uint8Array.from({ length: Math.floor(rnd() * 40) }, byte);
      } else if (mode < 0.55) {
        // Right class and instruction, random rest: reaches deep into each handler.
        const ins = [0xa4, 0xb0, 0x20, 0x2a][Math.floor(rnd() * 4)] as number;
        apdu = Uint8Array.from({ length: 4 + Math.floor(rnd() * 24) }, byte);
        apdu[0] = ins === 0x2a ? 0x80 : 0x00;
        apdu[1] = ins;
      } else {
        const base = CORPUS[Math.floor(rnd() * CORPUS.length)] as Uint8Array;
        apdu = Uint8Array.from(base);
        const flips = 1 + Math.floor(rnd() * 3);
        for (let k = 0; k < flips; k++) {
          const op = rnd();
          if (op < 0.6 && apdu.length > 0) apdu[Math.floor(rnd() * apdu.length)] = byte();
          else if (op < 0.8) apdu = apdu.subarray(0, Math.floor(rnd() * (apdu.length + 1)));
          else apdu = Uint8Array.from([...apdu, byte()]);
        }
      }
      if (rnd() < 0.001) card.reset();
      const before = JSON.stringify(card.retries);
      let response: Uint8Array;
      try {
        response = card.transmit(apdu);
      } catch (e) {
        throw new Error(`seed ${seed}, APDU #${i} ${toHex(apdu)} threw: ${(e as Error).message}`);
      }
      if (response.length < 2) throw new Error(`seed ${seed}, APDU #${i} ${toHex(apdu)}: response shorter than a SW`);
      const sw = ((response[response.length - 2] as number) << 8) | (response[response.length - 1] as number);
      if (!CARD_STATUS_WORDS.has(sw)) throw new Error(`seed ${seed}, APDU #${i} ${toHex(apdu)}: undocumented SW ${sw.toString(16)}`);
      swSeen.set(sw, (swSeen.get(sw) ?? 0) + 1);
      const isVerify = apdu.length >= 4 && apdu[0] === 0x00 && apdu[1] === 0x20;
      if (isVerify) verifies++;
      if (!isVerify && JSON.stringify(card.retries) !== before) {
        throw new Error(`seed ${seed}, APDU #${i} ${toHex(apdu)} changed a retry counter without being a VERIFY`);
      }
    }
    // The run must have exercised more than the error paths.
    expect(swSeen.get(0x9000) ?? 0).toBeGreaterThan(1000);
    expect(verifies).toBeGreaterThan(1000);
    expect(swSeen.size).toBeGreaterThan(8);
  }, 120_000);
});
