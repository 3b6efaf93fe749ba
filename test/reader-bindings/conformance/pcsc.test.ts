/**
 * The card conformance suite over the real PC/SC path: PcscReaderTransport (nfc-pcsc) → pcscd → vpcd →
 * VpcdBridge → the virtual card. Takes one vpcd slot for the whole file (so it can run beside other pcsc
 * test files) and watches only that slot's reader. Without PC/SC it skips, or fails when CI=true.
 */
import type { SmartCard } from "@onshi-sim/reader-bindings";
import { PcscReaderTransport } from "@onshi-sim/reader-bindings";
import { VpcdBridge } from "@onshi-sim/card-sim";
import { acquireVpcdSlot, describePcsc } from "../../support/pcscd.js";
import { describeCardConformance, waitForEvent, type BindingUnderTest } from "./card-conformance.js";

async function openPcscBinding(): Promise<BindingUnderTest> {
  const lease = await acquireVpcdSlot();
  const reader = lease.reader;
  // Only our slot: the other one may hold another test file's card.
  const transport = new PcscReaderTransport({ readerFilter: (name) => name === reader });
  try {
    await transport.start();
  } catch (e) {
    await lease.release();
    throw e;
  }
  let bridge: VpcdBridge | undefined;

  const remove = async () => {
    const current = bridge;
    if (!current) return;
    bridge = undefined;
    const off = waitForEvent<void>((r) => transport.once("card.off", () => r()), `card.off on "${reader}"`);
    await current.remove();
    await off;
  };

  const insert = async (card: SmartCard) => {
    await remove();
    const next = new VpcdBridge(card, { slot: lease.slot });
    const seen = waitForEvent<void>((r) => transport.once("card", () => r()), `card on "${reader}"`);
    await next.insert();
    bridge = next;
    await seen;
  };

  return {
    transport,
    reader,
    insert,
    remove,
    close: async () => {
      try {
        await remove();
      } finally {
        await transport.close();
        await lease.release();
      }
    },
  };
}

describePcsc("PC/SC (pcscd + vpcd)", () => {
  describeCardConformance("pcsc + pcscd + vpcd", openPcscBinding);
});
