import { describe, expect, it } from "vitest";
import { fromHex } from "../src/hex.js";
import { formatTranscript, parseTranscript } from "../src/transcript.js";

describe("transcripts", () => {
  it("formats => / <= lines with comments and masks VERIFY data", () => {
    const text = formatTranscript([
      { command: fromHex("00A4040C0AD392F000260100000001"), response: fromHex("9000"), comment: "SELECT JPKI-AP" },
      { command: fromHex("002000800431323334"), response: fromHex("9000") },
    ]);
    expect(text).toBe("# SELECT JPKI-AP\n=> 00A4040C0AD392F000260100000001\n<= 9000\n=> 0020008004********\n<= 9000\n");
    expect(text).not.toContain("31323334");
  });

  it("parses a transcript back, keeping comments", () => {
    const entries = parseTranscript("# hello\n=> 00B0000004\n<= 308206E09000\n\n=> 00200080\n<= 63C3\n");
    expect(entries).toHaveLength(2);
    expect(entries[0]?.comment).toBe("hello");
    expect(entries[1]?.response).toEqual(fromHex("63C3"));
  });

  it("says which line is wrong", () => {
    expect(() => parseTranscript("=> 00B0\n=> 00B0\n")).toThrow(/line 2: command without a response on line 1/);
    expect(() => parseTranscript("<= 9000\n")).toThrow(/line 1: response without a command/);
    expect(() => parseTranscript("=> 0G\n<= 9000")).toThrow(/line 1: hex string contains a non-hex character "G"/);
    expect(() => parseTranscript("hello")).toThrow(/line 1: expected "=> <hex>"/);
    expect(() => parseTranscript("=> 00200080\n")).toThrow(/line 1: command without a response at end/);
    expect(() => parseTranscript("=> 0020008004****\n<= 9000")).toThrow(/masked command cannot be replayed/);
  });
});
