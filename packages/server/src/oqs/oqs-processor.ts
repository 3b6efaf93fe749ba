/**
 * One XML request in, one XML result out — shared by the folder interface and POST /api/xml/OQSsiquc01.
 * Unreadable or invalid requests get a SegmentOfResult 9 result instead of an exception.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { findMyNumberLikeField } from "../domain/my-number-guard.js";
import { RESULT_CODES, type FaultCode } from "../domain/result-codes.js";
import { faultMessage, type HeaderInput } from "../results/result-builder.js";
import { XmlMsg as XmlMsgSchema, type XmlMsg } from "../results/result-schema.js";
import type { AuditLog } from "../services/audit-log.js";
import type { FaultInjector } from "../services/fault-injector.js";
import type { QualificationService } from "../services/qualification-service.js";
import type { SimulationClock } from "../services/simulation-clock.js";
import type { RequestKind } from "./file-kinds.js";
import type { RececonProcessor } from "./rececon-processor.js";
import { simulationTimestamp } from "../time/jst.js";
import {
  decodeXmlBytes,
  encodeXmlDocument,
  encodeXmlMsg,
  formatIssuePath,
  OqsRequestError,
  parseOqsRequest,
  sniffCharacterCode,
  sniffMedicalInstitutionCode,
  type CharacterCode,
} from "./xml-codec.js";

export interface OqsOutcome {
  /** The answer document (XmlMsg for OQSsiquc01; the other kinds' own shapes). */
  readonly msg: object;
  readonly bytes: Buffer;
  readonly characterCode: CharacterCode;
  /** The request could not be read or validated: the folder interface moves it aside. */
  readonly malformed: boolean;
  readonly httpStatus: number;
  /** HTTP only: an injected timeout — hold the connection this long, then drop it. */
  readonly dropAfterMs: number | null;
  /** The answer's file extension: xml, or pdf for 薬剤・特定健診情報 asked for as PDF. */
  readonly extension?: "xml" | "pdf";
}

/** The header of a result made without a readable request: the server's simulation date, ReferenceClassification 2. */
export function headerAt(clock: SimulationClock, now: Date, facility: string, characterCode: CharacterCode): HeaderInput {
  const d = clock.today(now);
  return { processTime: simulationTimestamp(d, now), simulationDate: d, medicalInstitutionCode: facility, referenceClassification: "2", characterCode };
}

export class OqsProcessor {
  constructor(
    private readonly qualifications: QualificationService,
    private readonly faults: FaultInjector,
    private readonly audit: AuditLog,
    private readonly now: () => Date,
    private readonly clock: SimulationClock,
    private readonly rececon: RececonProcessor,
  ) {}

  /**
   * A request refused before it is read (not a regular file, over the size limit): an S903 result saying why,
   * addressed and encoded as far as `head` (its first bytes, if any were read) tells.
   */
  refuse(detail: string, head: Uint8Array, channel: "xml-http" | "xml-folder"): OqsOutcome {
    return this.faultOutcome(channel, this.now(), sniffMedicalInstitutionCode(head), sniffCharacterCode(head), "S903", detail, 400);
  }

  private faultOutcome(channel: "xml-http" | "xml-folder", now: Date, facility: string, characterCode: CharacterCode, code: FaultCode, detail: string | null, httpStatus: number, malformed = true): OqsOutcome {
    const msg = faultMessage(headerAt(this.clock, now, facility, characterCode), code, detail ? `${RESULT_CODES[code].message} ${detail}` : undefined);
    this.audit.recordResult(channel, msg, { detail: detail ? { reason: detail } : null });
    return { msg, bytes: encodeXmlMsg(msg, characterCode), characterCode, malformed, httpStatus, dropAfterMs: null };
  }

  async process(bytes: Uint8Array, channel: "xml-http" | "xml-folder", kind: RequestKind = "OQSsiquc01"): Promise<OqsOutcome> {
    const now = this.now();
    let characterCode = sniffCharacterCode(bytes);
    const facility = sniffMedicalInstitutionCode(bytes);
    const header = (): HeaderInput => headerAt(this.clock, now, facility, characterCode);
    const fault = (code: FaultCode, detail: string | null, malformed: boolean, httpStatus: number): OqsOutcome =>
      this.faultOutcome(channel, now, facility, characterCode, code, detail, httpStatus, malformed);
    if (kind !== "OQSsiquc01") {
      try {
        const out = await this.rececon.handle(kind, decodeXmlBytes(bytes));
        const body = out.pdf ?? encodeXmlDocument(out.doc, out.characterCode);
        return { msg: out.doc, bytes: body, characterCode: out.characterCode, malformed: false, httpStatus: 200, dropAfterMs: null, extension: out.pdf ? "pdf" : "xml" };
      } catch (e) {
        if (e instanceof OqsRequestError) return fault(e.code, e.message, true, 400);
        throw e;
      }
    }

    let req;
    try {
      req = parseOqsRequest(decodeXmlBytes(bytes));
    } catch (e) {
      if (e instanceof OqsRequestError) return fault(e.code, e.message, true, 400);
      return fault("S903", "unreadable request", true, 400);
    }
    const myNumberPath = findMyNumberLikeField(req);
    if (myNumberPath) return fault("S904", `${formatIssuePath(myNumberPath)}: a 12-digit number (マイナンバー) is never accepted`, true, 400);
    const h = req.XmlMsg.MessageHeader;
    const info = req.XmlMsg.MessageBody.QualificationConfirmSearchInfo;
    characterCode = h.CharacterCodeIdentifier ?? "0";

    const action = this.faults.take(h.MedicalInstitutionCode, "lookup");
    if (action) {
      if (action.latencyMs > 0) await sleep(action.latencyMs);
      if (action.timeoutMs !== null) {
        if (channel === "xml-http") {
          const msg = faultMessage(header(), "S906");
          this.audit.recordResult(channel, msg, { detail: { fault: "timeout" } });
          return { msg, bytes: Buffer.alloc(0), characterCode, malformed: false, httpStatus: 504, dropAfterMs: action.timeoutMs };
        }
        await sleep(action.timeoutMs);
        return fault("S906", null, false, 504);
      }
      if (action.maintenance) return fault("S901", null, false, 503);
      if (action.segment9) {
        const msg = faultMessage({ ...header(), simulationDate: h.QualificationConfirmationDate ?? header().simulationDate }, action.segment9.code, action.segment9.message ?? undefined);
        this.audit.recordResult(channel, msg, { detail: { fault: "segment9" } });
        return { msg, bytes: encodeXmlMsg(msg, characterCode), characterCode, malformed: false, httpStatus: 200, dropAfterMs: null };
      }
    }

    const answer = await this.qualifications.lookupByInsurance(
      {
        medicalInstitutionCode: h.MedicalInstitutionCode,
        insurerNumber: info.InsurerNumber,
        insuredCardSymbol: info.InsuredCardSymbol,
        insuredIdentificationNumber: info.InsuredIdentificationNumber,
        insuredBranchNumber: info.InsuredBranchNumber,
        birthdate: info.Birthdate,
        simulationDate: h.QualificationConfirmationDate,
        arbitraryFileIdentifier: h.ArbitraryFileIdentifier,
        referenceNumber: req.XmlMsg.MessageBody.ReferenceNumber,
      },
      channel,
      { characterCode, limitConsFlg: info.LimitApplicationCertificateRelatedConsFlg },
    );
    const msg = XmlMsgSchema.parse(answer.msg);
    return { msg, bytes: encodeXmlMsg(msg, characterCode), characterCode, malformed: false, httpStatus: 200, dropAfterMs: null };
  }
}
