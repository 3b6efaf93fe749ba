/** The records of 医療費助成 受給者証 and 医療扶助 tickets, as the store keeps them (seed/benefit-seed.ts parses them). */
import type { CompactDate } from "../time/jst.js";

export type PublicExpenseProgram = "child-medical" | "single-parent" | "disability" | "nanbyo" | "shoman" | "other";

export interface PublicExpenseCertificate {
  readonly id: string;
  readonly personId: string;
  readonly program: PublicExpenseProgram;
  /** 公費負担者番号 (8 digits with 検証番号). */
  readonly publicExpenseNumber: string;
  /** 受給者番号 (7 digits with 検証番号). */
  readonly recipientNumber: string;
  readonly issuer: string;
  readonly validStartDate: CompactDate;
  readonly validEndDate?: CompactDate | undefined;
  readonly patientShare: "000" | "010" | "020";
  readonly monthlyCapYen?: number | undefined;
}

export interface MedicalTicket {
  readonly id: string;
  readonly personId: string;
  /** 01 医療券, 02 調剤券. */
  readonly ticketType: "01" | "02";
  /** MedicalTreatmentMonth, yyyyMM. */
  readonly month: string;
  readonly issueNumber: string;
  readonly designatedMedicalInstitutionCode: string;
  readonly selfPayAmount: number;
}
