/**
 * The レセコン interfaces over HTTP (POST /api/xml/:kind), every path and error path: 一括照会 (OQSmuquc01/02),
 * 照会番号 (OQSsiimm01, OQSmuimm01/02), 薬剤情報 (YZKsiquc01) and 特定健診情報 (TKKsiquc01) behind consent.
 */
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmCard, FACILITY, OTHER_FACILITY, postXml, startHarness, xmlTag, type Harness } from "../support/server-harness.js";
import { bulkLookupXml, bulkRegistrationXml, LEFT_JOB, medicalInfoXml, NOBODY, receptionXml, registrationXml, VALID, xmlTags, type Person } from "../support/rececon-xml.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ bulkProcessingMs: 1000, bulkMaxPersons: 5 });
});
afterAll(async () => {
  await h.close();
});

const text = (r: { body: unknown }) => (r.body as Buffer).toString("utf8");
const P0001 = { insurer: "01130012", symbol: "13010001", number: "101", branch: "00" };

async function singleLookup(p: Person, facility = FACILITY): Promise<string> {
  const xml = `<?xml version="1.0" encoding="UTF-8"?><XmlMsg><MessageHeader><MedicalInstitutionCode>${facility}</MedicalInstitutionCode></MessageHeader><MessageBody><QualificationConfirmSearchInfo><InsurerNumber>${p.insurer}</InsurerNumber><InsuredCardSymbol>${p.symbol}</InsuredCardSymbol><InsuredIdentificationNumber>${p.number}</InsuredIdentificationNumber><InsuredBranchNumber>${p.branch}</InsuredBranchNumber><Birthdate>${p.birth}</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;
  return text(await postXml(h, "OQSsiquc01", xml));
}

describe("一括照会 (OQSmuquc01 → 01res → OQSmuquc02 → 02res)", () => {
  it("a ReceptionNumber, 処理中 until the processing time has passed, then one BulkConfirmUnit per person in request order", async () => {
    const r1 = text(await postXml(h, "OQSmuquc01", bulkLookupXml([LEFT_JOB, VALID, NOBODY], { date: "20261123" })));
    expect(xmlTag(r1, "SegmentOfResult")).toBe("1");
    const number = xmlTag(r1, "ReceptionNumber")!;
    expect(number).toMatch(/^\d{20}$/);
    expect(xmlTag(r1, "ReceptionDateTime")).toMatch(/^20261123\d{6}$/);
    const waiting = text(await postXml(h, "OQSmuquc02", receptionXml(number)));
    expect(xmlTag(waiting, "SegmentOfResult")).toBe("2");
    expect(xmlTag(waiting, "ReceptionNumber")).toBe(number);
    expect(waiting).not.toContain("BulkConfirmUnit");
    h.clock.advance(1000);
    const done = text(await postXml(h, "OQSmuquc02", receptionXml(number)));
    expect(xmlTag(done, "SegmentOfResult")).toBe("1");
    expect(xmlTag(done, "QualificationConfirmationDate")).toBe("20261123");
    expect(xmlTag(done, "ArbitraryFileIdentifier")).toBe("明日の予約");
    expect([xmlTag(done, "NumberOfProcessingResult"), xmlTag(done, "NumberOfNormalProcessing"), xmlTag(done, "NumberOfError")]).toEqual(["3", "3", "0"]);
    expect(xmlTags(done, "ArbitraryIdentifier")).toEqual(["患者1", "患者2", "患者3"]);
    expect(xmlTags(done, "QualificationValidity")).toEqual(["2", "1", "4"]);
    expect(done.match(/<BulkConfirmUnit>/g)).toHaveLength(3);
    expect(xmlTags(done, "Name")).toEqual(["高橋 健一", "山田 花子"]);
    // Asked again: the same answer, not a second lookup.
    expect(text(await postXml(h, "OQSmuquc02", receptionXml(number)))).toContain("<NumberOfProcessingResult>3</NumberOfProcessingResult>");
  });

  it("Shift_JIS in, Shift_JIS out", async () => {
    const r1 = iconv.decode((await postXml(h, "OQSmuquc01", iconv.encode(bulkLookupXml([VALID], { sjis: true }), "cp932"))).body as Buffer, "cp932");
    h.clock.advance(1000);
    const r2 = await postXml(h, "OQSmuquc02", iconv.encode(receptionXml(xmlTag(r1, "ReceptionNumber")!, { sjis: true }), "cp932"));
    expect(r2.headers["content-type"]).toMatch(/Shift_JIS/i);
    expect(xmlTag(iconv.decode(r2.body as Buffer, "cp932"), "Name")).toBe("山田 花子");
  });

  it("error results: empty batch S911, oversized S912, unknown / foreign / other-kind ReceptionNumber S913, invalid S904", async () => {
    const empty = text(await postXml(h, "OQSmuquc01", bulkLookupXml([])));
    expect([xmlTag(empty, "SegmentOfResult"), xmlTag(empty, "ErrorCode")]).toEqual(["9", "S911"]);
    const big = text(await postXml(h, "OQSmuquc01", bulkLookupXml(Array(6).fill(VALID))));
    expect([xmlTag(big, "SegmentOfResult"), xmlTag(big, "ErrorCode")]).toEqual(["9", "S912"]);
    expect(xmlTag(big, "ErrorMessage")).toContain("上限5件");
    const unknown = text(await postXml(h, "OQSmuquc02", receptionXml("20261122000000000000")));
    expect([xmlTag(unknown, "SegmentOfResult"), xmlTag(unknown, "ErrorCode")]).toEqual(["9", "S913"]);
    const number = xmlTag(text(await postXml(h, "OQSmuquc01", bulkLookupXml([VALID]))), "ReceptionNumber")!;
    expect(xmlTag(text(await postXml(h, "OQSmuquc02", receptionXml(number, { facility: OTHER_FACILITY }))), "ErrorCode")).toBe("S913");
    expect(xmlTag(text(await postXml(h, "OQSmuimm02", receptionXml(number))), "ErrorCode")).toBe("S913");
    const invalid = await postXml(h, "OQSmuquc01", bulkLookupXml([{ ...VALID, birth: "19821399" }]));
    expect(invalid.status).toBe(400);
    expect(xmlTag(text(invalid), "ErrorCode")).toBe("S904");
    const unknownKind = await postXml(h, "OQSxxxxx01", bulkLookupXml([VALID]));
    expect(unknownKind.status).toBe(404);
  });
});

describe("照会番号 (OQSsiimm01, OQSmuimm01/02)", () => {
  it("a registered number comes back in later single and bulk results for that person at that facility only; re-registration replaces it", async () => {
    const reg = text(await postXml(h, "OQSsiimm01", registrationXml("カルテ-000123", VALID)));
    expect(xmlTag(reg, "ProcessingResultStatus")).toBe("1");
    expect(xmlTag(reg, "ReferenceNumber")).toBe("カルテ-000123");
    expect(xmlTag(await singleLookup(VALID), "ReferenceNumber")).toBe("カルテ-000123");
    expect(xmlTag(await singleLookup(VALID, OTHER_FACILITY), "ReferenceNumber")).toBeUndefined();
    expect(xmlTag(await singleLookup(LEFT_JOB), "ReferenceNumber")).toBeUndefined();
    await postXml(h, "OQSsiimm01", registrationXml("カルテ-000999", VALID));
    expect(xmlTag(await singleLookup(VALID), "ReferenceNumber")).toBe("カルテ-000999");
    const number = xmlTag(text(await postXml(h, "OQSmuquc01", bulkLookupXml([LEFT_JOB, VALID]))), "ReceptionNumber")!;
    h.clock.advance(1000);
    const bulk = text(await postXml(h, "OQSmuquc02", receptionXml(number)));
    expect(xmlTags(bulk, "ReferenceNumber")).toEqual(["カルテ-000999"]);
  });

  it("the card path and the face file carry it too", async () => {
    await postXml(h, "OQSsiimm01", registrationXml("P-0001", P0001));
    const r = await confirmCard(h, "P0001");
    expect(r.body.XmlMsg.MessageBody.ReferenceNumber).toBe("P-0001");
    const done = await h.http.post("/api/v1/sessions/complete").send({ confirmationId: r.body.simulator.confirmationId });
    expect(done.body.XmlMsg.MessageBody.ReferenceNumber).toBe("P-0001");
  });

  it("refusals: nobody with those numbers E411, several people (no 枝番) E412; invalid S904", async () => {
    const nobody = text(await postXml(h, "OQSsiimm01", registrationXml("X1", NOBODY)));
    expect([xmlTag(nobody, "ProcessingResultStatus"), xmlTag(nobody, "ProcessingResultCode")]).toEqual(["2", "E411"]);
    const family = text(await postXml(h, "OQSsiimm01", registrationXml("X2", { insurer: "01130012", symbol: "13010001", number: "101" })));
    expect(xmlTag(family, "ProcessingResultCode")).toBe("E412");
    const long = await postXml(h, "OQSsiimm01", registrationXml("x".repeat(51), VALID));
    expect(xmlTag(text(long), "ErrorCode")).toBe("S904");
  });

  it("in bulk: one BulkRegistrationUnit per entry, in order, with the counts", async () => {
    const r1 = text(await postXml(h, "OQSmuimm01", bulkRegistrationXml([["B-1", LEFT_JOB], ["B-2", NOBODY]])));
    const number = xmlTag(r1, "ReceptionNumber")!;
    expect(xmlTag(text(await postXml(h, "OQSmuimm02", receptionXml(number))), "SegmentOfResult")).toBe("2");
    h.clock.advance(1000);
    const r2 = text(await postXml(h, "OQSmuimm02", receptionXml(number)));
    expect(xmlTags(r2, "ProcessingResultStatus")).toEqual(["1", "2"]);
    expect([xmlTag(r2, "NumberOfNormalProcessing"), xmlTag(r2, "NumberOfError")]).toEqual(["1", "1"]);
    expect(xmlTag(await singleLookup(LEFT_JOB), "ReferenceNumber")).toBe("B-1");
    expect(xmlTag(text(await postXml(h, "OQSmuimm01", bulkRegistrationXml([]))), "ErrorCode")).toBe("S911");
  });
});

describe("薬剤情報 and 特定健診情報, behind the patient's consent at this facility", () => {
  it("no consent → E501; after 包括同意 at the kiosk → the records (XML and a PDF); after AvailableTime → E502", async () => {
    const before = text(await postXml(h, "YZKsiquc01", medicalInfoXml("YZK", P0001)));
    expect([xmlTag(before, "ResultCode"), xmlTag(before, "ErrorCode")]).toEqual(["2", "E501"]);
    expect(before).not.toContain("MeTrMonthInf");
    const r = await confirmCard(h, "P0001");
    const consent = await h.http.post("/api/v1/consents").send({ confirmationId: r.body.simulator.confirmationId, comprehensive: true });
    expect(consent.status).toBe(200);
    const after = text(await postXml(h, "YZKsiquc01", medicalInfoXml("YZK", P0001)));
    expect(xmlTag(after, "ResultCode")).toBe("1");
    expect(xmlTag(after, "Name")).toBe("山田 太郎");
    expect(xmlTags(after, "MeTrMonth")).toEqual(["202609", "202610", "202611"]);
    expect(xmlTags(after, "DrugN")).toContain("アムロジピン錠5mg");
    expect(xmlTag(text(await postXml(h, "YZKsiquc01", medicalInfoXml("YZK", P0001, { facility: OTHER_FACILITY }))), "ErrorCode")).toBe("E501");
    const pdf = await postXml(h, "YZKsiquc01", medicalInfoXml("YZK", P0001, { fileCategory: "1" }));
    expect(pdf.headers["content-type"]).toMatch(/application\/pdf/);
    const bytes = pdf.body as Buffer;
    expect(bytes.subarray(0, 8).toString("latin1")).toBe("%PDF-1.4");
    expect(bytes.toString("latin1").trimEnd().endsWith("%%EOF")).toBe(true);
    const checkup = text(await postXml(h, "TKKsiquc01", medicalInfoXml("TKK", P0001)));
    expect(xmlTag(checkup, "ResultCode")).toBe("1");
    expect(xmlTag(checkup, "EffectiveTime")).toBe("20260610");
    expect(xmlTags(checkup, "ItemName")).toContain("HbA1c（NGSP）");
    expect(xmlTags(checkup, "Unit")).toContain("mmHg");
    h.clock.advance(24 * 3600_000 + 1000);
    const expired = text(await postXml(h, "YZKsiquc01", medicalInfoXml("YZK", P0001)));
    expect(xmlTag(expired, "ErrorCode")).toBe("E502");
    h.clock.advance(-(24 * 3600_000 + 1000));
  });

  it("a consent that is 0 is no consent (E501); unknown person E411; in the certificate's grace period E503", async () => {
    const r = await confirmCard(h, "P0002");
    await h.http.post("/api/v1/consents").send({ confirmationId: r.body.simulator.confirmationId, comprehensive: true, items: { pharmacists: false } });
    expect(xmlTag(text(await postXml(h, "YZKsiquc01", medicalInfoXml("YZK", { insurer: "06139992", symbol: "10", number: "2002", branch: "00" }))), "ErrorCode")).toBe("E501");
    expect(xmlTag(text(await postXml(h, "TKKsiquc01", medicalInfoXml("TKK", { insurer: "06139992", symbol: "10", number: "2002", branch: "00" }))), "ResultCode")).toBe("1");
    expect(xmlTag(text(await postXml(h, "YZKsiquc01", medicalInfoXml("YZK", NOBODY))), "ErrorCode")).toBe("E411");
    const grace = await confirmCard(h, "P0006", { simulationDate: "20261001" });
    expect(grace.body.simulator.notices.map((n: { code: string }) => n.code)).toContain("N102");
    await h.http.post("/api/v1/consents").send({ confirmationId: grace.body.simulator.confirmationId, comprehensive: true });
    const refused = text(await postXml(h, "YZKsiquc01", medicalInfoXml("YZK", { insurer: "01130012", symbol: "13010006", number: "6", branch: "00" })));
    expect(xmlTag(refused, "ErrorCode")).toBe("E503");
  });
});

describe("POST /api/v1/medical-info (the reception page's 'what the doctor can see now')", () => {
  const ask = (body: object) => h.http.post("/api/v1/medical-info").send(body);
  it("the records where a consent holds, else the reason; bad input 400", async () => {
    const numbers = { insurerNumber: P0001.insurer, insuredCardSymbol: P0001.symbol, insuredIdentificationNumber: P0001.number, insuredBranchNumber: P0001.branch };
    const r = await confirmCard(h, "P0001");
    await h.http.post("/api/v1/consents").send({ confirmationId: r.body.simulator.confirmationId, comprehensive: true, items: { specificHealthCheckups: false } });
    const here = await ask({ medicalInstitutionCode: FACILITY, ...numbers });
    expect(here.status).toBe(200);
    expect(here.body.pharmacists.available).toBe(true);
    expect(here.body.pharmacists.dispensings[0].drugs[0].name).toBe("アムロジピン錠5mg");
    expect(here.body.specificHealthCheckups).toEqual({ available: false, code: "E501", checkups: [] });
    expect((await ask({ medicalInstitutionCode: OTHER_FACILITY, ...numbers })).body.pharmacists).toEqual({ available: false, code: "E501", dispensings: [] });
    expect((await ask({ medicalInstitutionCode: FACILITY, insurerNumber: NOBODY.insurer, insuredIdentificationNumber: NOBODY.number })).body.pharmacists.code).toBe("E411");
    expect((await ask({ medicalInstitutionCode: FACILITY, ...numbers, extra: 1 })).status).toBe(400);
    expect((await h.http.post("/api/v1/medical-info").set("content-type", "text/plain").send("{}")).status).toBe(415);
  });
});

describe("a big batch does not starve the nonce API", () => {
  it("nonces issued while a 100-person batch is worked out are answered before the batch is done", async () => {
    const big = await startHarness({ bulkProcessingMs: 0, bulkMaxPersons: 100 });
    try {
      const { url } = await big.server.listen(0, "127.0.0.1");
      const post = (path: string, body: string, type: string) => fetch(`${url}${path}`, { method: "POST", headers: { "content-type": type }, body });
      const r1 = await (await post("/api/xml/OQSmuquc01", bulkLookupXml(Array(100).fill(VALID)), "application/xml")).text();
      const order: string[] = [];
      const batch = post("/api/xml/OQSmuquc02", receptionXml(xmlTag(r1, "ReceptionNumber")!), "application/xml").then(async (r) => {
        order.push("batch");
        return r.text();
      });
      // The batch has started (one person per turn of the event loop); a kiosk asks for nonces meanwhile.
      const nonces = Array.from({ length: 5 }, () =>
        post("/api/v1/nonces", JSON.stringify({ medicalInstitutionCode: FACILITY }), "application/json").then((r) => {
          order.push("nonce");
          return r.status;
        }),
      );
      expect(await Promise.all(nonces)).toEqual([200, 200, 200, 200, 200]);
      const done = await batch;
      expect(xmlTag(done, "NumberOfProcessingResult")).toBe("100");
      expect(order.indexOf("batch")).toBeGreaterThan(order.indexOf("nonce"));
      expect(order.filter((o) => o === "nonce")).toHaveLength(5);
      expect(order.at(-1)).toBe("batch");
    } finally {
      await big.close();
    }
  });
});
