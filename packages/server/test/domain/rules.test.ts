import { describe, expect, it } from "vitest";
import { cardPathValidity, defaultConsentFlow, documentCheck, expiryCheck, isPreschool, numberPathValidity } from "../../src/domain/rules.js";
import type { DocumentRecord, QualificationRecord } from "../../src/store/qualification-store.js";

const q = (over: Partial<QualificationRecord>): QualificationRecord => ({
  qualificationId: "Q",
  personId: "P",
  insurerNumber: "01130012",
  insurerName: "x",
  insurerKind: "kyokai",
  insuredCardClassification: "01",
  insuredCardSymbol: "1",
  insuredIdentificationNumber: "1",
  insuredBranchNumber: "00",
  personalFamilyClassification: "1",
  insuredName: null,
  qualificationDate: "20200101",
  disqualificationDate: null,
  reasonOfLoss: null,
  insuredCardValidDate: null,
  insuredCardExpirationDate: null,
  partialContributionRatio: "030",
  myNumberLinked: true,
  elderly: null,
  limit: null,
  specificDiseases: null,
  origin: "seed",
  ...over,
});
const doc = (over: Partial<DocumentRecord>): DocumentRecord => ({
  documentId: "D",
  qualificationId: "Q",
  kind: "legacy-card",
  issuedOn: "20200101",
  validUntil: null,
  status: "active",
  ...over,
});
const CERT = { notYet: "E113", expiring: "N101", grace: "N102", expired: "E114" } as const;

describe("QualificationValidity", () => {
  it("card path: 1, 5, 4 (nothing linked), 2", () => {
    expect(cardPathValidity([q({})], "20251201").validity).toBe("1");
    expect(cardPathValidity([q({ qualificationId: "A" }), q({ qualificationId: "B" })], "20251201").validity).toBe("5");
    expect(cardPathValidity([q({ myNumberLinked: false })], "20251201").validity).toBe("4");
    expect(cardPathValidity([], "20251201").validity).toBe("4");
    const lost = cardPathValidity([q({ disqualificationDate: "20250901", reasonOfLoss: "99" })], "20250901");
    expect(lost.validity).toBe("2");
    expect(cardPathValidity([q({ disqualificationDate: "20250901", reasonOfLoss: "99" })], "20250831").validity).toBe("1");
  });

  it("number path: 3 when the person holds a newer qualification", () => {
    const old = q({ qualificationId: "OLD", disqualificationDate: "20260701", reasonOfLoss: "03" });
    const fresh = q({ qualificationId: "NEW", qualificationDate: "20260701" });
    expect(numberPathValidity([{ qualification: old, personQualifications: [old, fresh] }], "20260701").validity).toBe("3");
    expect(numberPathValidity([{ qualification: old, personQualifications: [old] }], "20260701").validity).toBe("2");
    expect(numberPathValidity([], "20260701").validity).toBe("4");
    const twinA = q({ personId: "A" });
    const twinB = q({ personId: "B" });
    expect(numberPathValidity([{ qualification: twinA, personQualifications: [twinA] }, { qualification: twinB, personQualifications: [twinB] }], "20260701").validity).toBe("5");
  });
});

describe("certificate and card expiry (end of the 3rd month after the expiry month)", () => {
  const win = { notBefore: "20210930", notAfter: "20260930" };
  it("grace, then refusal", () => {
    expect(expiryCheck(win, "20260930", CERT)).toEqual({ ok: true, notice: "N101" });
    expect(expiryCheck(win, "20261001", CERT)).toEqual({ ok: true, notice: "N102" });
    expect(expiryCheck(win, "20261122", CERT)).toEqual({ ok: true, notice: "N102" });
    expect(expiryCheck(win, "20261231", CERT)).toEqual({ ok: true, notice: "N102" });
    expect(expiryCheck(win, "20270101", CERT)).toEqual({ ok: false, code: "E114" });
    expect(expiryCheck(win, "20270105", CERT)).toEqual({ ok: false, code: "E114" });
  });
  it("notice within 3 months, none before", () => {
    const soon = { notBefore: "20220131", notAfter: "20270131" };
    expect(expiryCheck(soon, "20261030", CERT)).toEqual({ ok: true, notice: null });
    expect(expiryCheck(soon, "20261031", CERT)).toEqual({ ok: true, notice: "N101" });
    expect(expiryCheck(soon, "20261122", CERT)).toEqual({ ok: true, notice: "N101" });
  });
  it("before notBefore is refused", () => {
    expect(expiryCheck(win, "20210929", CERT)).toEqual({ ok: false, code: "E113" });
  });
});

