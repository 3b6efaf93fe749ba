/**
 * 薬剤情報 (YZKsiquc01) and 特定健診情報 (TKKsiquc01): what the doctor may see, and only with the patient's consent
 * at this facility — ConsFlg 1 for that item (薬剤 → PharmacistsInfo, 特定健診 → SpecificHealthCheckupsInfo) and its
 * AvailableTime (ConsTime + 24 h) not passed on the simulation clock [C: REFERENCE §7, clients check the same before
 * asking]. During the certificate's grace period only the qualification is provided [C: REFERENCE §6], so a
 * patient whose latest card confirmation here carried N102 is refused too. The refusal wording is ours [I].
 * Answers: XML for FileCategory 2/4, a PDF of the same data for 1/3 (a refusal is always XML).
 */
import type { SqliteDatabase } from "../db/database.js";
import { RESULT_CODES, type RefusalCode } from "../domain/result-codes.js";
import type { ConsentItem } from "../results/result-builder.js";
import type { CheckupInfoRequest, DrugInfoRequest } from "./rececon-xml-schemas.js";
import type { RececonAnswer } from "./rececon-processor.js";
import { textPdf } from "./pdf-writer.js";
import type { QualificationStore } from "../store/qualification-store.js";
import type { AuditLog } from "../services/audit-log.js";
import type { ConsentService } from "../services/consent-service.js";
import type { MedicalRecords, MonthRecord } from "../services/medical-records.js";
import { findPerson, type InsuranceNumbers } from "../services/reference-service.js";
import type { MedicalInfoResponse } from "../protocol/rececon-schemas.js";
import type { SimulationClock } from "../services/simulation-clock.js";

type Header = DrugInfoRequest["XmlMsg"]["MessageHeader"];
export type AccessRefusal = "E411" | "E412" | "E501" | "E502" | "E503";

/** What may be shown of one item for a person at a facility now: the reason if not. */
export interface Access {
  readonly ok: boolean;
  readonly code?: AccessRefusal;
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
const SEX = { "1": "男", "2": "女", "3": "未設定" } as const;

export class MedicalInfoService {
  readonly #lastCard;

  constructor(
    db: SqliteDatabase,
    private readonly store: QualificationStore,
    private readonly consents: ConsentService,
    private readonly audit: AuditLog,
    private readonly clock: SimulationClock,
    private readonly records: () => MedicalRecords,
  ) {
    this.#lastCard = db.prepare<[string, string], { code: string | null }>(
      "SELECT code FROM audit_log WHERE channel = 'card' AND person_id = ? AND medical_institution_code = ? ORDER BY audit_id DESC LIMIT 1",
    );
  }

