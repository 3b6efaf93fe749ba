/** Builds XmlMsg results (docs/domain.md §3 shape) from lookup outcomes. */
import { interfaceInsurerNumber } from "../domain/insurer-number.js";
import { RESULT_CODES, type FaultCode, type NoticeCode, type RefusalCode } from "../domain/result-codes.js";
import { isPreschool, type QualificationValidity } from "../domain/rules.js";
import type { PersonRecord, QualificationRecord } from "../domain/records.js";
import type { CompactDate, CompactTimestamp } from "../time/jst.js";
import type { MessageBody, MessageHeader, ResultOfQualificationConfirmation, XmlMsg } from "./result-schema.js";

export type ConsentItem = "diagnosis" | "pharmacists" | "specificHealthCheckups" | "operation" | "limitApplication" | "specificDiseases" | "publicExpense";
export const INFO_CONSENT_ITEMS = ["diagnosis", "pharmacists", "specificHealthCheckups", "operation"] as const;

export interface ConsentEntry {
  readonly flag: "0" | "1";
  readonly consTime: CompactTimestamp;
  readonly availableTime: CompactTimestamp | null;
}
export type ConsentSnapshot = Partial<Record<ConsentItem, ConsentEntry>>;

/** Whether 限度額 / 特定疾病 information goes into a result, and with which consent flag and time. */
export interface ProvisionOptions {
  readonly limitApplication: { readonly include: boolean; readonly consFlg?: "0" | "1"; readonly consTime?: CompactTimestamp };
  readonly specificDiseases: { readonly include: boolean; readonly consFlg?: "0" | "1"; readonly consTime?: CompactTimestamp };
  readonly consents: ConsentSnapshot;
}

const within = (d: CompactDate, start: CompactDate, end: CompactDate | undefined) => start <= d && (end === undefined || d <= end);

export function resultOfQualification(
  person: PersonRecord,
  q: QualificationRecord,
  d: CompactDate,
  provision: ProvisionOptions,
): ResultOfQualificationConfirmation {
  const preschool = isPreschool(person.birthdate, d);
  const elderly = q.elderly && within(d, q.elderly.validStartDate, q.elderly.validEndDate) ? q.elderly : null;
  const ratio = elderly?.contributionRatio ?? (preschool ? "020" : (q.partialContributionRatio ?? undefined));
  const r: ResultOfQualificationConfirmation = {
    InsuredCardClassification: q.insuredCardClassification,
    InsurerNumber: interfaceInsurerNumber(q.insurerNumber),
    InsurerName: q.insurerName,
    ...(q.insuredCardSymbol !== null && { InsuredCardSymbol: q.insuredCardSymbol }),
    InsuredIdentificationNumber: q.insuredIdentificationNumber,
    ...(q.insuredBranchNumber !== null && { InsuredBranchNumber: q.insuredBranchNumber }),
    PersonalFamilyClassification: q.personalFamilyClassification,
    ...(q.insuredName !== null && { InsuredName: q.insuredName }),
    Name: person.name,
    NameKana: person.nameKana,
    Sex1: person.sex,
    Birthdate: person.birthdate,
    Address: person.address,
    PostNumber: person.postNumber,
    QualificationDate: q.qualificationDate,
    ...(q.disqualificationDate !== null && { DisqualificationDate: q.disqualificationDate }),
    ...(q.insuredCardValidDate !== null && { InsuredCardValidDate: q.insuredCardValidDate }),
    ...(q.insuredCardExpirationDate !== null && { InsuredCardExpirationDate: q.insuredCardExpirationDate }),
    ...(ratio !== undefined && { InsuredPartialContributionRatio: ratio }),
    ...(preschool && { PreschoolClassification: "1" as const }),
    ...(q.reasonOfLoss !== null && { ReasonOfLoss: q.reasonOfLoss }),
  };
  if (elderly) {
    r.ElderlyRecipientCertificateInfo = {
      ...(elderly.certificateDate && { ElderlyRecipientCertificateDate: elderly.certificateDate }),
      ElderlyRecipientValidStartDate: elderly.validStartDate,
      ElderlyRecipientValidEndDate: elderly.validEndDate,
      ElderlyRecipientContributionRatio: elderly.contributionRatio,
    };
  }
  const lim = provision.limitApplication;
  if (lim.consFlg) r.LimitApplicationCertificateRelatedConsFlg = lim.consFlg;
  if (lim.consTime) r.LimitApplicationCertificateRelatedConsTime = lim.consTime;
  if (lim.include && q.limit && within(d, q.limit.validStartDate, q.limit.validEndDate)) {
    r.LimitApplicationCertificateRelatedInfo = {
      LimitApplicationCertificateClassification: q.limit.classification,
      LimitApplicationCertificateClassificationFlag: q.limit.bracket,
      ...(q.limit.certificateDate && { LimitApplicationCertificateDate: q.limit.certificateDate }),
      LimitApplicationCertificateValidStartDate: q.limit.validStartDate,
      ...(q.limit.validEndDate && { LimitApplicationCertificateValidEndDate: q.limit.validEndDate }),
      ...(q.limit.longTermHospitalizationDate && { LimitApplicationCertificateLongTermDate: q.limit.longTermHospitalizationDate }),
    };
  }
  const sd = provision.specificDiseases;
  if (sd.consFlg) r.SpecificDiseasesCertificateRelatedConsFlg = sd.consFlg;
  if (sd.consTime) r.SpecificDiseasesCertificateRelatedConsTime = sd.consTime;
  const diseases = (q.specificDiseases ?? []).filter((x) => within(d, x.validStartDate, x.validEndDate));
  if (sd.include && diseases.length) {
    r.SpecificDiseasesCertificateList = {
      SpecificDiseasesCertificateInfo: diseases.map((x) => ({
        SpecificDiseasesDiseaseCategory: x.category,
        ...(x.certificateDate && { SpecificDiseasesCertificateDate: x.certificateDate }),
        SpecificDiseasesValidStartDate: x.validStartDate,
        ...(x.validEndDate && { SpecificDiseasesValidEndDate: x.validEndDate }),
        SpecificDiseasesSelfPay: x.selfPay,
      })),
    };
  }
  const c = provision.consents;
  const block = (entry: ConsentEntry | undefined, prefix: "PharmacistsInfo" | "SpecificHealthCheckupsInfo" | "DiagnosisInfo" | "OperationInfo") => {
    if (!entry) return;
    r[`${prefix}ConsFlg`] = entry.flag;
    r[`${prefix}ConsTime`] = entry.consTime;
    if (entry.availableTime) r[`${prefix}AvailableTime`] = entry.availableTime;
  };
  block(c.pharmacists, "PharmacistsInfo");
  block(c.specificHealthCheckups, "SpecificHealthCheckupsInfo");
  block(c.diagnosis, "DiagnosisInfo");
  block(c.operation, "OperationInfo");
  return r;
}

