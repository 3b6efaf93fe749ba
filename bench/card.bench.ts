/**
 * Issue 2 benchmarks: one APDU round trip and the whole PIN path (select, read certificate, verify, sign)
 * over the memory binding and over pcsc + pcscd + vpcd. Targets: PIN path ≤ 10 ms median over memory,
 * ≤ 50 ms over pcsc+vpcd. Also one APDU over pcsc+vpcd with the card-side TCP_QUICKACK off, to show what the
 * delayed ACK costs (transport/vpcd-latency.ts).
 */
import { findCardFixture } from "@onshi-sim/jpki-testkit";
import { MemoryCardStateStore } from "@onshi-sim/card-sim";
import { fromLoadedCard } from "@onshi-sim/card-sim";
import { VirtualMyNumberCard } from "@onshi-sim/card-sim";
import { CardChannel } from "@onshi-sim/card-client";
import { MyNumberCardClient } from "@onshi-sim/card-client";
import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { ensurePcscd } from "@onshi-sim/card-sim";
import type { ReaderTransport } from "@onshi-sim/reader-bindings";
import { ms, timeMany, type Summary } from "./stats.js";

const SELECT_JPKI = Uint8Array.from(Buffer.from("00A4040C0AD392F000260100000001", "hex"));
const CHALLENGE = new TextEncoder().encode("bench-challenge");

async function pinPath(transport: ReaderTransport, reader: string): Promise<void> {
  const client = new MyNumberCardClient(new CardChannel(transport, reader));
  await client.identify();
  await client.readUserAuthCertificate();
  // A fixture card counts as real here (no CA given), so the path includes the status query real-card safety adds.
  const v = await client.verify("userAuth", "1234");
  if (!v.ok) throw new Error("bench card refused its PIN");
  await client.signWithUserAuthKey(CHALLENGE);
}

async function measure(transport: ReaderTransport, reader: string, n: number): Promise<{ apdu: Summary; pinPath: Summary }> {
  const apdu = await timeMany(n * 5, 50, () => transport.transmit(reader, SELECT_JPKI));
  const pin = await timeMany(n, 10, () => pinPath(transport, reader));
  return { apdu, pinPath: pin };
}

export async function benchCard(): Promise<Record<string, unknown>> {
  const loaded = await findCardFixture("yamada-taro");
  const newCard = () => new VirtualMyNumberCard(fromLoadedCard(loaded), { stateStore: new MemoryCardStateStore() });
  const results: Record<string, unknown> = {};

  const memory = new MemoryReaderTransport();
  await memory.start();
  const memReader = memory.listReaders()[0] as string;
  memory.insert(newCard(), memReader);
  results.memory = await measure(memory, memReader, 300);
  await memory.close();

  const pcscd = await ensurePcscd();
  if (!pcscd.available) {
    results.pcsc = { skipped: pcscd.reason };
  } else {
    const { PcscReaderTransport } = await import("@onshi-sim/reader-bindings");
    const { VpcdBridge, vpcdReaderName } = await import("@onshi-sim/card-sim");
    const { loopbackQuickackEnabled } = await import("@onshi-sim/card-sim");
    const slot = 1; // slot 1 so a card a developer keeps in slot 0 is left alone
    const reader = vpcdReaderName(slot);
    const pcsc = new PcscReaderTransport({ readerFilter: (name: string) => name === reader });
    await pcsc.start();
    const plugIn = async (quickAck: boolean) => {
      const inserted = new Promise<void>((resolve) => pcsc.once("card", () => resolve()));
      const bridge = new VpcdBridge(newCard(), { slot, quickAck });
      await bridge.insert();
      await inserted;
      return bridge;
    };
    const unplug = async (bridge: InstanceType<typeof VpcdBridge>) => {
      const off = new Promise<void>((resolve) => pcsc.once("card.off", () => resolve()));
      await bridge.remove();
      await off;
    };
    const bridge = await plugIn(true);
    results.pcsc = { ...(await measure(pcsc, reader, 100)), cardSideQuickack: bridge.quickAck, latency: pcscd.latency };
    await unplug(bridge);
    // The same APDU without the card-side TCP_QUICKACK: what the delayed ACK costs when the loopback route
    // has no quickack either (few samples: ~44 ms each then).
    const slow = await plugIn(false);
    results["pcsc-no-card-quickack"] = {
      apdu: await timeMany(30, 3, () => pcsc.transmit(reader, SELECT_JPKI)),
      loopbackRouteQuickack: loopbackQuickackEnabled() ?? "unknown",
    };
    await unplug(slow);
    await pcsc.close();
    await pcscd.stop();
  }
  for (const [binding, r] of Object.entries(results)) {
    const v = r as { apdu?: Summary; pinPath?: Summary; skipped?: string };
    if (v.skipped) console.log(`card/${binding}: skipped (${v.skipped})`);
    else {
      const pin = v.pinPath ? `; PIN path median ${ms(v.pinPath.median)} p95 ${ms(v.pinPath.p95)}` : "";
      console.log(`card/${binding}: APDU round trip median ${ms(v.apdu!.median)} p95 ${ms(v.apdu!.p95)}${pin}`);
    }
  }
  return results;
}
