/**
 * The qualification result as JSON mirroring the interface's XML: XmlMsg/MessageHeader/MessageBody with the
 * element names of docs/domain.md §3. Every value is a string, as in the XML; absent elements are left out.
 * Repeated elements (ResultOfQualificationConfirmation, SpecificDiseasesCertificateInfo) are arrays.
 */
import { z } from "zod";

const d8 = z.string().regex(/^\d{8}$/).describe("YYYYMMDD (Japan time)");
const t14 = z.string().regex(/^\d{14}$/).describe("YYYYMMDDHHmmss (Japan time)");
const consFlg = z.enum(["0", "1"]).describe("1 同意, 0 不同意");

export const ElderlyRecipientCertificateInfo = z.strictObject({
  ElderlyRecipientCertificateDate: d8.optional(),
  ElderlyRecipientValidStartDate: d8,
  ElderlyRecipientValidEndDate: d8,
  ElderlyRecipientContributionRatio: z.enum(["010", "020", "030"]),
});

export const LimitApplicationCertificateRelatedInfo = z.strictObject({
  LimitApplicationCertificateClassification: z.enum(["01", "02", "03"]),
  LimitApplicationCertificateClassificationFlag: z
    .enum(["A01", "A02", "A03", "A04", "A05", "A06", "B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09", "B10"])
    .describe("適用区分: A01 ア … A06 オ（境）, B01 現役並みⅢ … B10 一般Ⅰ"),
  LimitApplicationCertificateDate: d8.optional(),
  LimitApplicationCertificateValidStartDate: d8,
  LimitApplicationCertificateValidEndDate: d8.optional(),
  LimitApplicationCertificateLongTermDate: d8.optional(),
});

export const SpecificDiseasesCertificateInfo = z.strictObject({
  SpecificDiseasesDiseaseCategory: z.enum(["1", "2", "3"]).describe("1 人工透析を要する慢性腎不全, 2 血友病, 3 血液製剤由来HIV"),
  SpecificDiseasesCertificateDate: d8.optional(),
  SpecificDiseasesValidStartDate: d8,
  SpecificDiseasesValidEndDate: d8.optional(),
  SpecificDiseasesSelfPay: z.string().regex(/^\d+$/),
});

/** [I] A 医療費助成 受給者証 (PMH): element names are this simulator's (packages/server/README.md, 医療費助成). */
export const PublicExpenseCertificateInfo = z.strictObject({
  PublicExpenseNumber: z.string().regex(/^\d{8}$/).describe("公費負担者番号: 法別 2 + 都道府県 2 + 実施機関 3 + 検証番号 1"),
  BeneficiaryNumber: z.string().regex(/^\d{7}$/).describe("受給者番号: 6 digits + 検証番号"),
  PublicExpenseProgram: z.enum(["child-medical", "single-parent", "disability", "nanbyo", "shoman", "other"]),
  PublicExpenseIssuer: z.string(),
  PublicExpenseValidStartDate: d8,
  PublicExpenseValidEndDate: d8.optional(),
  PublicExpensePatientShare: z.enum(["000", "010", "020"]).describe("the patient's share after the 助成: 000 none, 010 1割, 020 2割"),
  PublicExpenseMonthlyCap: z.string().regex(/^\d+$/).optional().describe("自己負担上限月額, yen"),
});

/** 医療扶助: one per 医療券 (01) / 調剤券 (02) the 福祉事務所 registered (REFERENCE §6). */
export const MedicalTicketInfo = z.strictObject({
  TicketType: z.enum(["01", "02"]).describe("01 医療券, 02 調剤券"),
  IssueNumber: z.string(),
  MedicalTreatmentMonth: z.string().regex(/^\d{6}$/).describe("yyyyMM"),
  MedicalTicketValidDate: d8,
  MedicalTicketExpirationDate: d8,
  DesignatedMedicalInstitutionCode: z.string().regex(/^\d{10}$/),
  DesignatedMedicalInstitutionFlag: z.enum(["0", "1"]).describe("0 一致 (this facility), 1 不一致"),
  SelfPayAmount: z.string().regex(/^\d+$/),
});

