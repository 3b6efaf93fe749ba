/**
 * Turns the server's QualificationResponse (XmlMsg + simulator) into what a kiosk shows, and decides what the
 * session does with it: consent (usable), done with a warning (looked up, not usable), or an error (refused,
 * or SegmentOfResult 9). Codes: server/RESULT-CODES.md.
 */
import type { QualificationResult } from "../qualification/qualification-client.js";
import { benefitsSummary } from "./benefits-summary.js";
import type { ConsentRecordView, InsuredSummary, QualificationSummary, SessionErrorCode, VerificationMethod } from "./session-view.js";

type XmlMsg = QualificationResult["XmlMsg"];
type SimulatorInfo = QualificationResult["simulator"];
type ResultRow = NonNullable<XmlMsg["MessageBody"]["ResultList"]>["ResultOfQualificationConfirmation"][number];

function insuredSummary(r: ResultRow): InsuredSummary {
  const ratio = r.InsuredPartialContributionRatio ?? null;
  return {
    name: r.Name,
    nameKana: r.NameKana,
    birthdate: r.Birthdate,
    sex: { code: r.Sex1 },
    insurerNumber: r.InsurerNumber,
    insurerName: r.InsurerName,
    insuredCardSymbol: r.InsuredCardSymbol ?? null,
    insuredIdentificationNumber: r.InsuredIdentificationNumber,
    insuredBranchNumber: r.InsuredBranchNumber ?? null,
    personalFamily: { code: r.PersonalFamilyClassification },
    insuredCardClassification: r.InsuredCardClassification,
    qualificationDate: r.QualificationDate,
    disqualificationDate: r.DisqualificationDate ?? null,
    contributionRatio: ratio,
    elderlyContributionRatio: r.ElderlyRecipientCertificateInfo?.ElderlyRecipientContributionRatio ?? null,
    limitApplicationBracket: r.LimitApplicationCertificateRelatedInfo?.LimitApplicationCertificateClassificationFlag ?? null,
    specificDiseases: (r.SpecificDiseasesCertificateList?.SpecificDiseasesCertificateInfo ?? []).map((s) => s.SpecificDiseasesDiseaseCategory),
    preschool: r.PreschoolClassification === "1",
    ...benefitsSummary(r),
  };
}

export function summarizeQualification(
  xml: XmlMsg,
  simulator: SimulatorInfo,
  method: VerificationMethod,
  extra: { notices?: SimulatorInfo["notices"]; consents?: readonly ConsentRecordView[] } = {},
): QualificationSummary {
  const header = xml.MessageHeader;
  const body = xml.MessageBody;
  const rows = body.ResultList?.ResultOfQualificationConfirmation ?? [];
  const first = rows[0];
  const validity = body.QualificationValidity ?? null;
  return {
    usable: simulator.usable,
    method,
    simulationDate: simulator.simulationDate,
    consentFlow: simulator.consentFlow,
    segmentOfResult: header.SegmentOfResult,
    processingResultStatus: body.ProcessingResultStatus ?? null,
    processingResultCode: body.ProcessingResultCode ?? header.ErrorCode ?? null,
    processingResultMessage: body.ProcessingResultMessage ?? header.ErrorMessage ?? null,
    validity,
    // sessions/complete answers with no notices: keep those of the confirmation.
    notices: extra.notices ?? simulator.notices,
    resultCount: rows.length,
    insured: first ? insuredSummary(first) : null,
    consents: extra.consents ?? [],
  };
}

/** What the session does with a result. */
export type ResultDisposition =
  | { readonly kind: "usable" }
  /** Looked up but not usable (validity 2–5): complete (the レセコン gets the face file), then done with this warning. */
  | { readonly kind: "not-usable"; readonly code: SessionErrorCode }
  /** Refused (ProcessingResultStatus 2) or SegmentOfResult 9: an error; nothing to complete. */
  | { readonly kind: "refused"; readonly code: SessionErrorCode; readonly serverCode: string | undefined; readonly retryable: boolean };

const REFUSALS: Record<string, SessionErrorCode> = {
  E101: "server-error",
  E102: "server-error",
  E103: "server-error",
  E104: "server-error",
  E110: "read-error",
  E111: "signature-invalid",
  E112: "certificate-untrusted",
  E113: "certificate-not-yet-valid",
  E114: "certificate-expired",
  E115: "certificate-suspended",
  E116: "certificate-revoked",
  E117: "card-expired",
  E121: "device-refused",
  E122: "device-refused",
  E123: "device-refused",
  E124: "device-refused",
  E131: "not-registered",
  E133: "person-unknown",
};
/** Nonce problems are ours or the network's, not the patient's: asking again usually works. */
const RETRYABLE_REFUSALS = new Set(["E101", "E102", "E103", "E104"]);

export function dispositionOf(result: QualificationResult): ResultDisposition {
  const header = result.XmlMsg.MessageHeader;
  const body = result.XmlMsg.MessageBody;
  if (header.SegmentOfResult !== "1") return { kind: "refused", code: "server-error", serverCode: header.ErrorCode, retryable: true };
  if (body.ProcessingResultStatus === "2") {
    const code = body.ProcessingResultCode;
    return { kind: "refused", code: (code && REFUSALS[code]) || "server-error", serverCode: code, retryable: code !== undefined && RETRYABLE_REFUSALS.has(code) };
  }
  if (result.simulator.usable) return { kind: "usable" };
  const validity = body.QualificationValidity;
  const count = body.ResultList?.ResultOfQualificationConfirmation.length ?? 0;
  // 医療扶助 before the month's 医療券 is registered (QualificationValidity 6 有効（未登録）).
  if (validity === "6") return { kind: "not-usable", code: "medical-ticket-unregistered" };
  const code: SessionErrorCode = validity === "4" || count === 0 ? "qualification-not-found" : validity === "5" || count > 1 ? "qualification-multiple" : "qualification-invalid";
  return { kind: "not-usable", code };
}
