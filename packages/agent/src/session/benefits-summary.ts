/** What a result row says of 医療費助成 受給者証 and 医療扶助, for /reception (issue 14 §4–5). */
import type { QualificationResult } from "../qualification/qualification-client.js";
import type { MedicalAssistanceSummary, PublicExpenseCertificateSummary } from "./session-view.js";

type ResultRow = NonNullable<QualificationResult["XmlMsg"]["MessageBody"]["ResultList"]>["ResultOfQualificationConfirmation"][number];

export function benefitsSummary(r: ResultRow): { publicExpenseCertificates: PublicExpenseCertificateSummary[]; medicalAssistance: MedicalAssistanceSummary | null } {
  const certificates = (r.PublicExpenseCertificateList?.PublicExpenseCertificateInfo ?? []).map((c) => ({
    publicExpenseNumber: c.PublicExpenseNumber,
    recipientNumber: c.BeneficiaryNumber,
    program: c.PublicExpenseProgram,
    issuer: c.PublicExpenseIssuer,
    validEndDate: c.PublicExpenseValidEndDate ?? null,
    patientShare: c.PublicExpensePatientShare,
    monthlyCapYen: c.PublicExpenseMonthlyCap !== undefined ? Number(c.PublicExpenseMonthlyCap) : null,
  }));
  const medicalAssistance =
    r.InsuredCardClassification === "A1" && r.PublicExpenseNumber && r.BeneficiaryNumber
      ? {
          publicExpenseNumber: r.PublicExpenseNumber,
          beneficiaryNumber: r.BeneficiaryNumber,
          welfareOffice: r.WelfareOfficeName ?? "",
          tickets: (r.MedicalTicketInfo ?? []).map((t) => ({ ticketType: t.TicketType, month: t.MedicalTreatmentMonth, ownFacility: t.DesignatedMedicalInstitutionFlag === "0", selfPayAmount: t.SelfPayAmount })),
        }
      : null;
  return { publicExpenseCertificates: certificates, medicalAssistance };
}
