/**
 * Consents given at the kiosk, per person and facility: 診療/薬剤/特定健診/手術 (ConsTime, AvailableTime =
 * ConsTime + 24 h), 限度額 (old flow only) and 特定疾病. Recorded with synchronous=FULL: once the kiosk got a
 * 2xx, the consent survives a crash and a power cut.
 */
import { withFullSync, type SqliteDatabase } from "../db/database.js";
import type { ConsentFlow } from "../domain/rules.js";
import type { RefusalCode } from "../domain/result-codes.js";
import type { ConsentRequest } from "../protocol/schemas.js";
import { INFO_CONSENT_ITEMS, type ConsentItem, type ConsentSnapshot, type ProvisionOptions } from "../results/result-builder.js";
import type { ConfirmationStore } from "../store/confirmation-store.js";
import type { DataVersion } from "../store/data-version.js";
import { addHoursToTimestamp, simulationTimestamp } from "../time/jst.js";
import type { AuditLog } from "./audit-log.js";

interface LatestRow {
  item: ConsentItem;
  flag: "0" | "1";
  cons_time: string;
  available_time: string | null;
}

export interface RecordedConsent {
  readonly item: ConsentItem;
  readonly ConsFlg: "0" | "1";
  readonly ConsTime: string;
  readonly AvailableTime?: string;
}

export type ConsentOutcome =
  | { readonly ok: true; readonly consentFlow: ConsentFlow; readonly recorded: RecordedConsent[] }
  | { readonly ok: false; readonly code: "E301" | "E303" | "E304" };

export class ConsentService {
  private readonly latest;
  private readonly insert;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly confirmations: ConfirmationStore,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
    private readonly sessionTtlMs: number,
    private readonly dataVersion: DataVersion,
  ) {
    this.latest = db.prepare<[string, string, string, string], LatestRow>(
      `SELECT item, flag, cons_time, available_time FROM consents WHERE consent_id IN (
         SELECT MAX(consent_id) FROM consents WHERE person_id = ? AND medical_institution_code = ? GROUP BY item)
       AND person_id = ? AND medical_institution_code = ?`,
    );
    this.insert = db.prepare(`INSERT INTO consents (person_id, medical_institution_code, item, flag, cons_time, available_time, confirmation_id, recorded_at_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  snapshot(personId: string, facility: string): ConsentSnapshot {
    const out: ConsentSnapshot = {};
    for (const r of this.latest.all(personId, facility, personId, facility)) {
      out[r.item] = { flag: r.flag, consTime: r.cons_time, availableTime: r.available_time };
    }
    return out;
  }

  /** What a card-path result shows of 限度額 and 特定疾病, given the flow and the consents recorded. */
  static cardProvision(flow: ConsentFlow, consents: ConsentSnapshot): ProvisionOptions {
    const sd = consents.specificDiseases;
    const lim = consents.limitApplication;
    return {
      // Since 2024-10-07 限度額 information is provided by law, without a consent screen.
      limitApplication: flow === "since-2024-10-07" ? { include: true } : { include: lim?.flag === "1", consFlg: lim?.flag, consTime: lim?.consTime },
      specificDiseases: { include: sd?.flag === "1", consFlg: sd?.flag, consTime: sd?.consTime },
      consents,
    };
  }

  record(req: ConsentRequest): ConsentOutcome {
    const nowDate = this.now();
    const conf = this.confirmations.get(req.confirmationId);
    if (!conf || nowDate.getTime() - conf.createdAtMs > this.sessionTtlMs) return { ok: false, code: "E301" };
    if (!conf.usable) return { ok: false, code: "E304" };
    const flow = conf.consentFlow;
    const items = req.items ?? {};
    const refuse = (code: RefusalCode | "E303") => ({ ok: false as const, code: code as "E303" });
    if (flow === "before-2024-10-07" && req.comprehensive !== undefined) return refuse("E303");
    if (flow === "since-2024-10-07" && items.limitApplication !== undefined) return refuse("E303");

    const answers = new Map<ConsentItem, boolean>();
    if (req.comprehensive !== undefined) for (const item of INFO_CONSENT_ITEMS) answers.set(item, req.comprehensive);
    for (const [item, v] of Object.entries(items) as [ConsentItem, boolean | undefined][]) if (v !== undefined) answers.set(item, v);

    const consTime = simulationTimestamp(conf.simulationDate, nowDate);
    const availableTime = addHoursToTimestamp(consTime, 24);
    const recorded: RecordedConsent[] = [];
    for (const [item, v] of answers) {
      const info = (INFO_CONSENT_ITEMS as readonly string[]).includes(item);
      recorded.push({ item, ConsFlg: v ? "1" : "0", ConsTime: consTime, ...(info && { AvailableTime: availableTime }) });
    }
    withFullSync(this.db, () => {
      for (const r of recorded) {
        this.insert.run(conf.personId, conf.medicalInstitutionCode, r.item, r.ConsFlg, r.ConsTime, r.AvailableTime ?? null, conf.confirmationId, nowDate.getTime());
      }
      this.audit.record({
        channel: "consent",
        medicalInstitutionCode: conf.medicalInstitutionCode,
        referenceClassification: "1",
        method: conf.method,
        personId: conf.personId,
        certificateSerial: conf.certificateSerial,
        simulationDate: conf.simulationDate,
        detail: { confirmationId: conf.confirmationId, consentFlow: flow, items: Object.fromEntries(recorded.map((r) => [r.item, r.ConsFlg])) },
      });
    });
    this.dataVersion.bump();
    return { ok: true, consentFlow: flow, recorded };
  }
}
