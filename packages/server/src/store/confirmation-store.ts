/** Card-path confirmations: the handle a kiosk session uses for consents and completion. */
import type { SqliteDatabase } from "../db/database.js";
import type { ConsentFlow } from "../domain/rules.js";
import type { CompactDate } from "../time/jst.js";

export interface Confirmation {
  readonly confirmationId: string;
  readonly medicalInstitutionCode: string;
  readonly personId: string;
  readonly certificateSerial: string;
  readonly method: "pin" | "face" | "visual";
  readonly simulationDate: CompactDate;
  readonly consentFlow: ConsentFlow;
  readonly usable: boolean;
  readonly createdAtMs: number;
  readonly completedAtMs: number | null;
  readonly faceFile: string | null;
}

interface ConfirmationRow {
  confirmation_id: string;
  medical_institution_code: string;
  person_id: string;
  certificate_serial: string;
  method: Confirmation["method"];
  simulation_date: string;
  consent_flow: ConsentFlow;
  usable: number;
  created_at_ms: number;
  completed_at_ms: number | null;
  face_file: string | null;
}

export class ConfirmationStore {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly completeStmt;

  constructor(db: SqliteDatabase) {
    this.insertStmt = db.prepare(`INSERT INTO confirmations (confirmation_id, medical_institution_code, person_id, certificate_serial, method,
      simulation_date, consent_flow, usable, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.getStmt = db.prepare<[string], ConfirmationRow>("SELECT * FROM confirmations WHERE confirmation_id = ?");
    this.completeStmt = db.prepare("UPDATE confirmations SET completed_at_ms = ?, face_file = ? WHERE confirmation_id = ? AND completed_at_ms IS NULL");
  }

  insert(c: Omit<Confirmation, "completedAtMs" | "faceFile">): void {
    this.insertStmt.run(c.confirmationId, c.medicalInstitutionCode, c.personId, c.certificateSerial, c.method, c.simulationDate, c.consentFlow, c.usable ? 1 : 0, c.createdAtMs);
  }

  get(id: string): Confirmation | null {
    const r = this.getStmt.get(id);
    if (!r) return null;
    return {
      confirmationId: r.confirmation_id,
      medicalInstitutionCode: r.medical_institution_code,
      personId: r.person_id,
      certificateSerial: r.certificate_serial,
      method: r.method,
      simulationDate: r.simulation_date,
      consentFlow: r.consent_flow,
      usable: r.usable === 1,
      createdAtMs: r.created_at_ms,
      completedAtMs: r.completed_at_ms,
      faceFile: r.face_file,
    };
  }

  /** false when it was completed already (a concurrent second completion loses). */
  complete(id: string, atMs: number, faceFile: string): boolean {
    return this.completeStmt.run(atMs, faceFile, id).changes === 1;
  }
}
