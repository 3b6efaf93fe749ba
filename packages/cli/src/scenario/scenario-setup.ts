/**
 * A scenario's setup, from a clean state: any card off the reader, the server reseeded (people, cards, faults back
 * to the seed), fresh card retry counters (kept for the whole scenario, so a card locked in step 3 is still locked
 * in step 7), the simulation date / consent flow / timeout of the agent's server client, the server's simulation
 * clock (PUT /api/admin/clock), then the setup's server
 * scenario, person actions and faults.
 */
import { MemoryCardStateStore } from "@onshi-sim/card-sim";
import type { QualificationSettings } from "@onshi-sim/agent";
import type { Scenario } from "@onshi-sim/scenarios";
import type { ScenarioPerformer } from "./scenario-performer.js";

/** The server's clock for the runner's own server: real time, shifted to the scenario's date (noon JST at the start). */
export class ShiftedClock {
  #offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.#offsetMs);
  set(date: string | undefined): void {
    this.#offsetMs = date ? Date.parse(`${date}T12:00:00+09:00`) - Date.now() : 0;
  }
}

export interface PreparedScenario {
  /** The scenario's date as YYYYMMDD (the simulation date sent with each call), if it sets one. */
  readonly simulationDate: string | undefined;
}

export async function prepareScenario(
  scenario: Scenario,
  to: { readonly performer: ScenarioPerformer; readonly clock: ShiftedClock | undefined; readonly configureQualification: (settings: QualificationSettings) => void;
    /** Takes the scenario's fresh card counter store (the cards inserted from now on count their tries in it). */
    readonly cardStore: (store: MemoryCardStateStore) => void;
  },
): Promise<PreparedScenario> {
  const { performer } = to;
  await performer.reset();
  const setup = scenario.setup ?? {};
  const simulationDate = setup.date ? setup.date.replaceAll("-", "") : undefined;
  to.clock?.set(setup.date);
  to.cardStore(new MemoryCardStateStore());
  to.configureQualification({
    ...(simulationDate ? { simulationDate } : {}),
    ...(setup.consentFlow ? { consentFlow: setup.consentFlow } : {}),
    ...(setup.requestTimeoutMs ? { timeoutMs: setup.requestTimeoutMs } : {}),
  });
  await performer.phoneReaderAvailable(setup.phoneReader ?? true);
  await performer.admin.reseed();
  // The server's own clock too: what carries no date of its own (folder files, 一括照会, 薬剤情報) is answered on
  // the scenario's day. The runner puts the previous date back after the scenario.
  await performer.admin.setClock(simulationDate ?? null);
  if (setup.serverScenario) await performer.admin.applyServerScenario(setup.serverScenario);
  for (const a of setup.personActions ?? []) await performer.admin.personAction(a.personId, a.action);
  for (const f of setup.faults ?? []) await performer.admin.addFault(f);
  return { simulationDate };
}
