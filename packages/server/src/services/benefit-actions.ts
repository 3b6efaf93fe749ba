/** The admin actions on benefits: the 福祉事務所 registers a 医療券/調剤券; a 後期高齢者 applies for a 資格確認書. */
import type { PersonAction } from "../protocol/schemas.js";
import type { QualificationStore } from "../store/qualification-store.js";
import type { CompactDate } from "../time/jst.js";
import { isMedicalAssistance } from "../results/benefit-results.js";
import type { BenefitStore } from "../store/benefit-store.js";

type BenefitAction = Extract<PersonAction, { action: "register-medical-ticket" | "request-kakuninsho" }>;

export function applyBenefitAction(benefits: BenefitStore, store: QualificationStore, personId: string, action: BenefitAction, today: CompactDate): { ok: true } | { ok: false; message: string } {
  const qualifications = store.qualificationsOf(personId);
  if (action.action === "request-kakuninsho") {
    if (!qualifications.some((q) => q.insurerKind === "kouki")) return { ok: false, message: "not a 後期高齢者 (no 後期高齢者医療 qualification)" };
    benefits.addKakuninshoRequest(personId, "admin");
    return { ok: true };
  }
  if (!qualifications.some(isMedicalAssistance)) return { ok: false, message: "no 医療扶助 (InsuredCardClassification A1) qualification" };
  const month = action.month ?? today.slice(0, 6);
  const id = `TICKET-${personId}-${month}-${action.ticketType}-${action.medicalInstitutionCode}`;
  // The 交付番号 [I]: month + a per-type serial, stable for the same ticket registered again.
  const issueNumber = `${month.slice(2)}${action.ticketType === "01" ? "1" : "2"}${action.medicalInstitutionCode.slice(-3)}`;
  benefits.addTicket({ id, personId, ticketType: action.ticketType, month, issueNumber, designatedMedicalInstitutionCode: action.medicalInstitutionCode, selfPayAmount: action.selfPayAmount }, "admin");
  return { ok: true };
}
