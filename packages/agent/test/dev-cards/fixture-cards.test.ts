/** The agent's dev cards (dev:insert-card, the trainer console): a card is in one reader at a time, here or elsewhere. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DevCardError } from "../../src/socket/agent-server.js";
import { fixtureCardFactory } from "../../src/dev-cards/fixture-cards.js";
import { memoryDevCards } from "../../src/dev-cards/memory-dev-cards.js";
import { FileCardStateStore } from "@onshi-sim/card-sim";
import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { virtualCard } from "../../../../test/support/cards.js";

const A = "onshi-sim Memory Reader 00";
const B = "onshi-sim Memory Reader 01";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "onshi-dev-cards-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(p: Promise<unknown>): Promise<DevCardError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DevCardError);
  return e as DevCardError;
}

describe("memoryDevCards + fixtureCardFactory", () => {
  it("refuse a card that is in another reader of this agent (card-in-use, naming it), and take it once it is out", async () => {
    const memory = new MemoryReaderTransport([A, B]);
    const slots = memoryDevCards(memory, fixtureCardFactory({ stateStore: new FileCardStateStore(dir), holder: "agent test" }));
    await slots.insert("yamada-taro", A);
    const e = await refusal(slots.insert("yamada-taro", B));
    expect(e.code).toBe("card-in-use");
    expect(e.error?.params?.holder).toContain(`pid ${process.pid} (agent test)`); // its words: texts/test/agent-outcomes.test.ts
    expect(memory.cardIn(B)).toBeUndefined();
    expect(memory.cardIn(A)).toBeDefined(); // untouched by the refusal

    await slots.insert("yamada-taro", A); // the same card put back in its reader is not a second copy
    await slots.insert("sato-hanako", A); // another card replaces it, and gives it back
    await slots.insert("yamada-taro", B);
    slots.releaseAll();
    expect(memory.cardIn(A)).toBeUndefined();
    (await virtualCard("yamada-taro", { stateStore: new FileCardStateStore(dir) })).release();
  });

  it("refuse a card that `onshi-sim card insert` holds (another holder of the same card files)", async () => {
    const elsewhere = await virtualCard("yamada-taro", { stateStore: new FileCardStateStore(dir), holder: "onshi-sim card insert --via vpcd --slot 0" });
    const slots = memoryDevCards(new MemoryReaderTransport([A]), fixtureCardFactory({ stateStore: new FileCardStateStore(dir) }));
    const e = await refusal(slots.insert("yamada-taro"));
    expect(e.error?.params?.holder).toContain("onshi-sim card insert --via vpcd --slot 0");
    elsewhere.release();
    await slots.insert("yamada-taro");
    slots.releaseAll();
  });
});
