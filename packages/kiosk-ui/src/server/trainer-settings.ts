/**
 * The trainer's settings that change what the agent asks the server: the simulation date and the consent flow
 * (since-2024-10-07 包括同意, or the older flow with the 限度額 screen). The agent follows them through
 * `new SwitchableQualification(base, () => settings.view)` (@onshi-sim/agent), so /trainer can change them while
 * the agent runs.
 */

export type ConsentFlowSetting = "since-2024-10-07" | "before-2024-10-07";

export interface TrainerSettingsView {
  /** YYYYMMDD, or null: the server's default (today in Japan time). */
  readonly simulationDate: string | null;
  /** null: the server decides from the date. */
  readonly consentFlow: ConsentFlowSetting | null;
  /** 医療費助成 (PMH) screen: false = the municipality is not on PMH yet; null = the server's default by date. */
  readonly publicExpenseScreen: boolean | null;
}

export class TrainerSettings {
  #view: TrainerSettingsView;
  readonly #listeners = new Set<(view: TrainerSettingsView) => void>();

  constructor(initial: Partial<TrainerSettingsView> = {}) {
    this.#view = { simulationDate: initial.simulationDate ?? null, consentFlow: initial.consentFlow ?? null, publicExpenseScreen: initial.publicExpenseScreen ?? null };
  }

  get view(): TrainerSettingsView {
    return this.#view;
  }

  /** Throws on a malformed value (the caller answers 400). */
  update(patch: { simulationDate?: unknown; consentFlow?: unknown; publicExpenseScreen?: unknown }): TrainerSettingsView {
    let { simulationDate, consentFlow, publicExpenseScreen } = this.#view;
    if (patch.simulationDate !== undefined) {
      if (patch.simulationDate === null || patch.simulationDate === "") simulationDate = null;
      else if (typeof patch.simulationDate === "string" && /^\d{8}$/.test(patch.simulationDate.replaceAll("-", ""))) simulationDate = patch.simulationDate.replaceAll("-", "");
      else throw new TypeError("simulationDate must be YYYYMMDD or YYYY-MM-DD");
    }
    if (patch.consentFlow !== undefined) {
      if (patch.consentFlow === null || patch.consentFlow === "") consentFlow = null;
      else if (patch.consentFlow === "since-2024-10-07" || patch.consentFlow === "before-2024-10-07") consentFlow = patch.consentFlow;
      else throw new TypeError("consentFlow must be since-2024-10-07 or before-2024-10-07");
    }
    if (patch.publicExpenseScreen !== undefined) {
      if (patch.publicExpenseScreen === null || typeof patch.publicExpenseScreen === "boolean") publicExpenseScreen = patch.publicExpenseScreen;
      else throw new TypeError("publicExpenseScreen must be true, false or null");
    }
    this.#view = { simulationDate, consentFlow, publicExpenseScreen };
    for (const l of this.#listeners) l(this.#view);
    return this.#view;
  }

  onChange(listener: (view: TrainerSettingsView) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/**
 * Moves the server's simulation clock (PUT /api/admin/clock) to the trainer's date, so what carries no date of its
 * own — folder files, 一括照会, 薬剤・特定健診情報 — is answered on the same day as the kiosk's lookups. Null goes
 * back to real time. Throws with the server's answer when it refuses or cannot be reached.
 */
export async function pushSimulationClock(serverUrl: string, adminToken: string, date: string | null): Promise<void> {
  const answer = await fetch(new URL("/api/admin/clock", serverUrl), {
    method: "PUT",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ date }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!answer.ok) throw new Error(`the server refused the simulation date (${answer.status}): ${await answer.text()}`);
}
