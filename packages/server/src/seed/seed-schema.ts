/**
 * Schemas of the seed files in fixtures/insurance/ and fixtures/devices/. Dates are written "YYYY-MM-DD"
 * for people editing them by hand; the server stores YYYYMMDD.
 */
import { z } from "zod";
import { addMonths, isCompactDate, toCompactDate, toIsoDate } from "../time/jst.js";
import { hasValidInsurerCheckDigit } from "../domain/insurer-number.js";
import { toHalfWidthKana } from "../domain/kana.js";
import { PersonAction } from "../protocol/schemas.js";
import type { ElderlyRecipientRecord, LimitApplicationRecord, SpecificDiseaseRecord } from "../domain/records.js";

export const SeedDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a date YYYY-MM-DD")
  .refine((s) => isCompactDate(toCompactDate(s)), "not a calendar date")
  .transform(toCompactDate);

export const InsurerKind = z.enum(["kyokai", "kumiai", "kyosai", "kokuho", "kokuho-kumiai", "kouki", "welfare", "other"]);

export const InsurerSeed = z.strictObject({
  insurerNumber: z.string().refine(hasValidInsurerCheckDigit, "not a 6- or 8-digit 保険者番号 with a valid check digit"),
  name: z.string().min(1),
  kind: InsurerKind,
});

export const ElderlyRecipientSeed = z.strictObject({
  certificateDate: SeedDate.optional(),
  validStartDate: SeedDate,
  validEndDate: SeedDate,
  contributionRatio: z.enum(["010", "020", "030"]),
});

/** 限度額適用: classification 01 限度額適用認定証, 02 限度額適用・標準負担額減額認定証, 03 (その他); brackets A01–B10. */
export const LimitBracket = z.enum(["A01", "A02", "A03", "A04", "A05", "A06", "B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B09", "B10"]);
export const LimitApplicationSeed = z.strictObject({
  classification: z.enum(["01", "02", "03"]),
  bracket: LimitBracket,
  certificateDate: SeedDate.optional(),
  validStartDate: SeedDate,
  validEndDate: SeedDate.optional(),
  longTermHospitalizationDate: SeedDate.optional(),
});

/** 特定疾病: 1 人工透析を要する慢性腎不全, 2 血友病, 3 血液製剤由来HIV; selfPay = 自己負担限度額 in yen. */
export const SpecificDiseaseSeed = z.strictObject({
  category: z.enum(["1", "2", "3"]),
  certificateDate: SeedDate.optional(),
  validStartDate: SeedDate,
  validEndDate: SeedDate.optional(),
  selfPay: z.enum(["10000", "20000"]),
});

// A seed's certificates are stored as they are: their parsed shapes must be the domain's records.
type Fits<T, _U extends T> = true;
export type SeedsFitRecords = [
  Fits<ElderlyRecipientRecord, z.output<typeof ElderlyRecipientSeed>>,
  Fits<LimitApplicationRecord, z.output<typeof LimitApplicationSeed>>,
  Fits<SpecificDiseaseRecord, z.output<typeof SpecificDiseaseSeed>>,
];

/** oshirase: a 資格情報のお知らせ with an expiry (70–74: the 負担割合 period it states). */
export const DocumentKind = z.enum(["legacy-card", "kakuninsho-paper", "kakuninsho-card", "oshirase"]);
export const DocumentStatus = z.enum(["active", "lost", "returned"]);

const LEGACY_LAST_ISSUE = "20241201"; // no new 健康保険証 from 2024-12-02
const KAKUNINSHO_FIRST_ISSUE = "20241202";

export const DocumentSeed = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]+$/),
    kind: DocumentKind,
    issuedOn: SeedDate,
    validUntil: SeedDate.optional(),
    status: DocumentStatus.default("active"),
    note: z.string().optional(),
  })
  .superRefine((d, ctx) => {
    if (d.kind === "legacy-card" && d.issuedOn > LEGACY_LAST_ISSUE)
      ctx.addIssue({ code: "custom", path: ["issuedOn"], message: "no 健康保険証 is issued from 2024-12-02" });
    if (d.kind === "kakuninsho-paper" || d.kind === "kakuninsho-card") {
      if (d.issuedOn < KAKUNINSHO_FIRST_ISSUE) ctx.addIssue({ code: "custom", path: ["issuedOn"], message: "資格確認書 exist from 2024-12-02" });
      if (!d.validUntil) ctx.addIssue({ code: "custom", path: ["validUntil"], message: "a 資格確認書 always has a valid-until date" });
      const limit = addMonths(d.issuedOn, d.kind === "kakuninsho-paper" ? 3 : 60);
      if (d.validUntil && d.validUntil > limit)
        ctx.addIssue({ code: "custom", path: ["validUntil"], message: `${d.kind} is valid at most ${d.kind === "kakuninsho-paper" ? "3 months" : "5 years"} (until ${toIsoDate(limit)})` });
    }
    if (d.validUntil && d.validUntil < d.issuedOn) ctx.addIssue({ code: "custom", path: ["validUntil"], message: "before issuedOn" });
  });

