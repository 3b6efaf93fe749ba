/**
 * The レセコン interfaces through the req/res folders of a running server (the done-when): a 3-person
 * 一括照会 with 処理中 seen first, a 照会番号 registration in the next OQSsiquc01res, 薬剤情報 before and after a kiosk
 * reception with 包括同意 on the same simulation date — and each error path as a file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, confirmCard, OTHER_FACILITY, startHarness, xmlTag, type Harness } from "../support/server-harness.js";
import { bulkLookupXml, LEFT_JOB, medicalInfoXml, NOBODY, receptionXml, registrationXml, VALID, xmlTags } from "../support/rececon-xml.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ watchFolders: true, rescanMs: 100, folderQuietMs: 50, bulkProcessingMs: 60_000, bulkMaxPersons: 3 });
});
afterAll(async () => {
  await h.close();
});

const f = () => h.server.folders.folders;
let drops = 0;
/** Written under another name, then renamed in (the fast, safe way a レセコン drops a file). */
function drop(name: string, content: string): void {
  const tmp = join(f().req, `.drop-${++drops}.writing`);
  writeFileSync(tmp, content);
  renameSync(tmp, join(f().req, name));
}
async function answer(name: string, timeoutMs = 10_000): Promise<string> {
  const path = join(f().res, name);
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (existsSync(path)) return readFileSync(path, "utf8");
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${path}`);
}
async function exchange(kind: string, id: string, xml: string, ext = "xml"): Promise<string> {
  drop(`${kind}req_${id}.xml`, xml);
  return answer(`${kind}res_${id}.${ext}`);
}
const P0001 = { insurer: "01130012", symbol: "13010001", number: "101", branch: "00" };

describe("レセコン interfaces through the folders", () => {
  it("一括照会: 01req → 01res with a ReceptionNumber → 02req answered 処理中 → 02req again → 3 BulkConfirmUnit in request order", async () => {
    const r1 = await exchange("OQSmuquc01", "tomorrow", bulkLookupXml([VALID, LEFT_JOB, NOBODY]));
    const number = xmlTag(r1, "ReceptionNumber")!;
    expect(number).toBeTruthy();
    const waiting = await exchange("OQSmuquc02", "poll-1", receptionXml(number));
    expect(xmlTag(waiting, "SegmentOfResult")).toBe("2");
    h.clock.advance(60_000); // the processing time, on the server's clock
    const done = await exchange("OQSmuquc02", "poll-2", receptionXml(number));
    expect(xmlTag(done, "SegmentOfResult")).toBe("1");
    expect(done.match(/<BulkConfirmUnit>/g)).toHaveLength(3);
    expect(xmlTags(done, "ArbitraryIdentifier")).toEqual(["患者1", "患者2", "患者3"]);
    expect(xmlTags(done, "QualificationValidity")).toEqual(["1", "2", "4"]);
    expect(xmlTag(done, "NumberOfProcessingResult")).toBe("3");
    expect(existsSync(join(f().req, "OQSmuquc02req_poll-2.xml"))).toBe(false);
  });

  it("照会番号: an OQSsiimm01req registration shows up as ReferenceNumber in the next OQSsiquc01res for that person", async () => {
    const reg = await exchange("OQSsiimm01", "reg", registrationXml("患者番号-4711", VALID));
    expect(xmlTag(reg, "ProcessingResultStatus")).toBe("1");
    const lookup = `<?xml version="1.0" encoding="UTF-8"?><XmlMsg><MessageHeader><MedicalInstitutionCode>1311234567</MedicalInstitutionCode></MessageHeader><MessageBody><QualificationConfirmSearchInfo><InsurerNumber>${VALID.insurer}</InsurerNumber><InsuredCardSymbol>${VALID.symbol}</InsuredCardSymbol><InsuredIdentificationNumber>${VALID.number}</InsuredIdentificationNumber><InsuredBranchNumber>${VALID.branch}</InsuredBranchNumber><Birthdate>${VALID.birth}</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;
    const res = await exchange("OQSsiquc01", "after-reg", lookup);
    expect(xmlTag(res, "ReferenceNumber")).toBe("患者番号-4711");
  });

  it("薬剤情報: no drug record before consent; drug records after a kiosk reception with 包括同意 on the same simulation date", async () => {
    const clock = await h.http.put("/api/admin/clock").set("Authorization", `Bearer ${ADMIN_TOKEN}`).send({ date: "20261122" });
    expect(clock.status).toBe(200);
    const before = await exchange("YZKsiquc01", "before", medicalInfoXml("YZK", P0001));
    expect(xmlTag(before, "ResultCode")).toBe("2");
    expect(before).not.toContain("<DrugInf>");
    // The kiosk's reception: card confirmation, 包括同意, completion (the face file).
    const r = await confirmCard(h, "P0001");
    expect(r.body.simulator.simulationDate).toBe("20261122");
    expect((await h.http.post("/api/v1/consents").send({ confirmationId: r.body.simulator.confirmationId, comprehensive: true })).status).toBe(200);
    expect((await h.http.post("/api/v1/sessions/complete").send({ confirmationId: r.body.simulator.confirmationId })).status).toBe(200);
    const after = await exchange("YZKsiquc01", "after", medicalInfoXml("YZK", P0001));
    expect(xmlTag(after, "ResultCode")).toBe("1");
    expect(xmlTags(after, "DrugN").length).toBeGreaterThan(0);
    const pdf = await exchange("YZKsiquc01", "pdf", medicalInfoXml("YZK", P0001, { fileCategory: "1" }), "pdf");
    expect(pdf.startsWith("%PDF-")).toBe(true);
  });

  it("error paths as files: S911, S912, S913, S904 (moved to error), E411, E501", async () => {
    expect(xmlTag(await exchange("OQSmuquc01", "empty", bulkLookupXml([])), "ErrorCode")).toBe("S911");
    expect(xmlTag(await exchange("OQSmuquc01", "big", bulkLookupXml([VALID, VALID, VALID, VALID])), "ErrorCode")).toBe("S912");
    expect(xmlTag(await exchange("OQSmuquc02", "unknown", receptionXml("20990101000000000000")), "ErrorCode")).toBe("S913");
    const number = xmlTag(await exchange("OQSmuquc01", "mine", bulkLookupXml([VALID])), "ReceptionNumber")!;
    expect(xmlTag(await exchange("OQSmuquc02", "foreign", receptionXml(number, { facility: OTHER_FACILITY })), "ErrorCode")).toBe("S913");
    expect(xmlTag(await exchange("OQSmuquc01", "bad", bulkLookupXml([{ ...VALID, branch: "1" }])), "ErrorCode")).toBe("S904");
    expect(existsSync(join(f().error, "OQSmuquc01req_bad.xml"))).toBe(true);
    expect(xmlTag(await exchange("OQSsiimm01", "nobody", registrationXml("N-1", NOBODY)), "ProcessingResultCode")).toBe("E411");
    expect(xmlTag(await exchange("TKKsiquc01", "no-consent", medicalInfoXml("TKK", { insurer: "06139992", symbol: "10", number: "3001", branch: "00" })), "ErrorCode")).toBe("E501");
  });
});
