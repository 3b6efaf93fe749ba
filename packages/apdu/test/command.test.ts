import { describe, expect, it } from "vitest";
import { ApduParseError, encodeCommandApdu, parseCommandApdu } from "../src/command.js";
import { fromHex, toHex } from "../src/hex.js";
import { describeStatusWord, triesLeftOf, verifyFailed } from "../src/status.js";
import { encodeResponseApdu, parseResponseApdu, ResponseParseError } from "../src/response.js";

describe("parseCommandApdu", () => {
  it("parses case 1 (header only)", () => {
    const c = parseCommandApdu(fromHex("00200080"));
    expect(c).toMatchObject({ cla: 0, ins: 0x20, p1: 0, p2: 0x80, le: undefined, extended: false });
  });

  it("parses case 2 short, Le 00 meaning 256", () => {
    expect(parseCommandApdu(fromHex("00B0000004")).le).toBe(4);
    expect(parseCommandApdu(fromHex("00B0000000")).le).toBe(256);
  });

  it("parses case 3 and case 4 short", () => {
    const select = parseCommandApdu(fromHex("00A4040C0AD392F000260100000001"));
    expect(toHex(select.data)).toBe("D392F000260100000001");
    expect(select.le).toBeUndefined();
    const sign = parseCommandApdu(fromHex("802A00800301020300"));
    expect(toHex(sign.data)).toBe("010203");
    expect(sign.le).toBe(256);
  });

  it("parses extended cases 2, 3 and 4", () => {
    expect(parseCommandApdu(fromHex("00B00000000000"))).toMatchObject({ le: 65536, extended: true });
    expect(parseCommandApdu(fromHex("00B00000000800"))).toMatchObject({ le: 2048, extended: true });
    const long = new Uint8Array(300).fill(7);
    const e3 = parseCommandApdu(encodeCommandApdu({ cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: long }));
    expect(e3).toMatchObject({ extended: true, le: undefined });
    expect(e3.data.length).toBe(300);
    const e4 = parseCommandApdu(encodeCommandApdu({ ins: 0x2a, p1: 0, p2: 0x80, data: long, le: 0x10000 }));
    expect(e4).toMatchObject({ extended: true, le: 65536 });
  });

  it("rejects malformed input with a precise message", () => {
    expect(() => parseCommandApdu(fromHex("00A4"))).toThrow(/at least 4 header bytes, got 2/);
    expect(() => parseCommandApdu(fromHex("00A4040C05D392"))).toThrow(/Lc is 5 but 2 bytes follow it/);
    expect(() => parseCommandApdu(fromHex("00A4040C0000"))).toThrow(/extended length marker 00 needs 2 more length bytes, got 1/);
    expect(() => parseCommandApdu(fromHex("00A4040C000000"))).not.toThrow(); // extended case 2, Le = 65536
    expect(() => parseCommandApdu(fromHex("00A4040C00000201"))).toThrow(/extended Lc is 2 but 1 bytes follow/);
    expect(() => parseCommandApdu(fromHex("00A4040C00000000"))).toThrow(ApduParseError);
    try {
      parseCommandApdu(fromHex("00A4040C05D392"));
    } catch (e) {
      expect((e as Error).message).toContain("00 A4 04 0C 05 D3 92");
    }
  });

  it("round-trips through encodeCommandApdu", () => {
    for (const init of [
      { ins: 0xa4, p1: 4, p2: 0x0c, data: fromHex("D3921000310001010408") },
      { ins: 0xb0, p1: 1, p2: 2, le: 0x100 },
      { ins: 0x20, p1: 0, p2: 0x80 },
      { cla: 0x80, ins: 0x2a, p1: 0, p2: 0x80, data: fromHex("3031"), le: 0x100 },
    ]) {
      const bytes = encodeCommandApdu(init);
      const c = parseCommandApdu(bytes);
      expect(encodeCommandApdu({ cla: c.cla, ins: c.ins, p1: c.p1, p2: c.p2, data: c.data, ...(c.le ? { le: c.le } : {}) })).toEqual(bytes);
    }
  });

  it("refuses to encode out-of-range fields", () => {
    expect(() => encodeCommandApdu({ ins: 0x100, p1: 0, p2: 0 })).toThrow(/INS must be a byte/);
    expect(() => encodeCommandApdu({ ins: 0xb0, p1: 0, p2: 0, le: 0 })).toThrow(/Le must be/);
  });
});

describe("responses and status words", () => {
  it("splits data and SW", () => {
    expect(parseResponseApdu(fromHex("01029000"))).toEqual({ data: fromHex("0102"), sw: 0x9000 });
    expect(() => parseResponseApdu(fromHex("90"))).toThrow(ResponseParseError);
    expect(encodeResponseApdu(0x63c2)).toEqual(fromHex("63C2"));
  });

  it("describes and decodes tries left", () => {
    expect(verifyFailed(2)).toBe(0x63c2);
    expect(triesLeftOf(0x63c0)).toBe(0);
    expect(triesLeftOf(0x6984)).toBeUndefined();
    expect(describeStatusWord(0x63c1)).toBe("63C1 verification failed, 1 tries left");
    expect(describeStatusWord(0x6a82)).toContain("not found");
  });
});
