import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QualificationResponse } from "../../src/results/result-schema.js";
import { body, FACILITY, firstResult, header, startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

type Lookup = { body: QualificationResponse; status: number };
async function lookup(fields: Record<string, unknown>): Promise<Lookup> {
  const r = await h.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: FACILITY, ...fields });
  if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r as Lookup;
}
const P1009 = { insurerNumber: "01130012", insuredCardSymbol: "13040009", insuredIdentificationNumber: "99", insuredBranchNumber: "00", birthdate: "19700120" };
const P1002 = { insurerNumber: "06139992", insuredCardSymbol: "10", insuredIdentificationNumber: "3001", insuredBranchNumber: "00", birthdate: "19850714" };
const P1003_OLD = { insurerNumber: "01130012", insuredCardSymbol: "13020003", insuredIdentificationNumber: "33", insuredBranchNumber: "00", birthdate: "19900203" };
const P1003_NEW = { insurerNumber: "06139984", insuredCardSymbol: "20", insuredIdentificationNumber: "3003", insuredBranchNumber: "00", birthdate: "19900203" };
const outcome = (r: Lookup) => [body(r).ProcessingResultStatus, body(r).QualificationValidity, body(r).ProcessingResultCode ?? null];

describe("insurance-number path: lookups", () => {
  it("a valid family member by 記号・番号・枝番・生年月日", async () => {
    const r = await lookup({ insurerNumber: "01130012", insuredCardSymbol: "13010001", insuredIdentificationNumber: "101", insuredBranchNumber: "01", birthdate: "19820914" });
    expect(header(r)).toMatchObject({ ReferenceClassification: "2", SegmentOfResult: "1" });
    expect(body(r)).toMatchObject({ ProcessingResultStatus: "1", QualificationValidity: "1" });
    expect(firstResult(r)).toMatchObject({ Name: "山田 花子", NameKana: "ﾔﾏﾀﾞ ﾊﾅｺ", PersonalFamilyClassification: "2", Sex1: "2", PostNumber: "1000013" });
    expect(r.body.simulator.usable).toBe(true);
  });

  it("国保: a 6-digit number, bare or space-padded, answered padded to 8", async () => {
    const bare = await lookup({ insurerNumber: "138057", insuredCardSymbol: "31", insuredIdentificationNumber: "777001", birthdate: "20220810" });
    const padded = await lookup({ insurerNumber: "  138057", insuredCardSymbol: "３１", insuredIdentificationNumber: "777001", birthdate: "20220810" });
    for (const r of [bare, padded]) {
      expect(body(r).QualificationValidity).toBe("1");
      expect(firstResult(r)).toMatchObject({ InsurerNumber: "  138057", PreschoolClassification: "1", InsuredPartialContributionRatio: "020" });
    }
  });

  it("wrong birth date or unknown number → 4 該当資格なし", async () => {
    expect(outcome(await lookup({ ...P1009, birthdate: "19700121" }))).toEqual(["1", "4", null]);
    expect(outcome(await lookup({ ...P1009, insuredIdentificationNumber: "98" }))).toEqual(["1", "4", null]);
  });

  it("twins with 枝番 left out → 5 複数該当; with 枝番 → 1", async () => {
    const twins = { insurerNumber: "31130016", insuredCardSymbol: "31", insuredIdentificationNumber: "4004", birthdate: "20190520" };
    const both = await lookup(twins);
    expect(body(both).QualificationValidity).toBe("5");
    expect(body(both).ResultList!.ResultOfQualificationConfirmation.map((x) => x.InsuredBranchNumber).sort()).toEqual(["02", "03"]);
    expect(body(await lookup({ ...twins, insuredBranchNumber: "03" })).QualificationValidity).toBe("1");
  });

  it("資格無効 after leaving a job → 2 with ReasonOfLoss; 3 with the old number after a job change", async () => {
    const lost = await lookup({ ...P1002, simulationDate: "20250901" });
    expect(outcome(lost)).toEqual(["1", "2", null]);
    expect(firstResult(lost)).toMatchObject({ DisqualificationDate: "20250901", ReasonOfLoss: "99" });
    expect(body(await lookup({ ...P1002, simulationDate: "20250831" })).QualificationValidity).toBe("1");
    const old = await lookup(P1003_OLD);
    expect(outcome(old)).toEqual(["1", "3", null]);
    expect(firstResult(old)).toMatchObject({ ReasonOfLoss: "03", DisqualificationDate: "20260701" });
    expect(body(await lookup(P1003_NEW)).QualificationValidity).toBe("1");
    expect(body(await lookup({ ...P1003_OLD, simulationDate: "20260630" })).QualificationValidity).toBe("1");
    // Before the new qualification existed, the new number finds nothing.
    expect(body(await lookup({ ...P1003_NEW, simulationDate: "20260630" })).QualificationValidity).toBe("4");
  });

  it("資格情報なし on the card path is still valid by number (P0008's 資格確認書)", async () => {
    const r = await lookup({ insurerNumber: "06139984", insuredCardSymbol: "20", insuredIdentificationNumber: "8008", insuredBranchNumber: "00", birthdate: await birthOf("P0008"), presentedDocument: "shikaku-kakuninsho" });
    expect(outcome(r)).toEqual(["1", "1", null]);
  });

  it("70–74: 高齢受給者 info and its ratio; 限度額 only when asked", async () => {
    const q = { insurerNumber: "01130012", insuredCardSymbol: "13030006", insuredIdentificationNumber: "66", birthdate: "19540315" };
    const r = await lookup(q);
    expect(firstResult(r)).toMatchObject({
      InsuredPartialContributionRatio: "020",
      ElderlyRecipientCertificateInfo: { ElderlyRecipientValidStartDate: "20240401", ElderlyRecipientValidEndDate: "20290314", ElderlyRecipientContributionRatio: "020" },
    });
    expect(firstResult(r)!.LimitApplicationCertificateRelatedInfo).toBeUndefined();
    const before70 = await lookup({ ...q, simulationDate: "20240315" });
    expect(firstResult(before70)!.ElderlyRecipientCertificateInfo).toBeUndefined();
    expect(firstResult(before70)!.InsuredPartialContributionRatio).toBe("030");
    const asked = await lookup({ ...q, limitApplicationConsent: true });
    expect(firstResult(asked)).toMatchObject({ LimitApplicationCertificateRelatedConsFlg: "1", LimitApplicationCertificateRelatedInfo: { LimitApplicationCertificateClassificationFlag: "B04" } });
    expect(firstResult(asked)!.LimitApplicationCertificateRelatedConsTime).toMatch(/^20261122\d{6}$/);
  });

  it("後期高齢 (法別 39) with 限度額 B06", async () => {
    const r = await lookup({ insurerNumber: "39130018", insuredIdentificationNumber: "00012345", birthdate: "19401103", limitApplicationConsent: true });
    expect(firstResult(r)).toMatchObject({ InsurerNumber: "39130018", InsuredPartialContributionRatio: "010", LimitApplicationCertificateRelatedInfo: { LimitApplicationCertificateClassification: "02", LimitApplicationCertificateClassificationFlag: "B06" } });
  });

  it("特定疾病 when the patient consents", async () => {
    const q = { insurerNumber: "01010016", insuredCardSymbol: "1010101", insuredIdentificationNumber: "4", birthdate: await birthOf("P0004") };
    expect(firstResult(await lookup(q))!.SpecificDiseasesCertificateList).toBeUndefined();
    const r = await lookup({ ...q, specificDiseasesConsent: true });
    expect(firstResult(r)).toMatchObject({
      SpecificDiseasesCertificateRelatedConsFlg: "1",
      SpecificDiseasesCertificateList: { SpecificDiseasesCertificateInfo: [{ SpecificDiseasesDiseaseCategory: "1", SpecificDiseasesSelfPay: "10000" }] },
    });
  });
});

