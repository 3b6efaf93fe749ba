/**
 * 一括照会 (OQSmuquc01 → 02) and bulk 照会番号 registration (OQSmuimm01 → 02): a batch is received and given a
 * ReceptionNumber; a 02 request for that number answers SegmentOfResult 2 (処理中, ask again) until the processing
 * time has passed, then the units in request order. Batches live in SQLite (bulk_receptions), so a restart loses
 * none. The work is done on the first 02 after the processing time, one person per turn of the event loop and
 * only while the loop has room (LoopBudget), so a big batch never starves the nonce API.
 */
import { randomInt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { SqliteDatabase } from "../db/database.js";
import { RESULT_CODES } from "../domain/result-codes.js";
import { LoopBudget } from "./loop-budget.js";
import type { RegistrationInfo, SearchInfo } from "./rececon-xml-schemas.js";
import { jstTimestamp, simulationTimestamp, type CompactDate } from "../time/jst.js";
import type { QualificationService } from "../services/qualification-service.js";
import type { ReferenceService } from "../services/reference-service.js";

export type BulkKind = "qualification" | "reference";
export const DEFAULT_BULK_PROCESSING_MS = 3000;
export const DEFAULT_BULK_MAX_PERSONS = 100;

export interface BulkOptions {
  /** How long after receipt a batch stays 処理中 (default 3000 ms; 0: ready at once). */
  readonly processingMs?: number;
  /** People one 01 request may list (default 100). */
  readonly maxPersons?: number;
}

export interface Reception {
  readonly receptionNumber: string;
  readonly kind: BulkKind;
  readonly facility: string;
  readonly simulationDate: CompactDate;
  readonly arbitraryFileIdentifier: string | null;
  readonly receptionDateTime: string;
}

export type Unit = Record<string, unknown> & { readonly ProcessingResultStatus: "1" | "2" };

export type BulkState =
  | { readonly state: "unknown" }
  | { readonly state: "processing"; readonly reception: Reception }
  | { readonly state: "done"; readonly reception: Reception; readonly units: readonly Unit[] };

interface Row {
  reception_number: string;
  kind: BulkKind;
  medical_institution_code: string;
  simulation_date: string;
  arbitrary_file_identifier: string | null;
  request_json: string;
  received_at_ms: number;
  ready_at_ms: number;
  result_json: string | null;
}

/** Leaves out what is undefined, so an echoed element lists only what was sent. */
const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export class BulkService {
  readonly #insert;
  readonly #get;
  readonly #done;
  readonly #working = new Map<string, Promise<Unit[]>>();
  readonly #budget = new LoopBudget();
  readonly processingMs: number;
  readonly maxPersons: number;

  constructor(
    db: SqliteDatabase,
    private readonly qualifications: QualificationService,
    private readonly references: ReferenceService,
    private readonly now: () => Date,
    options: BulkOptions = {},
  ) {
    this.processingMs = options.processingMs ?? DEFAULT_BULK_PROCESSING_MS;
    this.maxPersons = options.maxPersons ?? DEFAULT_BULK_MAX_PERSONS;
    this.#insert = db.prepare(`INSERT INTO bulk_receptions (reception_number, kind, medical_institution_code, simulation_date, arbitrary_file_identifier,
      request_json, received_at_ms, ready_at_ms, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`);
    this.#get = db.prepare<[string], Row>("SELECT * FROM bulk_receptions WHERE reception_number = ?");
    this.#done = db.prepare("UPDATE bulk_receptions SET result_json = ? WHERE reception_number = ?");
  }

  /** A batch in: its ReceptionNumber, or S911 (nobody listed) / S912 (over the limit). */
  receive(
    kind: BulkKind,
    facility: string,
    simulationDate: CompactDate,
    arbitraryFileIdentifier: string | undefined,
    items: readonly (SearchInfo | RegistrationInfo)[],
  ): { ok: true; reception: Reception } | { ok: false; code: "S911" | "S912"; message: string } {
    if (items.length === 0) return { ok: false, code: "S911", message: RESULT_CODES.S911.message };
    if (items.length > this.maxPersons) return { ok: false, code: "S912", message: `${RESULT_CODES.S912.message}（${items.length}件、上限${this.maxPersons}件）` };
    const now = this.now();
    // 20 digits: never 12, so never taken for a マイナンバー by the guards.
    const receptionNumber = `${jstTimestamp(now)}${String(randomInt(0, 1_000_000)).padStart(6, "0")}`;
    this.#insert.run(receptionNumber, kind, facility, simulationDate, arbitraryFileIdentifier ?? null, JSON.stringify(items), now.getTime(), now.getTime() + this.processingMs);
    return { ok: true, reception: this.#reception(this.#get.get(receptionNumber)!) };
  }

  #reception(r: Row): Reception {
    return {
      receptionNumber: r.reception_number,
      kind: r.kind,
      facility: r.medical_institution_code,
      simulationDate: r.simulation_date,
      arbitraryFileIdentifier: r.arbitrary_file_identifier,
      receptionDateTime: simulationTimestamp(r.simulation_date, new Date(r.received_at_ms)),
    };
  }

  /** Where a batch stands. Another facility's number, or one of the other kind, is "unknown" (S913): nothing leaks. */
  async result(kind: BulkKind, facility: string, receptionNumber: string): Promise<BulkState> {
    const row = this.#get.get(receptionNumber);
    if (!row || row.kind !== kind || row.medical_institution_code !== facility) return { state: "unknown" };
    const reception = this.#reception(row);
    if (row.result_json) return { state: "done", reception, units: JSON.parse(row.result_json) as Unit[] };
    if (this.now().getTime() < row.ready_at_ms) return { state: "processing", reception };
    let work = this.#working.get(receptionNumber);
    if (!work) {
      work = this.#work(row).finally(() => this.#working.delete(receptionNumber));
      this.#working.set(receptionNumber, work);
    }
    return { state: "done", reception, units: await work };
  }

  async #work(row: Row): Promise<Unit[]> {
    const items = JSON.parse(row.request_json) as (SearchInfo | RegistrationInfo)[];
    const units: Unit[] = [];
    for (const item of items) {
      await this.#turn();
      units.push(row.kind === "qualification" ? await this.#lookup(row, item as SearchInfo) : this.#register(row, item as RegistrationInfo));
    }
    this.#done.run(JSON.stringify(units), row.reception_number);
    return units;
  }

  /** The next person on a fresh turn of the event loop, and only while the loop has room: the API goes first. */
  async #turn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (!this.#budget.allows()) await sleep(10);
  }

  async #lookup(row: Row, info: SearchInfo): Promise<Unit> {
    const answer = await this.qualifications.lookupByInsurance(
      {
        medicalInstitutionCode: row.medical_institution_code,
        insurerNumber: info.InsurerNumber,
        insuredCardSymbol: info.InsuredCardSymbol,
        insuredIdentificationNumber: info.InsuredIdentificationNumber,
        insuredBranchNumber: info.InsuredBranchNumber,
        birthdate: info.Birthdate,
        simulationDate: row.simulation_date,
      },
      "xml-bulk",
      { limitConsFlg: info.LimitApplicationCertificateRelatedConsFlg },
    );
    const b = answer.msg.MessageBody;
    return defined({
      QualificationConfirmSearchInfo: defined(info),
      ProcessingResultStatus: b.ProcessingResultStatus ?? "2",
      ProcessingResultCode: b.ProcessingResultCode,
      ProcessingResultMessage: b.ProcessingResultMessage,
      QualificationValidity: b.QualificationValidity,
      ResultOfQualificationConfirmation: b.ResultList?.ResultOfQualificationConfirmation,
      ReferenceNumber: b.ReferenceNumber,
    }) as Unit;
  }

  #register(row: Row, info: RegistrationInfo): Unit {
    const match = this.references.register(row.medical_institution_code, info.ReferenceNumber, {
      insurerNumber: info.InsurerNumber,
      insuredCardSymbol: info.InsuredCardSymbol,
      insuredIdentificationNumber: info.InsuredIdentificationNumber,
      insuredBranchNumber: info.InsuredBranchNumber,
    });
    return defined({
      ReferenceNumberRegistrationInfo: defined(info),
      ProcessingResultStatus: match.ok ? "1" : "2",
      ...(!match.ok && { ProcessingResultCode: match.code, ProcessingResultMessage: RESULT_CODES[match.code].message }),
    }) as Unit;
  }
}
