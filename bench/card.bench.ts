/**
 * Issue 2 benchmarks: one APDU round trip and the whole PIN path (select, read certificate, verify, sign)
 * over the memory binding and over pcsc + pcscd + vpcd. Targets: PIN path ≤ 10 ms median over memory,
 * ≤ 50 ms over pcsc+vpcd.
 */
import { findCardFixture } from "@onshi-sim/fixtures";
import { MemoryCardStateStore } from "../reader-agent/src/card/card-state.js";
import { fromLoadedCard } from "../reader-agent/src/card/virtual-card-data.js";
import { VirtualMyNumberCard } from "../reader-agent/src/card/virtual-my-number-card.js";
import { CardChannel } from "../reader-agent/src/client/card-channel.js";
import { MyNumberCardClient } from "../reader-agent/src/client/my-number-card-client.js";
import { MemoryReaderTransport } from "../reader-agent/src/transport/memory.js";
import { ensurePcscd } from "../reader-agent/src/transport/pcscd-daemon.js";
import type { ReaderTransport } from "../reader-agent/src/transport/reader-transport.js";
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
    const { PcscReaderTransport } = await import("../reader-agent/src/transport/pcsc.js");
    const { VpcdBridge } = await import("../reader-agent/src/transport/vpcd-bridge.js");
    const slot = 1; // slot 1 so a card a developer keeps in slot 0 is left alone
    const reader = `Virtual PCD 00 0${slot}`;
    const pcsc = new PcscReaderTransport({ readerFilter: (name: string) => name === reader });
    await pcsc.start();
    const inserted = new Promise<void>((resolve) => pcsc.once("card", () => resolve()));
    const bridge = new VpcdBridge(newCard(), { slot });
    await bridge.insert();
    await inserted;
    results.pcsc = await measure(pcsc, reader, 100);
    await bridge.remove();
    await pcsc.close();
    await pcscd.stop();
  }
  for (const [binding, r] of Object.entries(results)) {
    const v = r as { apdu?: Summary; pinPath?: Summary; skipped?: string };
    if (v.skipped) console.log(`card/${binding}: skipped (${v.skipped})`);
    else console.log(`card/${binding}: APDU round trip median ${ms(v.apdu!.median)} p95 ${ms(v.apdu!.p95)}; PIN path median ${ms(v.pinPath!.median)} p95 ${ms(v.pinPath!.p95)}`);
  }
  return results;
}