export interface HeaderInput {
  readonly processTime: CompactTimestamp;
  readonly simulationDate: CompactDate;
  readonly medicalInstitutionCode: string;
  readonly arbitraryFileIdentifier?: string | undefined;
  readonly referenceClassification: "1" | "2";
  readonly characterCode: "0" | "1";
}

function header(h: HeaderInput, segment: "1" | "9", error?: { code: string; message: string }): MessageHeader {
  return {
    ProcessExecutionTime: h.processTime,
    QualificationConfirmationDate: h.simulationDate,
    MedicalInstitutionCode: h.medicalInstitutionCode,
    ...(h.arbitraryFileIdentifier !== undefined && { ArbitraryFileIdentifier: h.arbitraryFileIdentifier }),
    ReferenceClassification: h.referenceClassification,
    SegmentOfResult: segment,
    ...(error && { ErrorCode: error.code, ErrorMessage: error.message }),
    CharacterCodeIdentifier: h.characterCode,
  };
}

export function successMessage(
  h: HeaderInput,
  validity: QualificationValidity,
  results: readonly ResultOfQualificationConfirmation[],
  notices: readonly NoticeCode[],
  referenceNumber?: string,
): XmlMsg {
  const first = notices[0];
  const body: MessageBody = {
    ProcessingResultStatus: "1",
    ...(first && { ProcessingResultCode: first, ProcessingResultMessage: RESULT_CODES[first].message }),
    QualificationValidity: validity,
    ...(results.length > 0 && { ResultList: { ResultOfQualificationConfirmation: [...results] } }),
    ...(referenceNumber !== undefined && { ReferenceNumber: referenceNumber }),
  };
  return { MessageHeader: header(h, "1"), MessageBody: body };
}

/** A refusal (ProcessingResultStatus 2). The qualification fields are kept when the refusal is about a document. */
export function refusalMessage(
  h: HeaderInput,
  code: RefusalCode,
  lookup?: { validity: QualificationValidity; results: readonly ResultOfQualificationConfirmation[] },
  referenceNumber?: string,
): XmlMsg {
  const body: MessageBody = {
    ProcessingResultStatus: "2",
    ProcessingResultCode: code,
    ProcessingResultMessage: RESULT_CODES[code].message,
    ...(lookup && { QualificationValidity: lookup.validity }),
    ...(lookup && lookup.results.length > 0 && { ResultList: { ResultOfQualificationConfirmation: [...lookup.results] } }),
    ...(referenceNumber !== undefined && { ReferenceNumber: referenceNumber }),
  };
  return { MessageHeader: header(h, "1"), MessageBody: body };
}

/** 異常終了 (SegmentOfResult 9): ErrorCode/ErrorMessage in the header, an empty body. */
export function faultMessage(h: HeaderInput, code: FaultCode | string, message?: string): XmlMsg {
  const known = (RESULT_CODES as Record<string, { message: string }>)[code];
  return { MessageHeader: header(h, "9", { code, message: message ?? known?.message ?? code }), MessageBody: {} };
}

export function isUsable(msg: XmlMsg): boolean {
  return (
    msg.MessageHeader.SegmentOfResult === "1" &&
    msg.MessageBody.ProcessingResultStatus === "1" &&
    msg.MessageBody.QualificationValidity === "1" &&
    msg.MessageBody.ResultList?.ResultOfQualificationConfirmation.length === 1
  );
}
