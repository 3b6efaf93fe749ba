/**
 * Every lookup (and registration, consent, completion, reseed, admin change) as one row. Rows hold codes,
 * ids and the certificate serial — never a PIN or a マイナンバー, which no endpoint accepts in the first place.
 * What a caller could have chosen still passes one more check on the way in: every 12-digit run in `detail`
 * (reasons quoting a request, device ids) is masked, and a certificate serial shaped like a マイナンバー (one
 * from a certificate that does not chain to the CA can be anything) is not kept.
 */
import type { SqliteDatabase } from "../db/database.js";
import { looksLikeMyNumber, maskMyNumbers } from "../domain/my-number-guard.js";
import type { AuditEntry, AuditQuery } from "../protocol/schemas.js";
import type { XmlMsg } from "../results/result-schema.js";

export type AuditChannel =
  | "card"
  | "insurance"
  | "xml-http"
  | "xml-folder"
  | "registration"
  | "consent"
  | "session-complete"
  | "admin"
  | "xml-bulk"
  | "reference-number"
  | "medical-info";

export interface AuditRecord {
  readonly channel: AuditChannel;
  readonly medicalInstitutionCode?: string | null;
  readonly referenceClassification?: string | null;
  readonly method?: string | null;
  readonly personId?: string | null;
  readonly certificateSerial?: string | null;
  readonly simulationDate?: string | null;
  readonly segmentOfResult?: string | null;
  readonly processingResultStatus?: string | null;
  readonly qualificationValidity?: string | null;
  readonly code?: string | null;
  readonly detail?: Record<string, unknown> | null;
}

interface AuditRow {
  audit_id: number;
  at: string;
  channel: string;
  medical_institution_code: string | null;
  reference_classification: string | null;
  method: string | null;
  person_id: string | null;
  certificate_serial: string | null;
  simulation_date: string | null;
  segment_of_result: string | null;
  processing_result_status: string | null;
  qualification_validity: string | null;
  code: string | null;
  detail: string | null;
}

export class AuditLog {
  private readonly insert;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date,
  ) {
    this.insert = db.prepare(`INSERT INTO audit_log (at, channel, medical_institution_code, reference_classification, method, person_id,
      certificate_serial, simulation_date, segment_of_result, processing_result_status, qualification_validity, code, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  record(r: AuditRecord): void {
    const serial = r.certificateSerial && !looksLikeMyNumber(r.certificateSerial) ? r.certificateSerial : null;
    this.insert.run(
      this.now().toISOString(), r.channel, r.medicalInstitutionCode ?? null, r.referenceClassification ?? null, r.method ?? null,
      r.personId ?? null, serial, r.simulationDate ?? null, r.segmentOfResult ?? null,
      r.processingResultStatus ?? null, r.qualificationValidity ?? null, r.code ?? null, r.detail ? maskMyNumbers(JSON.stringify(r.detail)) : null,
    );
  }

  /** A lookup result, with the columns read off the message. */
  recordResult(channel: AuditChannel, msg: XmlMsg, extra: Omit<AuditRecord, "channel"> = {}): void {
    const h = msg.MessageHeader;
    const b = msg.MessageBody;
    this.record({
      medicalInstitutionCode: h.MedicalInstitutionCode,
      referenceClassification: h.ReferenceClassification,
      simulationDate: h.QualificationConfirmationDate,
      segmentOfResult: h.SegmentOfResult,
      processingResultStatus: b.ProcessingResultStatus ?? null,
      qualificationValidity: b.QualificationValidity ?? null,
      code: b.ProcessingResultCode ?? h.ErrorCode ?? null,
      ...extra,
      channel,
    });
  }

  query(q: AuditQuery): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.afterId !== undefined) (where.push("audit_id > ?"), args.push(q.afterId));
    if (q.personId) (where.push("person_id = ?"), args.push(q.personId));
    if (q.medicalInstitutionCode) (where.push("medical_institution_code = ?"), args.push(q.medicalInstitutionCode));
    if (q.channel) (where.push("channel = ?"), args.push(q.channel));
    // Newest first unless paging forward with afterId.
    const order = q.afterId !== undefined ? "ASC" : "DESC";
    const sql = `SELECT * FROM audit_log ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY audit_id ${order} LIMIT ?`;
    const rows = this.db.prepare<(string | number)[], AuditRow>(sql).all(...args, q.limit);
    return rows.map((r) => ({
      auditId: r.audit_id,
      at: r.at,
      channel: r.channel,
      medicalInstitutionCode: r.medical_institution_code,
      referenceClassification: r.reference_classification,
      method: r.method,
      personId: r.person_id,
      certificateSerial: r.certificate_serial,
      simulationDate: r.simulation_date,
      segmentOfResult: r.segment_of_result,
      processingResultStatus: r.processing_result_status,
      qualificationValidity: r.qualification_validity,
      code: r.code,
      detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    }));
  }
}
