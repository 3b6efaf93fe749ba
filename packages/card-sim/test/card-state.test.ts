/** The card state stores: one holder per card, state files never followed through links, corrupt ones named with the fix. */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CardInUseError, CardStateError, FileCardStateStore, MemoryCardStateStore, PIN_OBJECTS, type CardState } from "../src/card-state.js";
import { virtualCard } from "../../../test/support/cards.js";

const full = (): CardState => ({ version: 1, retries: Object.fromEntries(Object.entries(PIN_OBJECTS).map(([k, v]) => [k, v.maxTries])) as CardState["retries"] });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "onshi-card-store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("claims: one holder per card", () => {
  it("a second card object of one card is refused in the same process (memory and file stores), until the first is released", async () => {
    for (const stateStore of [new MemoryCardStateStore(), new FileCardStateStore(dir)]) {
      const first = await virtualCard("yamada-taro", { stateStore, holder: "reader A" });
      await expect(virtualCard("yamada-taro", { stateStore, holder: "reader B" })).rejects.toThrow(CardInUseError);
      await expect(virtualCard("yamada-taro", { stateStore })).rejects.toThrow(/card "yamada-taro" is already inserted by .*reader A/);
      const other = await virtualCard("sato-hanako", { stateStore }); // other cards are free
      first.release();
      other.release();
      (await virtualCard("yamada-taro", { stateStore })).release();
    }
  });

  it("a released card answers nothing useful and never writes the counters again", async () => {
    const stateStore = new FileCardStateStore(dir);
    const c = await virtualCard("yamada-taro", { stateStore });
    c.release();
    expect(Buffer.from(c.transmit(Buffer.from("00A4040C0AD392F000260100000001", "hex"))).toString("hex")).toBe("6f00");
    expect(existsSync(join(dir, "yamada-taro.state.json"))).toBe(false);
  });

  it("a lock whose pid is alive but started at another time (a reused pid) is taken over", async () => {
    writeFileSync(join(dir, "yamada-taro.lock"), JSON.stringify({ pid: process.pid, startTime: "1", token: "t", since: "", details: { process: "x" } }));
    const c = await virtualCard("yamada-taro", { stateStore: new FileCardStateStore(dir) });
    expect(JSON.parse(readFileSync(join(dir, "yamada-taro.lock"), "utf8")).token).not.toBe("t");
    c.release();
    expect(existsSync(join(dir, "yamada-taro.lock"))).toBe(false);
  });
});

describe("FileCardStateStore files", () => {
  const store = () => new FileCardStateStore(dir);
  const stateFile = () => join(dir, "yamada-taro.state.json");

  it("never reads a state file through a symbolic link", () => {
    const target = join(dir, "elsewhere.json");
    writeFileSync(target, JSON.stringify(full()));
    symlinkSync(target, stateFile());
    expect(() => store().load("yamada-taro")).toThrow(CardStateError);
    expect(() => store().load("yamada-taro")).toThrow(`${stateFile()} is not a usable card state file (it is a symbolic link`);
  });

  it("never writes through a symbolic link, neither the state file nor its temp file", () => {
    const target = join(dir, "victim");
    writeFileSync(target, "precious");
    symlinkSync(target, `${stateFile()}.${process.pid}.tmp`);
    store().save("yamada-taro", full()); // the planted temp name is replaced, not written through
    expect(readFileSync(target, "utf8")).toBe("precious");
    expect(store().load("yamada-taro")).toEqual(full());

    rmSync(stateFile());
    symlinkSync(target, stateFile());
    expect(() => store().save("yamada-taro", full())).toThrow(/is a symbolic link/);
    expect(readFileSync(target, "utf8")).toBe("precious");
  });

  it.each([
    ["not JSON", "{ \"version\": 1, \"retries\": { \"userAuth\": 3 SECRET-LOOKING-CONTENT"],
    ["a bad counter", JSON.stringify({ version: 1, retries: { userAuth: "SECRET-LOOKING-CONTENT" } })],
    ["empty", ""],
  ])("a corrupt file (%s) fails naming the file and the fix, without its content", (_label, content) => {
    writeFileSync(stateFile(), content);
    let error: unknown;
    try {
      store().load("yamada-taro");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CardStateError);
    const message = (error as Error).message;
    expect(message).toContain(stateFile());
    expect(message).toContain("onshi-sim card reset-pin yamada-taro --all");
    expect(message).toContain("delete it");
    expect(message).not.toContain("SECRET-LOOKING-CONTENT");
  });
});
