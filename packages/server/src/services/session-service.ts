/**
 * Completion of a kiosk session: after the consent screens the agent calls POST /api/v1/sessions/complete;
 * the result is looked up again (now with the consents just given) and written into the face folder as
 * OQSsiquc01res_face_*.xml, the way the real reader's results reach the レセコン unprompted.
 */
import type { HeaderInput } from "../results/result-builder.js";
import type { SimulatorInfo, XmlMsg } from "../results/result-schema.js";
import type { ConfirmationStore } from "../store/confirmation-store.js";
import { simulationTimestamp } from "../time/jst.js";
import type { AuditLog } from "./audit-log.js";
import { recordedMethod, type QualificationService } from "./qualification-service.js";

export type CompletionOutcome =
  | { readonly ok: true; readonly faceFile: string; readonly msg: XmlMsg; readonly simulator: SimulatorInfo }
  | { readonly ok: false; readonly code: "E301" | "E302" };

/** Where a completed session's result goes: the OQS face folder (oqs/folder-interface.ts implements it). */
export interface FaceResultSink {
  /** Writes the result file and answers its name. */
  writeFaceResult(msg: XmlMsg, confirmationId: string): Promise<string>;
}

export class SessionService {
  private readonly completing = new Set<string>();

  constructor(
    private readonly confirmations: ConfirmationStore,
    private readonly qualifications: QualificationService,
    private readonly folders: FaceResultSink,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
    private readonly sessionTtlMs: number,
  ) {}

  async complete(confirmationId: string): Promise<CompletionOutcome> {
    const now = this.now();
    const conf = this.confirmations.get(confirmationId);
    if (!conf || now.getTime() - conf.createdAtMs > this.sessionTtlMs) return { ok: false, code: "E301" };
    if (conf.completedAtMs !== null || this.completing.has(confirmationId)) return { ok: false, code: "E302" };
    this.completing.add(confirmationId);
    try {
      const h: HeaderInput = {
        processTime: simulationTimestamp(conf.simulationDate, now),
        simulationDate: conf.simulationDate,
        medicalInstitutionCode: conf.medicalInstitutionCode,
        referenceClassification: "1",
        characterCode: "0",
      };
      const { msg, usable } = this.qualifications.cardResult(conf.personId, conf.medicalInstitutionCode, conf.simulationDate, conf.consentFlow, h, []);
      const faceFile = await this.folders.writeFaceResult(msg, confirmationId);
      if (!this.confirmations.complete(confirmationId, now.getTime(), faceFile)) return { ok: false, code: "E302" };
      const token = this.qualifications.tokenOf(conf.certificateSerial);
      this.audit.recordResult("session-complete", msg, {
        method: recordedMethod(conf.method, token),
        personId: conf.personId,
        certificateSerial: conf.certificateSerial,
        detail: { confirmationId, faceFile },
      });
      return {
        ok: true,
        faceFile,
        msg,
        simulator: { confirmationId, simulationDate: conf.simulationDate, consentFlow: conf.consentFlow, usable, notices: [], method: conf.method, ...(token !== "card" && { token }) },
      };
    } finally {
      this.completing.delete(confirmationId);
    }
  }
}
