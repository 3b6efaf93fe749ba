/**
 * Faults for trainers and tests, per facility or global: latency, timeout (hold, then drop the connection),
 * maintenance (HTTP 503) and SegmentOfResult 9. Kept in the database (they survive a restart) and mirrored
 * in memory so requests with no fault configured pay nothing. The ErrorCode and ErrorMessage a trainer gives are
 * answered in results, so they are stored with any 12-digit run masked.
 */
import type { SqliteDatabase } from "../db/database.js";
import { maskMyNumbers } from "../domain/my-number-guard.js";
import type { Fault, FaultCreateRequest } from "../protocol/schemas.js";

export interface FaultAction {
  readonly latencyMs: number;
  readonly timeoutMs: number | null;
  readonly maintenance: boolean;
  readonly segment9: { readonly code: string; readonly message: string | null } | null;
}

interface FaultRow {
  fault_id: number;
  medical_institution_code: string | null;
  kind: Fault["kind"];
  delay_ms: number | null;
  remaining: number | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
}

const toFault = (r: FaultRow): Fault => ({
  faultId: r.fault_id,
  medicalInstitutionCode: r.medical_institution_code,
  kind: r.kind,
  delayMs: r.delay_ms,
  remaining: r.remaining,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  createdAt: r.created_at,
});

export class FaultInjector {
  private faults: Fault[] = [];

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => Date,
  ) {
    this.reload();
  }

  reload(): void {
    this.faults = this.db.prepare<[], FaultRow>("SELECT * FROM faults ORDER BY fault_id").all().map(toFault);
  }

  list(): Fault[] {
    return [...this.faults];
  }

  add(req: FaultCreateRequest): Fault {
    const delay = req.kind === "latency" ? (req.delayMs ?? 1000) : req.kind === "timeout" ? (req.delayMs ?? 30_000) : null;
    const info = this.db
      .prepare("INSERT INTO faults (medical_institution_code, kind, delay_ms, remaining, error_code, error_message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(req.medicalInstitutionCode ?? null, req.kind, delay, req.count ?? null, req.kind === "segment9" ? maskMyNumbers(req.errorCode ?? "S902") : null,
        req.kind === "segment9" && req.errorMessage !== undefined ? maskMyNumbers(req.errorMessage) : null, this.now().toISOString());
    this.reload();
    return this.faults.find((f) => f.faultId === Number(info.lastInsertRowid))!;
  }

  remove(faultId: number): boolean {
    const n = this.db.prepare("DELETE FROM faults WHERE fault_id = ?").run(faultId).changes;
    this.reload();
    return n > 0;
  }

  clear(): void {
    this.db.exec("DELETE FROM faults");
    this.reload();
  }

  /**
   * The faults that apply to one request, consuming one use of each counted fault. `lookup` requests can
   * get SegmentOfResult 9; other endpoints (nonces, consents, sessions) only latency, timeout and maintenance.
   */
  take(facility: string | null, scope: "lookup" | "other"): FaultAction | null {
    if (this.faults.length === 0) return null;
    const hits = this.faults.filter(
      (f) => (f.medicalInstitutionCode === null || f.medicalInstitutionCode === facility) && (scope === "lookup" || f.kind !== "segment9"),
    );
    if (hits.length === 0) return null;
    let latencyMs = 0;
    let timeoutMs: number | null = null;
    let maintenance = false;
    let segment9: FaultAction["segment9"] = null;
    for (const f of hits) {
      if (f.kind === "latency") latencyMs += f.delayMs ?? 0;
      else if (f.kind === "timeout") timeoutMs = Math.max(timeoutMs ?? 0, f.delayMs ?? 0);
      else if (f.kind === "maintenance") maintenance = true;
      else segment9 ??= { code: f.errorCode ?? "S902", message: f.errorMessage };
      if (f.remaining !== null) {
        if (f.remaining <= 1) this.db.prepare("DELETE FROM faults WHERE fault_id = ?").run(f.faultId);
        else this.db.prepare("UPDATE faults SET remaining = remaining - 1 WHERE fault_id = ?").run(f.faultId);
      }
    }
    if (hits.some((f) => f.remaining !== null)) this.reload();
    return { latencyMs, timeoutMs, maintenance, segment9 };
  }
}