  /** Whether the person's `item` may be shown at `facility` now (also used by the reception page's view). */
  access(personId: string, facility: string, item: Extract<ConsentItem, "pharmacists" | "specificHealthCheckups">): Access {
    if (this.#lastCard.get(personId, facility)?.code === "N102") return { ok: false, code: "E503" };
    const c = this.consents.snapshot(personId, facility)[item];
    if (!c || c.flag !== "1") return { ok: false, code: "E501" };
    if (c.availableTime && this.clock.timestamp() > c.availableTime) return { ok: false, code: "E502" };
    return { ok: true };
  }

  /** The person's prescriptions up to the simulation date, within StartDate–EndDate (yyyyMM) when given. */
  prescriptionsOf(personId: string, start?: string, end?: string): MonthRecord[] {
    const today = this.clock.today();
    return (this.records().persons[personId]?.prescriptions ?? [])
      .filter((m) => (!start || m.MeTrMonth >= start) && (!end || m.MeTrMonth <= end))
      .map((m) => ({ ...m, dispensings: m.dispensings.filter((d) => d.DiDate <= today) }))
      .filter((m) => m.dispensings.length > 0);
  }

  checkupsOf(personId: string) {
    const today = this.clock.today();
    return (this.records().persons[personId]?.checkups ?? []).filter((c) => c.EffectiveTime <= today);
  }

  /** What the doctor can see now at `facility`, item by item, with the reason where nothing (the reception page). */
  view(facility: string, numbers: InsuranceNumbers): MedicalInfoResponse {
    const match = findPerson(this.store, numbers);
    const gate = (item: "pharmacists" | "specificHealthCheckups") => (match.ok ? this.access(match.personId, facility, item) : { ok: false, code: match.code });
    const drugs = gate("pharmacists");
    const checkups = gate("specificHealthCheckups");
    return {
      pharmacists: {
        available: drugs.ok,
        ...(drugs.code && { code: drugs.code }),
        dispensings:
          drugs.ok && match.ok
            ? this.prescriptionsOf(match.personId).flatMap((m) =>
                m.dispensings.map((d) => ({
                  month: m.MeTrMonth,
                  institution: m.MeTrDiHNm,
                  ...(m.PrlsHNm && { pharmacy: m.PrlsHNm }),
                  date: d.DiDate,
                  drugs: d.drugs.map((x) => ({ name: x.DrugN, ...(x.IngreN && { ingredient: x.IngreN }), quantity: x.Qua1, unit: x.Unit, usage: x.UsageN, days: x.Times, ...(x.SpInst && { note: x.SpInst }) })),
                })),
              )
            : [],
      },
      specificHealthCheckups: {
        available: checkups.ok,
        ...(checkups.code && { code: checkups.code }),
        checkups:
          checkups.ok && match.ok
            ? this.checkupsOf(match.personId).map((c) => ({ date: c.EffectiveTime, items: c.items.map((i) => ({ name: i.ItemName, value: i.DataValueName ?? i.DataValue, ...(i.Unit && { unit: i.Unit }) })) }))
            : [],
      },
    };
  }

  drugs(r: DrugInfoRequest["XmlMsg"]): RececonAnswer {
    const h = r.MessageHeader;
    const b = r.MessageBody;
    return this.#answer(h, "pharmacists", b.FileCategory === "1" || b.FileCategory === "3", (personId, person) => {
      const months = this.prescriptionsOf(personId, b.StartDate, b.EndDate);
      const body = {
        MeTrMonthInf: months.map((m) =>
          defined({
            DiOrg: m.DiOrg, MeTrDiHCd: m.MeTrDiHCd, MeTrDiHNm: m.MeTrDiHNm, PrlsHCd: m.PrlsHCd, PrlsHNm: m.PrlsHNm, MeTrMonth: m.MeTrMonth, InOut: m.InOut,
            DiDateInfs: { DiDateInf: m.dispensings.map((d) => ({ DiDate: d.DiDate, PrDate: d.PrDate, DrugInfs: { DrugInf: d.drugs.map((x) => defined({ ...x })) } })) },
          }),
        ),
      };
      const lines = months.flatMap((m) => [
        `${m.MeTrMonth.slice(0, 4)}年${Number(m.MeTrMonth.slice(4))}月  ${m.MeTrDiHNm}${m.PrlsHNm ? ` ／ ${m.PrlsHNm}` : ""}`,
        ...m.dispensings.flatMap((d) => [
          `  調剤日 ${d.DiDate}（処方日 ${d.PrDate}）`,
          ...d.drugs.map((x) => `    ${x.DrugN}  ${x.Qua1}${x.Unit}  ${x.UsageN}  ${x.Times}日分${x.SpInst ? `  ${x.SpInst}` : ""}`),
        ]),
        "",
      ]);
      return { header: { QuaInf: { Name: person.name, KanaName: person.nameKana, Birth: person.birthdate, AdmGendCode: person.sex } }, body, title: "薬剤情報", lines: lines.length ? lines : ["該当する薬剤情報はありません。"] };
    });
  }

  checkups(r: CheckupInfoRequest["XmlMsg"]): RececonAnswer {
    const h = r.MessageHeader;
    return this.#answer(h, "specificHealthCheckups", r.MessageBody.FileCategory === "1", (personId, person) => {
      const list = this.checkupsOf(personId);
      const body = {
        SpecificHealthCheckupInfo: list.map((c) => ({
          EffectiveTime: c.EffectiveTime,
          HealthCheckupResultAndQuestionInfos: { HealthCheckupResultAndQuestionInfo: c.items.map((i) => defined({ ...i })) },
        })),
      };
      const lines = list.flatMap((c) => [`実施日 ${c.EffectiveTime}`, ...c.items.map((i) => `  ${i.ItemName}  ${i.DataValueName ?? i.DataValue}${i.Unit ? ` ${i.Unit}` : ""}`), ""]);
      return {
        header: { QualificationsInfo: { Name: person.name, KanasName: person.nameKana, Birthday: person.birthdate, AdministrativeGenderCode: person.sex } },
        body,
        title: "特定健診情報",
        lines: lines.length ? lines : ["該当する特定健診情報はありません。"],
      };
    });
  }

  #answer(
    h: Header,
    item: "pharmacists" | "specificHealthCheckups",
    pdf: boolean,
    make: (personId: string, person: { name: string; nameKana: string; birthdate: string; sex: "1" | "2" | "3" }) => {
      header: Record<string, unknown>;
      body: Record<string, unknown>;
      title: string;
      lines: string[];
    },
  ): RececonAnswer {
    const characterCode = h.CharacterCodeIdentifier ?? "0";
    const base = { ProcessExecutionTime: this.clock.timestamp(), MedicalInstitutionCode: h.MedicalInstitutionCode, ArbitraryFileIdentifier: h.ArbitraryFileIdentifier };
    const match = findPerson(this.store, { insurerNumber: h.InsurerNumber, insuredCardSymbol: h.InsuranceCardSymbol, insuredIdentificationNumber: h.InsuredPersonIdentificationNumber, insuredBranchNumber: h.BranchNumber });
    const access: Access = match.ok ? this.access(match.personId, h.MedicalInstitutionCode, item) : { ok: false, code: match.code };
    const person = match.ok ? this.store.person(match.personId) : null;
    this.audit.record({
      channel: "medical-info",
      medicalInstitutionCode: h.MedicalInstitutionCode,
      personId: match.ok ? match.personId : null,
      simulationDate: this.clock.today(),
      processingResultStatus: access.ok ? "1" : "2",
      code: access.code ?? null,
      detail: { item },
    });
    if (!access.ok || !person || !match.ok) {
      const code: RefusalCode = access.code ?? "E411";
      return {
        characterCode,
        doc: { MessageHeader: defined({ ...base, ResultCode: "2", ErrorCode: code, MessageContents: RESULT_CODES[code].message, CharacterCodeIdentifier: characterCode }), MessageBody: {} },
      };
    }
    const out = make(match.personId, person);
    const doc = { MessageHeader: defined({ ...base, ResultCode: "1", CharacterCodeIdentifier: characterCode, ...out.header }), MessageBody: out.body };
    if (!pdf) return { characterCode, doc };
    const who = `${person.name}（${person.nameKana}） 生年月日 ${person.birthdate} 性別 ${SEX[person.sex]}`;
    return { characterCode, doc, pdf: textPdf(`${out.title}  ${who}`, [`作成 ${base.ProcessExecutionTime}  医療機関コード ${h.MedicalInstitutionCode}`, "", ...out.lines]) };
  }
}