async function birthOf(personId: string): Promise<string> {
  const r = await h.http.get(`/api/admin/persons/${personId}`).set("Authorization", "Bearer test-admin-token");
  return r.body.birthdate as string;
}

describe("insurance-number path: documents and the date rules", () => {
  it("legacy 健康保険証 around 2024-12-02, 2025-12-01 and 2026-03-31", async () => {
    const on = async (d: string) => outcome(await lookup({ ...P1009, presentedDocument: "legacy-card", simulationDate: d }));
    expect(await on("20241201")).toEqual(["1", "1", null]);
    expect(await on("20241202")).toEqual(["1", "1", "N201"]);
    expect(await on("20251201")).toEqual(["1", "1", "N201"]);
    expect(await on("20251202")).toEqual(["1", "1", "N202"]);
    expect(await on("20260331")).toEqual(["1", "1", "N202"]);
    expect(await on("20260401")).toEqual(["2", "1", "E202"]);
  });

  it("a refusal for the document still carries the qualification found", async () => {
    const r = await lookup({ ...P1009, presentedDocument: "legacy-card", simulationDate: "20260401" });
    expect(firstResult(r)!.InsuredIdentificationNumber).toBe("99");
    expect(r.body.simulator.usable).toBe(false);
    // The 資格確認書 sent in its place works.
    expect(outcome(await lookup({ ...P1009, presentedDocument: "shikaku-kakuninsho", simulationDate: "20260401" }))).toEqual(["1", "1", null]);
  });

  it("国保 legacy card printed to 2025-07-31", async () => {
    const q = { insurerNumber: "138016", insuredCardSymbol: "52", insuredIdentificationNumber: "100808", birthdate: "19600606", presentedDocument: "legacy-card" };
    expect(outcome(await lookup({ ...q, simulationDate: "20250731" }))).toEqual(["1", "1", "N201"]);
    expect(outcome(await lookup({ ...q, simulationDate: "20250801" }))).toEqual(["2", "1", "E201"]);
    expect(outcome(await lookup({ ...q, simulationDate: "20251215" }))).toEqual(["1", "1", "N202"]);
    expect(outcome(await lookup({ ...q, presentedDocument: "shikaku-kakuninsho", simulationDate: "20250801" }))).toEqual(["1", "1", null]);
  });

  it("a legacy card is void at once when the qualification is lost", async () => {
    expect(outcome(await lookup({ ...P1002, presentedDocument: "legacy-card", simulationDate: "20250901" }))).toEqual(["1", "2", null]);
    expect(outcome(await lookup({ ...P1002, presentedDocument: "legacy-card", simulationDate: "20250815" }))).toEqual(["1", "1", "N201"]);
  });

  it("a lost legacy card (E206); a 資格確認書 never issued (E205)", async () => {
    const spouse = { insurerNumber: "01130012", insuredCardSymbol: "13010001", insuredIdentificationNumber: "101", insuredBranchNumber: "01", birthdate: "19820914" };
    expect(outcome(await lookup({ ...spouse, presentedDocument: "legacy-card", simulationDate: "20250601" }))).toEqual(["2", "1", "E206"]);
    expect(outcome(await lookup({ ...spouse, presentedDocument: "shikaku-kakuninsho" }))).toEqual(["2", "1", "E205"]);
  });

  it("資格確認書: paper up to 3 months for a new member, expired after", async () => {
    const on = async (d: string) => outcome(await lookup({ ...P1003_NEW, presentedDocument: "shikaku-kakuninsho", simulationDate: d }));
    expect(await on("20260815")).toEqual(["1", "1", null]);
    expect(await on("20260930")).toEqual(["1", "1", null]);
    expect(await on("20261001")).toEqual(["2", "1", "E201"]);
    const p1010 = { insurerNumber: "06139992", insuredCardSymbol: "10", insuredIdentificationNumber: "1010", birthdate: "19950909", presentedDocument: "shikaku-kakuninsho" };
    expect(outcome(await lookup({ ...p1010, simulationDate: "20250405" }))).toEqual(["1", "1", null]);
    expect(outcome(await lookup({ ...p1010, simulationDate: "20250406" }))).toEqual(["2", "1", "E201"]);
  });

  it("資格確認書 card type (5 years) for 後期高齢: the one current on the date", async () => {
    const q = { insurerNumber: "39130018", insuredIdentificationNumber: "00012345", birthdate: "19401103", presentedDocument: "shikaku-kakuninsho" };
    expect(outcome(await lookup({ ...q, simulationDate: "20260701" }))).toEqual(["1", "1", null]);
    expect(outcome(await lookup({ ...q, simulationDate: "20261122" }))).toEqual(["1", "1", null]);
  });

  it("資格情報のお知らせ / マイナポータル: only with the card, only when it cannot be read online; alone only under the interim rule", async () => {
    const birth = await birthOf("P0001");
    const q = { insurerNumber: "01130012", insuredCardSymbol: "13010001", insuredIdentificationNumber: "101", insuredBranchNumber: "00", birthdate: birth };
    expect(outcome(await lookup({ ...q, presentedDocument: "oshirase-with-card" }))).toEqual(["2", "1", "E204"]);
    expect(outcome(await lookup({ ...q, presentedDocument: "oshirase-with-card", cardReadFailure: "reader-broken" }))).toEqual(["1", "1", "N203"]);
    expect(outcome(await lookup({ ...q, presentedDocument: "mynaportal-with-card", cardReadFailure: "no-reader" }))).toEqual(["1", "1", "N203"]);
    expect(outcome(await lookup({ ...q, presentedDocument: "oshirase-only" }))).toEqual(["2", "1", "E203"]);
    expect(outcome(await lookup({ ...q, presentedDocument: "oshirase-only", simulationDate: "20260115" }))).toEqual(["1", "1", "N202"]);
    expect(outcome(await lookup({ ...q, presentedDocument: "oshirase-only", simulationDate: "20251201" }))).toEqual(["2", "1", "E203"]);
  });

  it("the default simulation date is today in Japan, not in UTC", async () => {
    // 2025-11-30 16:00 UTC is 2025-12-01 01:00 in Japan: the legacy card's last day.
    h.clock.ms = Date.parse("2025-11-30T16:00:00Z");
    const lastDay = await lookup({ ...P1009, presentedDocument: "legacy-card" });
    expect(header(lastDay).QualificationConfirmationDate).toBe("20251201");
    expect(outcome(lastDay)).toEqual(["1", "1", "N201"]);
    // 2025-12-01 15:30 UTC is already 2025-12-02 in Japan: the interim rule.
    h.clock.ms = Date.parse("2025-12-01T15:30:00Z");
    expect(outcome(await lookup({ ...P1009, presentedDocument: "legacy-card" }))).toEqual(["1", "1", "N202"]);
    h.clock.ms = Date.parse("2026-11-22T03:00:00Z");
  });
});
