/**
 * The seeded 薬剤情報 and 特定健診情報 (fixtures/insurance/medical-records.json): fictional, plausible records per
 * person, in the shape of the YZK/TKK answers (REFERENCE §7 element names). Read once, validated.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

const s = (max = 200) => z.string().max(max);

const DrugInf = z.strictObject({
  DrugC: s(20), DrugN: s(), IngreN: s().optional(), Qua1: s(20), Unit: s(20), UsageN: s(), SpInst: s().optional(), Times: s(10),
});
const Dispensing = z.strictObject({ DiDate: z.string().regex(/^\d{8}$/), PrDate: z.string().regex(/^\d{8}$/), drugs: z.array(DrugInf).min(1) });
const MonthRecord = z.strictObject({
  MeTrMonth: z.string().regex(/^\d{6}$/),
  DiOrg: z.enum(["1", "2", "3"]), // 1 医科, 2 歯科, 3 調剤 [I]
  MeTrDiHCd: s(10), MeTrDiHNm: s(), PrlsHCd: s(10).optional(), PrlsHNm: s().optional(),
  InOut: z.enum(["1", "2"]), // 1 院内, 2 院外 [I]
  dispensings: z.array(Dispensing).min(1),
});
const CheckupItem = z.strictObject({
  ItemCode: s(20), ItemName: s(), DataType: z.enum(["PQ", "CD", "ST"]), DataValue: s(40), Unit: s(20).optional(), DataValueName: s(40).optional(),
});
const Checkup = z.strictObject({ EffectiveTime: z.string().regex(/^\d{8}$/), items: z.array(CheckupItem).min(1) });

export const MedicalRecordsFile = z.strictObject({
  note: z.string().optional(),
  persons: z.record(z.string(), z.strictObject({ prescriptions: z.array(MonthRecord), checkups: z.array(Checkup) })),
});
export type MedicalRecords = z.infer<typeof MedicalRecordsFile>;
export type MonthRecord = z.infer<typeof MonthRecord>;
export type Checkup = z.infer<typeof Checkup>;

export function loadMedicalRecords(file: string): MedicalRecords {
  return MedicalRecordsFile.parse(JSON.parse(readFileSync(file, "utf8")));
}
