/**
 * SwitchableQualification: the one QualificationPort whose per-call settings (simulation date, consent flow,
 * timeout) can change while the agent runs — the trainer console's settings (`npm start`), a scenario's setup
 * (the scenario runner). Each call goes to a QualificationClient made for the settings in force at that moment.
 */
import type { QualificationPort } from "../session/reception-ports.js";
import { QualificationClient, type QualificationClientOptions } from "./qualification-client.js";

/** What may change between calls; null or absent: the server decides (date: today in Japan; flow: from the date). */
export interface QualificationSettings {
  readonly simulationDate?: string | null;
  readonly consentFlow?: "since-2024-10-07" | "before-2024-10-07" | null;
  readonly timeoutMs?: number;
  /** The 医療費助成 (PMH) screen: false = a municipality not on PMH yet; null or absent: by the date. */
  readonly publicExpenseScreen?: boolean | null;
}

export type QualificationBase = Omit<QualificationClientOptions, "simulationDate" | "consentFlow" | "publicExpenseScreen">;

export class SwitchableQualification implements QualificationPort {
  readonly base: QualificationBase;
  #settings: QualificationSettings | (() => QualificationSettings);
  #client: { readonly key: string; readonly client: QualificationClient } | undefined;

  /** `settings`: fixed ones (changed with `configure`), or a function read at every call (live settings). */
  constructor(base: QualificationBase, settings: QualificationSettings | (() => QualificationSettings) = {}) {
    this.base = base;
    this.#settings = settings;
  }

  /** From the next call on, these settings (replacing the previous ones, or the function given). */
  configure(settings: QualificationSettings): void {
    this.#settings = settings;
  }

  nonce: QualificationPort["nonce"] = () => this.#current().nonce();
  confirmWithSignature: QualificationPort["confirmWithSignature"] = (...a) => this.#current().confirmWithSignature(...a);
  confirmWithDevice: QualificationPort["confirmWithDevice"] = (...a) => this.#current().confirmWithDevice(...a);
  consent: QualificationPort["consent"] = (...a) => this.#current().consent(...a);
  complete: QualificationPort["complete"] = (...a) => this.#current().complete(...a);
  /** 保険証利用登録 at the reader (after E131). */
  register: NonNullable<QualificationPort["register"]> = (...a) => this.#current().register(...a);

  #current(): QualificationClient {
    const s = typeof this.#settings === "function" ? this.#settings() : this.#settings;
    const options: QualificationClientOptions = {
      ...this.base,
      ...(s.simulationDate ? { simulationDate: s.simulationDate } : {}),
      ...(s.consentFlow ? { consentFlow: s.consentFlow } : {}),
      ...(s.timeoutMs ? { timeoutMs: s.timeoutMs } : {}),
      ...(typeof s.publicExpenseScreen === "boolean" ? { publicExpenseScreen: s.publicExpenseScreen } : {}),
    };
    const key = `${options.simulationDate ?? ""} ${options.consentFlow ?? ""} ${options.timeoutMs ?? ""} ${options.publicExpenseScreen ?? ""}`;
    if (this.#client?.key !== key) this.#client = { key, client: new QualificationClient(options) };
    return this.#client.client;
  }
}
