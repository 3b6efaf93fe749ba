/** 医療費助成 (PMH), 医療扶助 and the 2026 後期高齢者 rule through the HTTP API and the folder interface. */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, body, confirmCard, FACILITY, firstResult, startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ watchFolders: true, rescanMs: 100, folderQuietMs: 50 });
});
afterAll(async () => {
  await h.close();
});

async function consentAndComplete(confirmationId: string, items: Record<string, boolean>) {
  const c = await h.http.post("/api/v1/consents").send({ confirmationId, items });
  expect(c.status).toBe(200);
  const done = await h.http.post("/api/v1/sessions/complete").send({ confirmationId });
  expect(done.status).toBe(200);
  return done;
}

describe("医療費助成 (PMH)", () => {
  it("offers the screen to a child with a current 受給者証; the result carries it only after 提供する", async () => {
    const r = await confirmCard(h, "P0010");
    expect(r.body.simulator).toMatchObject({ usable: true, publicExpenseOffered: true, qualificationOnly: false });
    expect(firstResult(r)!.PublicExpenseCertificateList).toBeUndefined();
    const refused = await consentAndComplete(r.body.simulator.confirmationId!, { publicExpense: false });
    const row = refused.body.XmlMsg.MessageBody.ResultList.ResultOfQualificationConfirmation[0];
    expect(row.PublicExpenseCertificateRelatedConsFlg).toBe("0");
    expect(row.PublicExpenseCertificateList).toBeUndefined();
    const faceRefused = readFileSync(join(h.server.folders.folders.face, refused.body.faceFile as string), "utf8");
    expect(faceRefused).not.toContain("<PublicExpenseCertificateInfo>");

    const again = await confirmCard(h, "P0010");
    const given = await consentAndComplete(again.body.simulator.confirmationId!, { publicExpense: true });
    const info = given.body.XmlMsg.MessageBody.ResultList.ResultOfQualificationConfirmation[0].PublicExpenseCertificateList.PublicExpenseCertificateInfo;
    expect(info).toEqual([
      expect.objectContaining({ PublicExpenseNumber: "88135017", BeneficiaryNumber: "1234566", PublicExpenseProgram: "child-medical", PublicExpensePatientShare: "000", PublicExpenseValidStartDate: "20260401" }),
    ]);
    const face = readFileSync(join(h.server.folders.folders.face, given.body.faceFile as string), "utf8");
    expect(face).toContain("<PublicExpenseNumber>88135017</PublicExpenseNumber>");
  });

  it("an adult's 難病 certificate with its monthly cap; no screen for someone without one", async () => {
    const r = await confirmCard(h, "P0007");
    expect(r.body.simulator.publicExpenseOffered).toBe(true);
    const done = await consentAndComplete(r.body.simulator.confirmationId!, { publicExpense: true });
    const info = done.body.XmlMsg.MessageBody.ResultList.ResultOfQualificationConfirmation[0].PublicExpenseCertificateList.PublicExpenseCertificateInfo[0];
    expect(info).toMatchObject({ PublicExpenseNumber: "54130018", PublicExpenseProgram: "nanbyo", PublicExpenseMonthlyCap: "10000", PublicExpensePatientShare: "020" });
    expect((await confirmCard(h, "P0001")).body.simulator.publicExpenseOffered).toBe(false);
  });

  it("is off before FY2026, in the old consent flow, and when the municipality is not on PMH", async () => {
    expect((await confirmCard(h, "P0010", { simulationDate: "20260301" })).body.simulator.publicExpenseOffered).toBe(false);
    expect((await confirmCard(h, "P0010", { consentFlow: "before-2024-10-07" })).body.simulator.publicExpenseOffered).toBe(false);
    const c = await import("../support/server-harness.js");
    const card = await c.card("P0010");
    const n = await c.nonce(h);
    const off = await h.http.post("/api/v1/qualifications/card").send({ ...c.cardBody(card, n), publicExpenseScreen: false });
    expect(off.body.simulator.publicExpenseOffered).toBe(false);
  });
});

