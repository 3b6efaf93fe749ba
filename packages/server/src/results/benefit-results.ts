/**
 * What 医療費助成 (PMH) and 医療扶助 add to a qualification result (REFERENCE §6):
 * - 受給者証: carried only after 提供する on the PMH screen (PublicExpenseCertificateRelatedConsFlg 1), and only the
 *   ones current on the day. The screen is offered only to people with a current 受給者証 [I: the record does not
 *   say; the system gives no distinct reason for "not consented" vs "no certificate", so a clinic cannot tell].
 * - 医療扶助 (InsuredCardClassification A1): 公費負担者番号, 受給者番号, 福祉事務所 and the month's 医療券/調剤券;
 *   QualificationValidity 6 (有効（未登録）) until the month's ticket is registered.
 * Pure functions: the service reads the store and passes what it found.
 */
import { daysInMonth, type CompactDate } from "../time/jst.js";
import { isCurrent, medicalAssistanceValidity, monthOf } from "../domain/benefit-rules.js";
import type { QualificationValidity } from "../domain/rules.js";
import type { ConsentEntry } from "./result-builder.js";
import type { ResultOfQualificationConfirmation } from "./result-schema.js";
import type { MedicalTicket, PublicExpenseCertificate } from "../domain/benefit-records.js";
import type { QualificationRecord } from "../domain/records.js";

export interface BenefitFacts {
  readonly certificates: readonly PublicExpenseCertificate[];
  readonly tickets: readonly MedicalTicket[];
  /** The latest PMH answer at this facility, if any. */
  readonly publicExpenseConsent: ConsentEntry | undefined;
  readonly facility: string;
}

const dated = (c: PublicExpenseCertificate) => ({ validStartDate: c.validStartDate, validEndDate: c.validEndDate ?? null });

export function currentCertificates(certificates: readonly PublicExpenseCertificate[], d: CompactDate): PublicExpenseCertificate[] {
  return certificates.filter((c) => isCurrent(dated(c), d));
}

export function isMedicalAssistance(q: Pick<QualificationRecord, "insuredCardClassification">): boolean {
  return q.insuredCardClassification === "A1";
}

/** The month's tickets of a 医療扶助 recipient. */
export function ticketsOfMonth(tickets: readonly MedicalTicket[], d: CompactDate): MedicalTicket[] {
  return tickets.filter((t) => t.month === monthOf(d));
}

/** Validity 1 becomes 6 for a 医療扶助 qualification whose month has no registered ticket. */
export function validityWithBenefits(validity: QualificationValidity, qualifications: readonly QualificationRecord[], tickets: readonly MedicalTicket[], d: CompactDate): QualificationValidity {
  if (validity !== "1" || qualifications.length !== 1 || !isMedicalAssistance(qualifications[0]!)) return validity;
  return medicalAssistanceValidity(tickets, d);
}

export function withBenefits(r: ResultOfQualificationConfirmation, q: QualificationRecord, d: CompactDate, facts: BenefitFacts): ResultOfQualificationConfirmation {
  const out: ResultOfQualificationConfirmation = { ...r };
  if (isMedicalAssistance(q)) {
    out.PublicExpenseNumber = q.insurerNumber;
    out.BeneficiaryNumber = q.insuredIdentificationNumber;
    out.WelfareOfficeName = q.insurerName;
    const month = ticketsOfMonth(facts.tickets, d);
    if (month.length) out.MedicalTicketInfo = month.map((t) => ticketInfo(t, facts.facility));
  }
  const consent = facts.publicExpenseConsent;
  if (consent) {
    out.PublicExpenseCertificateRelatedConsFlg = consent.flag;
    out.PublicExpenseCertificateRelatedConsTime = consent.consTime;
  }
  const current = currentCertificates(facts.certificates, d);
  if (consent?.flag === "1" && current.length) {
    out.PublicExpenseCertificateList = {
      PublicExpenseCertificateInfo: current.map((c) => ({
        PublicExpenseNumber: c.publicExpenseNumber,
        BeneficiaryNumber: c.recipientNumber,
        PublicExpenseProgram: c.program,
        PublicExpenseIssuer: c.issuer,
        PublicExpenseValidStartDate: c.validStartDate,
        ...(c.validEndDate && { PublicExpenseValidEndDate: c.validEndDate }),
        PublicExpensePatientShare: c.patientShare,
        ...(c.monthlyCapYen !== undefined && { PublicExpenseMonthlyCap: String(c.monthlyCapYen) }),
      })),
    };
  }
  return out;
}

/** [I] A ticket is valid for its whole month (MedicalTicketValidDate the 1st, ExpirationDate the last day). */
function ticketInfo(t: MedicalTicket, facility: string) {
  const year = Number(t.month.slice(0, 4));
  const month = Number(t.month.slice(4, 6));
  return {
    TicketType: t.ticketType,
    IssueNumber: t.issueNumber,
    MedicalTreatmentMonth: t.month,
    MedicalTicketValidDate: `${t.month}01`,
    MedicalTicketExpirationDate: `${t.month}${String(daysInMonth(year, month)).padStart(2, "0")}`,
    DesignatedMedicalInstitutionCode: t.designatedMedicalInstitutionCode,
    DesignatedMedicalInstitutionFlag: t.designatedMedicalInstitutionCode === facility ? ("0" as const) : ("1" as const),
    SelfPayAmount: String(t.selfPayAmount),
  };
}
