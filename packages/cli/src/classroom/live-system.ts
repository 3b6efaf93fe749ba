/** The live system's parts as the scenario player needs them (onshi-sim start): settings, counters, secrets. */
import type { CardStateStore } from "@onshi-sim/card-sim";
import type { TrainerSettings } from "@onshi-sim/kiosk-ui";
import type { LiveSettings } from "./runner-bridge.js";

/** The runner's per-scenario date / consent flow / timeout, on the trainer settings (what /trainer shows too). */
export function trainerLiveSettings(settings: TrainerSettings): LiveSettings {
  return {
    configure(o) {
      settings.update({ simulationDate: o.simulationDate ?? null, consentFlow: o.consentFlow ?? null, requestTimeoutMs: o.timeoutMs ?? null });
    },
  };
}

/** Puts a card's counters back to the fixture's: its state file goes (taken like `card reset-pin`, so not while inserted). */
export function cardCounterReset(store: CardStateStore): (cardId: string) => void {
  return (cardId) => {
    const claim = store.claim(cardId, "onshi-sim scenario play (counters back to the fixture's)");
    try {
      store.delete(cardId);
    } finally {
      claim.release();
    }
  };
}