describe("医療扶助 (生活保護)", () => {
  it("card path: A1 with 公費負担者番号, 受給者番号, 福祉事務所; validity 6 until the month's 医療券 is registered", async () => {
    const before = await confirmCard(h, "P0012");
    expect(body(before).QualificationValidity).toBe("6");
    expect(before.body.simulator.usable).toBe(false);
    expect(firstResult(before)).toMatchObject({ InsuredCardClassification: "A1", PublicExpenseNumber: "12130019", BeneficiaryNumber: "2004125", WelfareOfficeName: "テスト区福祉事務所" });
    expect(firstResult(before)!.MedicalTicketInfo).toBeUndefined();

    const reg = await admin(h).post("/api/admin/persons/P0012/actions", { action: "register-medical-ticket", medicalInstitutionCode: FACILITY });
    expect(reg.status).toBe(200);
    const after = await confirmCard(h, "P0012");
    expect(body(after).QualificationValidity).toBe("1");
    expect(after.body.simulator.usable).toBe(true);
    expect(firstResult(after)!.MedicalTicketInfo).toEqual([
      { TicketType: "01", IssueNumber: expect.any(String), MedicalTreatmentMonth: "202611", MedicalTicketValidDate: "20261101", MedicalTicketExpirationDate: "20261130", DesignatedMedicalInstitutionCode: FACILITY, DesignatedMedicalInstitutionFlag: "0", SelfPayAmount: "0" },
    ]);
    // Another facility sees the ticket as not its own (不一致).
    const other = await confirmCard(h, "P0012", { facility: "1341234567" });
    expect(firstResult(other)!.MedicalTicketInfo![0]!.DesignatedMedicalInstitutionFlag).toBe("1");
  });

  it("insurance-number path: 公費負担者番号 + 受給者番号; and a refusal for someone who is not on 医療扶助", async () => {
    await admin(h).post("/api/admin/persons/P0012/actions", { action: "restore" });
    const r = await h.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: FACILITY, insurerNumber: "12130019", insuredIdentificationNumber: "2004125", birthdate: "19580321" });
    expect(body(r).QualificationValidity).toBe("6");
    expect(body(r).ResultList!.ResultOfQualificationConfirmation[0]).toMatchObject({ InsuredCardClassification: "A1", PublicExpenseNumber: "12130019" });
    const wrong = await admin(h).post("/api/admin/persons/P0001/actions", { action: "register-medical-ticket", medicalInstitutionCode: FACILITY });
    expect(wrong.status).toBe(409);
  });

  it("folder interface: validity 6 in the res file", async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<XmlMsg><MessageHeader><QualificationConfirmationDate>20261122</QualificationConfirmationDate><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode><CharacterCodeIdentifier>0</CharacterCodeIdentifier></MessageHeader>
<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>12130019</InsurerNumber><InsuredIdentificationNumber>2004125</InsuredIdentificationNumber><Birthdate>19580321</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>
`;
    const folders = h.server.folders.folders;
    const tmp = join(folders.req, ".welfare.writing");
    writeFileSync(tmp, xml);
    renameSync(tmp, join(folders.req, "OQSsiquc01req_welfare.xml"));
    const out = join(folders.res, "OQSsiquc01res_welfare.xml");
    while (!existsSync(out)) await sleep(25);
    const res = readFileSync(out, "utf8");
    expect(res).toContain("<QualificationValidity>6</QualificationValidity>");
    expect(res).toContain("<InsuredCardClassification>A1</InsuredCardClassification>");
    expect(res).toContain("<WelfareOfficeName>テスト区福祉事務所</WelfareOfficeName>");
  });
});

describe("後期高齢者 資格確認書 from 2026-08-01", () => {
  it("a 76-year-old with a マイナ保険証: accepted to 2026-07-31, refused after (none sent); sent again on request", async () => {
    const ins = await admin(h).get("/api/admin/persons/P0009");
    const q = (ins.body.qualifications as { insurerNumber: string; insuredIdentificationNumber: string }[]).find((x) => x.insurerNumber === "39130018")!;
    const ask = (date: string) => h.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: FACILITY, insurerNumber: "39130018", insuredIdentificationNumber: q.insuredIdentificationNumber, birthdate: "19500510", presentedDocument: "shikaku-kakuninsho", simulationDate: date });
    expect(body(await ask("20260731"))).toMatchObject({ ProcessingResultStatus: "1", QualificationValidity: "1" });
    expect(body(await ask("20260803"))).toMatchObject({ ProcessingResultStatus: "2", ProcessingResultCode: "E201" });
    expect((await admin(h).post("/api/admin/persons/P0009/actions", { action: "request-kakuninsho" })).status).toBe(200);
    expect(body(await ask("20260803"))).toMatchObject({ ProcessingResultStatus: "1", QualificationValidity: "1" });
    await admin(h).post("/api/admin/persons/P0009/actions", { action: "restore" });
  });
});

describe("資格情報のお知らせ of a 70–74 with an expiry", () => {
  const ask = (simulationDate: string) =>
    h.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: FACILITY, insurerNumber: "01130012", insuredCardSymbol: "13030006", insuredIdentificationNumber: "66", insuredBranchNumber: "00", birthdate: "19540315", presentedDocument: "oshirase-with-card", cardReadFailure: "reader-broken", simulationDate });

  it("is accepted (with the card, the reader broken) to its expiry and refused after it (E207)", async () => {
    expect(body(await ask("20260731"))).toMatchObject({ ProcessingResultStatus: "1", ProcessingResultCode: "N203", QualificationValidity: "1" });
    expect(body(await ask("20260801"))).toMatchObject({ ProcessingResultStatus: "2", ProcessingResultCode: "E207", QualificationValidity: "1" });
  });
});

describe("grace period after an expiry", () => {
  it("returns the qualification only: qualificationOnly, no PMH screen", async () => {
    const r = await confirmCard(h, "P0006");
    expect(r.body.simulator).toMatchObject({ usable: true, qualificationOnly: true, publicExpenseOffered: false });
    expect(r.body.simulator.notices.map((n: { code: string }) => n.code)).toContain("N102");
  });
});
