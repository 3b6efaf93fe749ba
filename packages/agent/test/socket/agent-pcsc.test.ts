/**
 * The full-reception suite (agent-session-suite.ts) through the real PC/SC stack: the virtual card plugged into
 * pcscd's vpcd slot by VpcdBridge, PcscReaderTransport (nfc-pcsc) on the agent's side.
 * Needs PC/SC (test/global-setup.ts starts pcscd when it can): skips without it, fails with CI=true.
 */
import { PcscReaderTransport } from "@onshi-sim/reader-bindings";
import { VpcdBridge } from "@onshi-sim/card-sim";
import { acquireVpcdSlot, describePcsc, SLOT_SETTLE_MS, type VpcdSlotLease } from "../../../../test/support/pcscd.js";
import { agentSessionSuite } from "./agent-session-suite.js";

describePcsc("reader agent over pcscd + vpcd", () => {
  let lease: VpcdSlotLease | undefined;
  let bridge: VpcdBridge | undefined;
  agentSessionSuite({
    async setup() {
      lease = await acquireVpcdSlot();
      return lease.reader;
    },
    teardown: async () => lease?.release(),
    // Only our slot: another test file may be using the other one.
    transport: () => new PcscReaderTransport({ readerFilter: (name) => name === lease!.reader }),
    async insert(_h, card) {
      bridge = new VpcdBridge(card, { slot: lease!.slot });
      await bridge.insert();
    },
    async remove() {
      if (bridge?.connected) await bridge.remove();
      bridge = undefined;
      // pcscd polls the slot: let it see the card gone before the next agent (or card) comes.
      await new Promise((resolve) => setTimeout(resolve, SLOT_SETTLE_MS));
    },
  });
});
