/**
 * Schemas of the routes added for レセコン work: the simulation clock (admin). Registered in the same registry as
 * schemas.ts, so the OpenAPI document lists them.
 */
import { z } from "zod";
import { apiSchemas, CompactDateString } from "./schemas.js";

const named = <T extends z.ZodType>(schema: T, id: string): T => {
  apiSchemas.add(schema, { id });
  return schema;
};

export const ClockSetRequest = named(
  z.strictObject({ date: CompactDateString.nullable().describe("YYYYMMDD (Japan date), or null for real time") }),
  "ClockSetRequest",
);
export type ClockSetRequest = z.infer<typeof ClockSetRequest>;

export const ClockResponse = named(
  z.strictObject({
    date: z.string().nullable().describe("the date set, or null (real time)"),
    effectiveDate: z.string().describe("the date requests without one are answered on now"),
    source: z.enum(["set", "real-time"]),
  }),
  "ClockResponse",
);
export type ClockResponse = z.infer<typeof ClockResponse>;

const InsurerNumberInput = z.string().regex(/^\s{0,2}(\d{6}|\d{8})$/, "8 digits, or 6 for 国保 (may be space-padded)");

/** "What the doctor can see now" for a patient at a facility (the reception page's view of 薬剤・特定健診情報). */
export const MedicalInfoRequest = named(
  z.strictObject({
    medicalInstitutionCode: z.string().regex(/^\d{10}$/, "10 digits (医療機関コード)"),
    insurerNumber: InsurerNumberInput,
    insuredCardSymbol: z.string().max(38).optional(),
    insuredIdentificationNumber: z.string().min(1).max(38),
    insuredBranchNumber: z.string().regex(/^\d{2}$/, "2 digits").optional(),
  }),
  "MedicalInfoRequest",
);
export type MedicalInfoRequest = z.infer<typeof MedicalInfoRequest>;

const Access = z.strictObject({
  available: z.boolean(),
  code: z.string().optional().describe("why not: E411, E412, E501 no consent, E502 consent expired, E503 grace period"),
});
const Drug = z.strictObject({ name: z.string(), ingredient: z.string().optional(), quantity: z.string(), unit: z.string(), usage: z.string(), days: z.string(), note: z.string().optional() });
const Dispensing = z.strictObject({ month: z.string(), institution: z.string(), pharmacy: z.string().optional(), date: z.string(), drugs: z.array(Drug) });
const CheckupItem = z.strictObject({ name: z.string(), value: z.string(), unit: z.string().optional() });
const Checkup = z.strictObject({ date: z.string(), items: z.array(CheckupItem) });

export const MedicalInfoResponse = named(
  z.strictObject({
    pharmacists: Access.extend({ dispensings: z.array(Dispensing) }),
    specificHealthCheckups: Access.extend({ checkups: z.array(Checkup) }),
  }),
  "MedicalInfoResponse",
);
export type MedicalInfoResponse = z.infer<typeof MedicalInfoResponse>;
