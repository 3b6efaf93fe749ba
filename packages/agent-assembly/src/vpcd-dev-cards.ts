/**
 * dev:insert-card into pcscd's vpcd slot N: the fixture card goes in through a VpcdBridge, so the agent reads it
 * over the real PC/SC stack ("Virtual PCD 00 0N"). One card at a time; a new insert takes the last one out.
 */
import { VpcdBridge } from "@onshi-sim/card-sim";
import type { DevCardSlots } from "@onshi-sim/agent";
import type { ReleasableCard } from "./fixture-cards.js";

export function vpcdDevCards(slot: number, makeCard: (cardId: string) => Promise<ReleasableCard>): DevCardSlots & { releaseAll(): Promise<void> } {
  let bridge: VpcdBridge | undefined;
  let card: ReleasableCard | undefined;
  const unplug = async () => {
    if (bridge?.connected) await bridge.remove();
    bridge = undefined;
    card?.release();
    card = undefined;
  };
  return {
    async insert(cardId) {
      await unplug();
      card = await makeCard(cardId);
      bridge = new VpcdBridge(card, { slot });
      await bridge.insert();
    },
    remove: unplug,
    releaseAll: unplug,
  };
}