export const QualificationSeed = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]+$/),
    insurerNumber: z.string().regex(/^(\d{6}|\d{8})$/, "6 or 8 digits (no padding in seeds)"),
    /** "A1": 医療扶助 (生活保護): insurerNumber is then the 公費負担者番号 (法別 12), the id the 受給者番号. */
    insuredCardClassification: z.enum(["01", "02", "03", "04", "05", "06", "07", "A1"]).default("01"),
    insuredCardSymbol: z.string().max(38).optional(),
    insuredIdentificationNumber: z.string().min(1).max(38),
    insuredBranchNumber: z.string().regex(/^\d{2}$/, "2 digits").optional(),
    personalFamilyClassification: z.enum(["1", "2"]),
    /** 被保険者（世帯主）氏名 for a 家族; defaults to the person's own name for 本人. */
    insuredName: z.string().optional(),
    /** Or the 被保険者's personId, whose name is used (keeps a 家族 in step with a card fixture's holder name). */
    insuredPersonId: z.string().regex(/^P\d{4}$/).optional(),
    qualificationDate: SeedDate,
    disqualificationDate: SeedDate.optional(),
    reasonOfLoss: z.enum(["01", "02", "03", "99"]).optional(),
    insuredCardValidDate: SeedDate.optional(),
    insuredCardExpirationDate: SeedDate.optional(),
    partialContributionRatio: z.enum(["010", "020", "030"]).optional(),
    /** false: the insurer has not registered the person's マイナンバー, so the card path finds nothing (資格情報なし). */
    myNumberLinked: z.boolean().default(true),
    elderlyRecipient: ElderlyRecipientSeed.optional(),
    limitApplication: LimitApplicationSeed.optional(),
    specificDiseases: z.array(SpecificDiseaseSeed).optional(),
    documents: z.array(DocumentSeed).default([]),
    note: z.string().optional(),
  })
  .superRefine((q, ctx) => {
    if (q.disqualificationDate && q.disqualificationDate <= q.qualificationDate)
      ctx.addIssue({ code: "custom", path: ["disqualificationDate"], message: "must be after qualificationDate" });
    if (!!q.disqualificationDate !== !!q.reasonOfLoss)
      ctx.addIssue({ code: "custom", path: ["reasonOfLoss"], message: "reasonOfLoss goes with disqualificationDate (both or neither)" });
    if (q.personalFamilyClassification === "2" && !q.insuredName && !q.insuredPersonId)
      ctx.addIssue({ code: "custom", path: ["insuredName"], message: "a 家族 needs the 被保険者: insuredName or insuredPersonId" });
    if (q.insuredName && q.insuredPersonId) ctx.addIssue({ code: "custom", path: ["insuredPersonId"], message: "give insuredName or insuredPersonId, not both" });
  });

export const PersonSeed = z.strictObject({
  personId: z.string().regex(/^P\d{4}$/, "P followed by 4 digits"),
  note: z.string().optional(),
  /** Holder fields may be left out for a person who has a card fixture: they are taken from the card. */
  name: z.string().min(1).optional(),
  nameKana: z
    .string()
    .refine((s) => toHalfWidthKana(s) !== null, "katakana or hiragana only (stored as half-width katakana)")
    .optional(),
  birthdate: SeedDate.optional(),
  sex: z.enum(["1", "2", "3"]).optional(),
  address: z.string().min(1).optional(),
  postNumber: z.string().regex(/^\d{7}$/, "7 digits").optional(),
  qualifications: z.array(QualificationSeed).default([]),
});

export const CardLinkSeed = z.strictObject({
  personId: z.string().regex(/^P\d{4}$/),
  registeredForInsurance: z.boolean(),
  status: z.enum(["active", "suspended", "revoked"]).default("active"),
  note: z.string().optional(),
});

export const InsurersFile = z.strictObject({ $comment: z.string().optional(), insurers: z.array(InsurerSeed).min(1) });
export const PersonsFile = z.strictObject({ $comment: z.string().optional(), persons: z.array(PersonSeed).min(1) });
export const CardLinksFile = z.strictObject({ $comment: z.string().optional(), cardLinks: z.array(CardLinkSeed) });

export const ScenarioSeed = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]{1,40}$/, "lowercase letters, digits and hyphens"),
  description: z.string().min(1),
  steps: z.array(z.strictObject({ personId: z.string().regex(/^P\d{4}$/), action: PersonAction })).min(1),
});
export const ScenariosFile = z.strictObject({ $comment: z.string().optional(), scenarios: z.array(ScenarioSeed) });
export type ScenarioSeed = z.output<typeof ScenarioSeed>;

export const DeviceSeed = z.strictObject({
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  description: z.string().optional(),
  /** PEM file beside devices.json holding the device's public key. */
  publicKeyFile: z.string().regex(/^[A-Za-z0-9_.-]+\.pem$/),
  medicalInstitutionCode: z.string().regex(/^\d{10}$/).nullable().default(null),
  status: z.enum(["active", "revoked"]).default("active"),
});
export const DevicesFile = z.strictObject({ $comment: z.string().optional(), devices: z.array(DeviceSeed) });

export type InsurerSeed = z.output<typeof InsurerSeed>;
export type PersonSeed = z.output<typeof PersonSeed>;
export type QualificationSeed = z.output<typeof QualificationSeed>;
export type DocumentSeed = z.output<typeof DocumentSeed>;
export type CardLinkSeed = z.output<typeof CardLinkSeed>;
export type DeviceSeed = z.output<typeof DeviceSeed>;
export type ElderlyRecipientSeed = z.output<typeof ElderlyRecipientSeed>;
export type LimitApplicationSeed = z.output<typeof LimitApplicationSeed>;
export type SpecificDiseaseSeed = z.output<typeof SpecificDiseaseSeed>;