describe("documents on the insurance-number path", () => {
  const legacy = [doc({ validUntil: null })];
  it("legacy card: printed expiry capped at 2025-12-01; interim rule to 2026-03-31", () => {
    expect(documentCheck("legacy-card", legacy, "20241201", undefined)).toMatchObject({ ok: true, notice: null });
    expect(documentCheck("legacy-card", legacy, "20241202", undefined)).toMatchObject({ ok: true, notice: "N201" });
    expect(documentCheck("legacy-card", legacy, "20251201", undefined)).toMatchObject({ ok: true, notice: "N201" });
    expect(documentCheck("legacy-card", legacy, "20251202", undefined)).toMatchObject({ ok: true, notice: "N202" });
    expect(documentCheck("legacy-card", legacy, "20260331", undefined)).toMatchObject({ ok: true, notice: "N202" });
    expect(documentCheck("legacy-card", legacy, "20260401", undefined)).toMatchObject({ ok: false, code: "E202" });
    expect(documentCheck("legacy-card", [doc({ validUntil: "20260331" })], "20251202", undefined)).toMatchObject({ ok: true, notice: "N202" });
  });
  it("legacy card with an earlier printed expiry", () => {
    const kokuho = [doc({ validUntil: "20250731" })];
    expect(documentCheck("legacy-card", kokuho, "20250731", undefined)).toMatchObject({ ok: true });
    expect(documentCheck("legacy-card", kokuho, "20250801", undefined)).toMatchObject({ ok: false, code: "E201" });
    expect(documentCheck("legacy-card", kokuho, "20251215", undefined)).toMatchObject({ ok: true, notice: "N202" });
  });
  it("lost legacy card and missing documents", () => {
    expect(documentCheck("legacy-card", [doc({ status: "lost" })], "20250101", undefined)).toMatchObject({ ok: false, code: "E206" });
    expect(documentCheck("shikaku-kakuninsho", legacy, "20250101", undefined)).toMatchObject({ ok: false, code: "E205" });
  });
  it("資格確認書 until its date", () => {
    const paper = [doc({ kind: "kakuninsho-paper", issuedOn: "20260701", validUntil: "20260930" })];
    expect(documentCheck("shikaku-kakuninsho", paper, "20260930", undefined)).toMatchObject({ ok: true });
    expect(documentCheck("shikaku-kakuninsho", paper, "20261001", undefined)).toMatchObject({ ok: false, code: "E201" });
  });
  it("お知らせ: with the card only when it cannot be read; alone only under the interim rule", () => {
    expect(documentCheck("oshirase-with-card", [], "20261122", undefined)).toMatchObject({ ok: false, code: "E204" });
    expect(documentCheck("oshirase-with-card", [], "20261122", "reader-broken")).toMatchObject({ ok: true, notice: "N203" });
    expect(documentCheck("mynaportal-with-card", [], "20261122", "no-reader")).toMatchObject({ ok: true, notice: "N203" });
    expect(documentCheck("oshirase-only", [], "20251201", undefined)).toMatchObject({ ok: false, code: "E203" });
    expect(documentCheck("oshirase-only", [], "20251202", undefined)).toMatchObject({ ok: true, notice: "N202" });
    expect(documentCheck("oshirase-only", [], "20260401", undefined)).toMatchObject({ ok: false, code: "E203" });
  });
});

describe("consent flow and preschool", () => {
  it("switches flow on 2024-10-07", () => {
    expect(defaultConsentFlow("20241006")).toBe("before-2024-10-07");
    expect(defaultConsentFlow("20241007")).toBe("since-2024-10-07");
  });
  it("未就学 until 31 March after turning 6", () => {
    expect(isPreschool("20190520", "20260331")).toBe(true);
    expect(isPreschool("20190520", "20260401")).toBe(false);
    // Born 1 April: legally 6 on 31 March, so school starts that April.
    expect(isPreschool("20190401", "20250331")).toBe(true);
    expect(isPreschool("20190401", "20250401")).toBe(false);
    expect(isPreschool("20190402", "20260331")).toBe(true);
  });
});