export const ResultOfQualificationConfirmation = z.strictObject({
  InsuredCardClassification: z.enum(["01", "02", "03", "04", "05", "06", "07", "A1"]).describe("A1 医療扶助"),
  InsurerNumber: z.string().regex(/^( {2}\d{6}|\d{8})$/).describe("8 characters; a 6-digit 国保 number is left-padded with spaces"),
  InsurerName: z.string(),
  InsuredCardSymbol: z.string().optional(),
  InsuredIdentificationNumber: z.string(),
  InsuredBranchNumber: z.string().regex(/^\d{2}$/).optional(),
  PersonalFamilyClassification: z.enum(["1", "2"]).describe("1 本人, 2 家族"),
  InsuredName: z.string().optional(),
  Name: z.string(),
  NameKana: z.string().describe("half-width katakana"),
  Sex1: z.enum(["1", "2", "3"]),
  Birthdate: d8,
  Address: z.string(),
  PostNumber: z.string().regex(/^\d{7}$/),
  QualificationDate: d8,
  DisqualificationDate: d8.optional(),
  InsuredCardValidDate: d8.optional(),
  InsuredCardExpirationDate: d8.optional(),
  InsuredPartialContributionRatio: z.enum(["010", "020", "030"]).optional(),
  PreschoolClassification: z.literal("1").optional().describe("1: 未就学者 (present only for preschool children)"),
  ReasonOfLoss: z.enum(["01", "02", "03", "99"]).optional(),
  ElderlyRecipientCertificateInfo: ElderlyRecipientCertificateInfo.optional(),
  LimitApplicationCertificateRelatedConsFlg: consFlg.optional(),
  LimitApplicationCertificateRelatedConsTime: t14.optional(),
  LimitApplicationCertificateRelatedInfo: LimitApplicationCertificateRelatedInfo.optional(),
  SpecificDiseasesCertificateRelatedConsFlg: consFlg.optional(),
  SpecificDiseasesCertificateRelatedConsTime: t14.optional(),
  SpecificDiseasesCertificateList: z.strictObject({ SpecificDiseasesCertificateInfo: z.array(SpecificDiseasesCertificateInfo) }).optional(),
  PublicExpenseCertificateRelatedConsFlg: consFlg.optional().describe("医療費助成 (PMH) screen: 1 提供する, 0 提供しない"),
  PublicExpenseCertificateRelatedConsTime: t14.optional(),
  PublicExpenseCertificateList: z.strictObject({ PublicExpenseCertificateInfo: z.array(PublicExpenseCertificateInfo) }).optional(),
  PublicExpenseNumber: z.string().regex(/^\d{8}$/).optional().describe("医療扶助 (A1): 公費負担者番号"),
  BeneficiaryNumber: z.string().regex(/^\d{7}$/).optional().describe("医療扶助 (A1): 受給者番号"),
  WelfareOfficeName: z.string().optional().describe("医療扶助 (A1): 福祉事務所"),
  MedicalTicketInfo: z.array(MedicalTicketInfo).optional(),
  PharmacistsInfoConsFlg: consFlg.optional(),
  PharmacistsInfoConsTime: t14.optional(),
  PharmacistsInfoAvailableTime: t14.optional(),
  SpecificHealthCheckupsInfoConsFlg: consFlg.optional(),
  SpecificHealthCheckupsInfoConsTime: t14.optional(),
  SpecificHealthCheckupsInfoAvailableTime: t14.optional(),
  DiagnosisInfoConsFlg: consFlg.optional(),
  DiagnosisInfoConsTime: t14.optional(),
  DiagnosisInfoAvailableTime: t14.optional(),
  OperationInfoConsFlg: consFlg.optional(),
  OperationInfoConsTime: t14.optional(),
  OperationInfoAvailableTime: t14.optional(),
});

export const MessageHeader = z.strictObject({
  ProcessExecutionTime: t14,
  QualificationConfirmationDate: d8,
  MedicalInstitutionCode: z.string(),
  ArbitraryFileIdentifier: z.string().optional(),
  ReferenceClassification: z.enum(["1", "2"]).describe("1 マイナンバーカード, 2 被保険者証情報"),
  SegmentOfResult: z.enum(["1", "2", "9"]).describe("1 正常終了, 2 処理中, 9 異常終了"),
  ErrorCode: z.string().optional(),
  ErrorMessage: z.string().optional(),
  CharacterCodeIdentifier: z.enum(["0", "1"]).describe("0 UTF-8, 1 Shift_JIS"),
});

export const MessageBody = z.strictObject({
  ProcessingResultStatus: z.enum(["1", "2"]).optional().describe("1 正常終了, 2 エラー (absent when SegmentOfResult is 9)"),
  ProcessingResultCode: z.string().optional(),
  ProcessingResultMessage: z.string().optional(),
  QualificationValidity: z.enum(["1", "2", "3", "4", "5", "6"]).optional().describe("1 有効, 2 無効, 3 無効（新しい資格あり）, 4 該当資格なし, 5 複数該当, 6 有効（未登録: 医療扶助 before the month's 医療券）"),
  ResultList: z.strictObject({ ResultOfQualificationConfirmation: z.array(ResultOfQualificationConfirmation) }).optional(),
  ReferenceNumber: z.string().optional(),
  PrescriptionIssueSelect: z.string().optional(),
});

export const XmlMsg = z.strictObject({ MessageHeader, MessageBody });

export const Notice = z.strictObject({ code: z.string(), message: z.string() });

/** What the simulator adds beside XmlMsg in JSON answers (never inside it, so XmlMsg stays the real shape). */
export const SimulatorInfo = z.strictObject({
  confirmationId: z.string().optional().describe("card path: pass to /api/v1/consents and /api/v1/sessions/complete"),
  simulationDate: d8,
  consentFlow: z.enum(["since-2024-10-07", "before-2024-10-07"]),
  usable: z.boolean().describe("SegmentOfResult 1, ProcessingResultStatus 1, QualificationValidity 1 and exactly one result"),
  notices: z.array(Notice).describe("every notice that applied; ProcessingResultCode carries the first"),
  method: z.enum(["pin", "face", "visual"]).optional(),
  token: z
    .enum(["card", "android", "iphone"])
    .optional()
    .describe("ours, not the interface's: which token was read — the card, or a phone's own certificate (スマホ用電子証明書)"),
  publicExpenseOffered: z.boolean().optional().describe("card path: show the 医療費助成 (PMH) screen 「医療費助成の各種受給者証を利用しますか」"),
  qualificationOnly: z.boolean().optional().describe("card path: grace period after an expiry — only the qualification, no consent screens"),
});

export const QualificationResponse = z.strictObject({ XmlMsg, simulator: SimulatorInfo });

export type ResultOfQualificationConfirmation = z.infer<typeof ResultOfQualificationConfirmation>;
export type MessageHeader = z.infer<typeof MessageHeader>;
export type MessageBody = z.infer<typeof MessageBody>;
export type XmlMsg = z.infer<typeof XmlMsg>;
export type SimulatorInfo = z.infer<typeof SimulatorInfo>;
export type QualificationResponse = z.infer<typeof QualificationResponse>;
