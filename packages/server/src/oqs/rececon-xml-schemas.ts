/**
 * Request schemas of the レセコン file interfaces beyond the single lookup (REFERENCE §7, from open-source clinic
 * software; the official layout is not public). Strict like OQSsiquc01: unknown elements are refused (S904).
 * A repeated element arrives as an array, a single one as an object: `many()` takes both.
 */
import { z } from "zod";
import { isCompactDate } from "../time/jst.js";

const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.optional());
const d8 = z.string().regex(/^\d{8}$/, "YYYYMMDD").refine(isCompactDate, "not a calendar date");
const ym = z.string().regex(/^\d{4}(0[1-9]|1[0-2])$/, "yyyyMM");
const facility = z.string().regex(/^\d{10}$/, "10 digits");
const insurer = z.string().regex(/^(\d{6}|\d{8})$/, "8 digits, or 6 for 国保 (may be space-padded)");
const characterCode = opt(z.enum(["0", "1"], { error: "0 (UTF-8) or 1 (Shift_JIS)" }));
const fileId = opt(z.string().max(64));
/** An element that may repeat: one → [one]; absent or empty → []. */
const many = <T extends z.ZodType>(s: T) => z.preprocess((v) => (v === undefined || v === "" ? [] : Array.isArray(v) ? v : [v]), z.array(s));
/** An empty <MessageBody/> reads as "". */
const body = <T extends z.ZodRawShape>(shape: T) => z.preprocess((v) => (v === "" ? {} : v), z.strictObject(shape));

export const SearchInfo = z.strictObject({
  InsurerNumber: insurer,
  InsuredCardSymbol: opt(z.string().max(38)),
  InsuredIdentificationNumber: z.string().min(1).max(38),
  InsuredBranchNumber: opt(z.string().regex(/^\d{2}$/, "2 digits")),
  Birthdate: d8,
  LimitApplicationCertificateRelatedConsFlg: opt(z.enum(["0", "1"])),
  ArbitraryIdentifier: opt(z.string().max(64)),
});
export type SearchInfo = z.infer<typeof SearchInfo>;

export const BulkLookupRequest = z.strictObject({
  XmlMsg: z.strictObject({
    MessageHeader: z.strictObject({
      QualificationConfirmationDate: opt(d8),
      MedicalInstitutionCode: facility,
      ArbitraryFileIdentifier: fileId,
      CharacterCodeIdentifier: characterCode,
    }),
    MessageBody: body({ QualificationConfirmSearchInfo: many(SearchInfo) }),
  }),
});

export const ReceptionRequest = z.strictObject({
  XmlMsg: z.strictObject({
    MessageHeader: z.strictObject({ MedicalInstitutionCode: facility, ArbitraryFileIdentifier: fileId, CharacterCodeIdentifier: characterCode }),
    MessageBody: z.strictObject({ ReceptionNumber: z.string().regex(/^[0-9A-Za-z]{1,32}$/, "a ReceptionNumber as answered") }),
  }),
});

export const RegistrationInfo = z.strictObject({
  ReferenceNumber: z.string().min(1).max(50).regex(/^[^\u0000-\u001f]*$/, "no control characters"),
  InsurerNumber: insurer,
  InsuredCardSymbol: opt(z.string().max(38)),
  InsuredIdentificationNumber: z.string().min(1).max(38),
  InsuredBranchNumber: opt(z.string().regex(/^\d{2}$/, "2 digits")),
});
export type RegistrationInfo = z.infer<typeof RegistrationInfo>;

const registrationHeader = z.strictObject({ MedicalInstitutionCode: facility, ArbitraryFileIdentifier: fileId, CharacterCodeIdentifier: characterCode });

export const SingleRegistrationRequest = z.strictObject({
  XmlMsg: z.strictObject({ MessageHeader: registrationHeader, MessageBody: z.strictObject({ ReferenceNumberRegistrationInfo: RegistrationInfo }) }),
});

export const BulkRegistrationRequest = z.strictObject({
  XmlMsg: z.strictObject({ MessageHeader: registrationHeader, MessageBody: body({ ReferenceNumberRegistrationInfo: many(RegistrationInfo) }) }),
});

/** 薬剤情報 / 特定健診情報: the person by insurance numbers in the header (names as the client software spells them). */
const medicalInfoHeader = z.strictObject({
  MedicalInstitutionCode: facility,
  InsurerNumber: insurer,
  InsuranceCardSymbol: opt(z.string().max(38)),
  InsuredPersonIdentificationNumber: z.string().min(1).max(38),
  BranchNumber: opt(z.string().regex(/^\d{2}$/, "2 digits")),
  ArbitraryFileIdentifier: fileId,
  CharacterCodeIdentifier: characterCode,
});

export const DrugInfoRequest = z.strictObject({
  XmlMsg: z.strictObject({
    MessageHeader: medicalInfoHeader,
    MessageBody: z.strictObject({
      StartDate: opt(ym),
      EndDate: opt(ym),
      FileCategory: z.enum(["1", "2", "3", "4"], { error: "1 PDF, 2 XML, 3 PDF with 診療, 4 XML with 診療" }),
      PrDiInfClassification: opt(z.literal("1")),
    }),
  }),
});

export const CheckupInfoRequest = z.strictObject({
  XmlMsg: z.strictObject({
    MessageHeader: medicalInfoHeader,
    MessageBody: z.strictObject({
      FileCategory: z.enum(["1", "2"], { error: "1 PDF, 2 XML" }),
      PrDiInfClassification: opt(z.literal("1")),
    }),
  }),
});

export type BulkLookupRequest = z.infer<typeof BulkLookupRequest>;
export type ReceptionRequest = z.infer<typeof ReceptionRequest>;
export type SingleRegistrationRequest = z.infer<typeof SingleRegistrationRequest>;
export type BulkRegistrationRequest = z.infer<typeof BulkRegistrationRequest>;
export type DrugInfoRequest = z.infer<typeof DrugInfoRequest>;
export type CheckupInfoRequest = z.infer<typeof CheckupInfoRequest>;
