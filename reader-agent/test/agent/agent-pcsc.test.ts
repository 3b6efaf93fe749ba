/**
 * Full receptions through the real PC/SC stack: a virtual card plugged into pcscd's vpcd slot by VpcdBridge,
 * PcscReaderTransport (nfc-pcsc) on the host side, the reader agent, a kiosk over Socket.IO and a real mock
 * server. PIN success, the card pulled during PIN entry, and three wrong PINs → locked → face.
 * Needs PC/SC (test/global-setup.ts starts pcscd when it can): skips without it, fails with CI=true.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FACES_DIR } from "@onshi-sim/fixtures";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { AgentDriver } from "../../src/agent/agent-driver.js";
import type { VirtualMyNumberCard } from "../../src/card/virtual-my-number-card.js";
import { WorkerFaceVerifier } from "../../src/face/worker-face-verifier.js";
import { PcscReaderTransport } from "../../src/transport/pcsc.js";
import { VpcdBridge } from "../../src/transport/vpcd-bridge.js";
import { acquireVpcdSlot, describePcsc, type VpcdSlotLease } from "../../../test/support/pcscd.js";
import { virtualCard } from "../../../test/support/cards.js";
import { startAgentHarness, type AgentHarness } from "../support/agent-harness.js";

describePcsc("reader agent over pcscd + vpcd", () => {
  let lease: VpcdSlotLease;
  let h: AgentHarness;
  let kiosk: AgentDriver;
  let bridge: VpcdBridge | undefined;
  const faces = new WorkerFaceVerifier();

  beforeAll(async () => {
    lease = await acquireVpcdSlot();
    await faces.ready();
    // Only our slot: another test file may be using the other one.
    const transport = new PcscReaderTransport({ readerFilter: (name) => name === lease.reader });
    h = await startAgentHarness({ transport, faceVerifier: faces });
    kiosk = await h.kiosk();
  }, 120_000);

  afterEach(async () => {
    if (bridge?.connected) {
      await bridge.remove();
      await kiosk.waitFor("waiting-for-card", { reader: lease.reader, timeoutMs: 5000 });
    }
    bridge = undefined;
  });

  afterAll(async () => {
    await h?.close();
    await faces.close();
    await lease?.release();
  });

  async function insert(id: string): Promise<VirtualMyNumberCard> {
    const card = await virtualCard(id);
    bridge = new VpcdBridge(card, { slot: lease.slot });
    await bridge.insert();
    return card;
  }

  it("PIN success: card → PIN → server → consent → done, the card taken away", async () => {
    const t0 = performance.now();
    await insert("yamada-taro");
    const choosing = await kiosk.waitFor("choose-method", { reader: lease.reader });
    expect(choosing).toMatchObject({ reader: lease.reader, card: { kind: "fixture" }, pin: { triesLeft: 3 } });
    await kiosk.pin("1234", lease.reader);
    const consent = await kiosk.waitFor("consent", { reader: lease.reader });
    expect(consent.result).toMatchObject({ usable: true, method: "pin" });
    const insertedToResultMs = performance.now() - t0;
    await kiosk.consent({ comprehensive: true }, lease.reader);
    expect((await kiosk.waitFor("done", { reader: lease.reader })).result?.consents).toHaveLength(4);
    await bridge?.remove();
    await kiosk.waitFor("waiting-for-card", { reader: lease.reader });
    expect(insertedToResultMs).toBeLessThan(5000);
  });

  it("card pulled during PIN entry: aborted cleanly, counters untouched", async () => {
    const card = await insert("yamada-taro");
    await kiosk.waitFor("choose-method", { reader: lease.reader });
    await kiosk.choose("pin", lease.reader);
    expect((await kiosk.pin("9085", lease.reader)).session?.pin?.triesLeft).toBe(2);
    await bridge?.remove();
    const aborted = await kiosk.waitFor("aborted", { reader: lease.reader });
    expect(aborted.error?.code).toBe("card-removed");
    await kiosk.waitFor("waiting-for-card", { reader: lease.reader });
    expect(card.retries.userAuth).toBe(2);
  });

  it("three wrong PINs lock the card; face then verifies the patient", async () => {
    const card = await insert("yamada-taro");
    await kiosk.waitFor("choose-method", { reader: lease.reader });
    expect((await kiosk.pin("9085", lease.reader)).session?.pin?.triesLeft).toBe(2);
    expect((await kiosk.pin("8076", lease.reader)).session?.pin?.triesLeft).toBe(1);
    const locked = await kiosk.pin("6907", lease.reader);
    expect(locked.session).toMatchObject({ phase: "choose-method", pin: { state: "locked" }, methods: ["face", "visual"], error: { code: "pin-locked" } });
    expect(card.retries.userAuth).toBe(0);
    // The card face (照合番号B, photo) was read over PC/SC in the background.
    await kiosk.waitFor((v) => v.face?.referenceReady === true, { reader: lease.reader });
    await kiosk.faceFrame(await readFile(join(FACES_DIR, "grace-hopper-camera.jpg")), lease.reader);
    const consent = await kiosk.waitFor("consent", { reader: lease.reader });
    expect(consent).toMatchObject({ method: "face", result: { usable: true, method: "face" } });
  });
});
