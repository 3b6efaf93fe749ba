/**
 * fixtures/insurance/benefits.json: 医療費助成 受給者証 (PMH), the 医療扶助 monthly 医療券/調剤券, and who applied
 * for a 後期高齢者 資格確認書. Element meanings: REFERENCE §6 and packages/server/README.md (医療費助成 and 医療扶助).
 */
import { z } from "zod";
import { hasValidPublicExpenseNumber, hasValidRecipientNumber } from "../domain/public-expense-number.js";
import type { MedicalTicket, PublicExpenseCertificate } from "../domain/benefit-records.js";
import { SeedDate } from "./seed-schema.js";

const PersonId = z.string().regex(/^P\d{4}$/);

/** [I] The programmes a 受給者証 may be for (the element names and codes are ours). */
export const PublicExpenseProgram = z.enum(["child-medical", "single-parent", "disability", "nanbyo", "shoman", "other"]);

export const PublicExpenseCertificateSeed = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    personId: PersonId,
    program: PublicExpenseProgram,
    publicExpenseNumber: z.string().refine(hasValidPublicExpenseNumber, "not an 8-digit 公費負担者番号 with a valid 検証番号"),
    recipientNumber: z.string().refine(hasValidRecipientNumber, "not a 7-digit 受給者番号 with a valid 検証番号"),
    /** 交付者 (the 区市町村 or 都道府県). */
    issuer: z.string().min(1).max(80),
    validStartDate: SeedDate,
    validEndDate: SeedDate.optional(),
    /** What it covers: the patient's share after it ("000" nothing to pay, "010" 1割 …) and a monthly cap in yen. */
    patientShare: z.enum(["000", "010", "020"]),
    monthlyCapYen: z.number().int().min(0).max(100_000).optional(),
  })
  .refine((c) => !c.validEndDate || c.validEndDate >= c.validStartDate, { path: ["validEndDate"], message: "before validStartDate" });

export const MedicalTicketSeed = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  personId: PersonId,
  /** 01 医療券, 02 調剤券. */
  ticketType: z.enum(["01", "02"]),
  /** MedicalTreatmentMonth, yyyyMM. */
  month: z.string().regex(/^\d{4}(0[1-9]|1[0-2])$/),
  issueNumber: z.string().regex(/^\d{1,10}$/),
  designatedMedicalInstitutionCode: z.string().regex(/^\d{10}$/),
  selfPayAmount: z.number().int().min(0).max(1_000_000).default(0),
});

export const BenefitsFile = z.strictObject({
  $comment: z.string().optional(),
  publicExpenseCertificates: z.array(PublicExpenseCertificateSeed).default([]),
  medicalTickets: z.array(MedicalTicketSeed).default([]),
  /** 後期高齢者 who applied for a 資格確認書 (issued from 2026-08-01 whatever their age or card). */
  kakuninshoRequests: z.array(PersonId).default([]),
});

export type PublicExpenseCertificateSeed = z.output<typeof PublicExpenseCertificateSeed>;
export type MedicalTicketSeed = z.output<typeof MedicalTicketSeed>;
export type BenefitsFile = z.output<typeof BenefitsFile>;

// The parsed shapes must be the store's records.
type Fits<T, _U extends T> = true;
export type BenefitSeedsFitRecords = [Fits<PublicExpenseCertificate, PublicExpenseCertificateSeed>, Fits<MedicalTicket, MedicalTicketSeed>];
