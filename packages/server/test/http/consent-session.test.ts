import { readFileSync } from "node:fs";
import { join } from "node:path";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { body, confirmCard, firstResult, OTHER_FACILITY, startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function confirmationOf(personId: string, o: Parameters<typeof confirmCard>[2] = {}): Promise<string> {
  const r = await confirmCard(h, personId, o);
  const id = r.body.simulator.confirmationId;
  if (!id) throw new Error(JSON.stringify(r.body));
  return id;
}

describe("consents since 2024-10-07 (包括同意 + per item, no 限度額 screen)", () => {
  it("包括同意 records the four items with ConsTime and AvailableTime = ConsTime + 24 h; the next lookup shows them", async () => {
    const id = await confirmationOf("P0001");
    const r = await h.http.post("/api/v1/consents").send({ confirmationId: id, comprehensive: true, items: { operation: false } });
    expect(r.status).toBe(200);
    expect(r.body.consentFlow).toBe("since-2024-10-07");
    const byItem = Object.fromEntries((r.body.recorded as { item: string; ConsFlg: string; ConsTime: string; AvailableTime: string }[]).map((x) => [x.item, x]));
    expect(Object.keys(byItem).sort()).toEqual(["diagnosis", "operation", "pharmacists", "specificHealthCheckups"]);
    expect(byItem.operation!.ConsFlg).toBe("0");
    expect(byItem.diagnosis!.ConsTime).toBe("20261122120000");
    expect(byItem.diagnosis!.AvailableTime).toBe("20261123120000");
    const next = firstResult(await confirmCard(h, "P0001"))!;
    expect(next).toMatchObject({
      DiagnosisInfoConsFlg: "1",
      DiagnosisInfoConsTime: "20261122120000",
      DiagnosisInfoAvailableTime: "20261123120000",
      PharmacistsInfoConsFlg: "1",
      SpecificHealthCheckupsInfoConsFlg: "1",
      OperationInfoConsFlg: "0",
    });
    // Consents are per facility.
    expect(firstResult(await confirmCard(h, "P0001", { facility: OTHER_FACILITY }))!.DiagnosisInfoConsFlg).toBeUndefined();
  });

  it("the 限度額 item is not asked in this flow (E303); 特定疾病 is, and shows after consent", async () => {
    const id = await confirmationOf("P0004", { method: "face" });
    const refused = await h.http.post("/api/v1/consents").send({ confirmationId: id, items: { limitApplication: true } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe("E303");
    expect(firstResult(await confirmCard(h, "P0004", { method: "face" }))!.SpecificDiseasesCertificateList).toBeUndefined();
    const ok = await h.http.post("/api/v1/consents").send({ confirmationId: id, comprehensive: true, items: { specificDiseases: true } });
    expect(ok.status).toBe(200);
    const r = firstResult(await confirmCard(h, "P0004", { method: "face" }))!;
    expect(r.SpecificDiseasesCertificateRelatedConsFlg).toBe("1");
    expect(r.SpecificDiseasesCertificateList!.SpecificDiseasesCertificateInfo[0]!.SpecificDiseasesDiseaseCategory).toBe("1");
  });
});

describe("consents before 2024-10-07 (per item, with the 限度額 screen)", () => {
  it("限度額 information appears only after its consent; 包括同意 does not exist (E303)", async () => {
    const id = await confirmationOf("P0002", { consentFlow: "before-2024-10-07" });
    const first = await confirmCard(h, "P0002", { consentFlow: "before-2024-10-07" });
    expect(first.body.simulator.consentFlow).toBe("before-2024-10-07");
    expect(firstResult(first)!.LimitApplicationCertificateRelatedInfo).toBeUndefined();
    const comprehensive = await h.http.post("/api/v1/consents").send({ confirmationId: id, comprehensive: true });
    expect(comprehensive.body.error.code).toBe("E303");
    const r = await h.http.post("/api/v1/consents").send({ confirmationId: id, items: { diagnosis: true, pharmacists: false, limitApplication: true } });
    expect(r.status).toBe(200);
    expect(r.body.consentFlow).toBe("before-2024-10-07");
    const lim = (r.body.recorded as { item: string; ConsTime: string; AvailableTime?: string }[]).find((x) => x.item === "limitApplication")!;
    expect(lim.ConsTime).toBe("20261122120000");
    expect(lim.AvailableTime).toBeUndefined();
    const done = await h.http.post("/api/v1/sessions/complete").send({ confirmationId: id });
    expect(done.status).toBe(200);
    const res = done.body.XmlMsg.MessageBody.ResultList.ResultOfQualificationConfirmation[0];
    expect(res).toMatchObject({
      LimitApplicationCertificateRelatedConsFlg: "1",
      LimitApplicationCertificateRelatedConsTime: "20261122120000",
      LimitApplicationCertificateRelatedInfo: { LimitApplicationCertificateClassificationFlag: "A03" },
      DiagnosisInfoConsFlg: "1",
      PharmacistsInfoConsFlg: "0",
    });
    const xml = readFileSync(join(h.server.folders.folders.face, done.body.faceFile as string), "utf8");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"/);
    expect(xml).toContain("<LimitApplicationCertificateClassificationFlag>A03</LimitApplicationCertificateClassificationFlag>");
    expect(xml).toContain("<ReferenceClassification>1</ReferenceClassification>");
  });

  it("the flow follows the simulation date unless chosen", async () => {
    const byDate = await confirmCard(h, "P0002", { simulationDate: "20241006" });
    expect(byDate.body.simulator.consentFlow).toBe("before-2024-10-07");
    const chosen = await confirmCard(h, "P0002", { simulationDate: "20241006", consentFlow: "since-2024-10-07" });
    expect(chosen.body.simulator.consentFlow).toBe("since-2024-10-07");
  });
});

describe("sessions", () => {
  it("completion writes OQSsiquc01res_face_*.xml once; a second completion is refused (E302)", async () => {
    const id = await confirmationOf("P0001");
    const done = await h.http.post("/api/v1/sessions/complete").send({ confirmationId: id });
    expect(done.status).toBe(200);
    expect(done.body.faceFile).toMatch(/^OQSsiquc01res_face_\d{14}_[A-Za-z0-9_-]+\.xml$/);
    expect(done.body.XmlMsg.MessageBody.QualificationValidity).toBe("1");
    const twice = await h.http.post("/api/v1/sessions/complete").send({ confirmationId: id });
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe("E302");
  });

  it("an unusable result (資格情報なし) completes but takes no consent (E304)", async () => {
    const id = await confirmationOf("P0008", { method: "face" });
    const consent = await h.http.post("/api/v1/consents").send({ confirmationId: id, comprehensive: true });
    expect(consent.status).toBe(409);
    expect(consent.body.error.code).toBe("E304");
    const done = await h.http.post("/api/v1/sessions/complete").send({ confirmationId: id });
    expect(done.status).toBe(200);
    expect(done.body.XmlMsg.MessageBody.QualificationValidity).toBe("4");
  });

  it("unknown or stale confirmations (E301)", async () => {
    const unknown = await h.http.post("/api/v1/consents").send({ confirmationId: "AAAAAAAAAAAAAAAAAAAAAA", comprehensive: true });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("E301");
    const id = await confirmationOf("P0001");
    h.clock.advance(31 * 60_000);
    const stale = await h.http.post("/api/v1/sessions/complete").send({ confirmationId: id });
    expect(stale.body.error.code).toBe("E301");
    h.clock.advance(-31 * 60_000);
  });

  it("an empty consent is a validation error", async () => {
    const id = await confirmationOf("P0001");
    const r = await h.http.post("/api/v1/consents").send({ confirmationId: id });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("R002");
  });

  it("face files in Shift_JIS when configured", async () => {
    const sj = await startHarness({ faceCharacterCode: "1" });
    try {
      const r = await confirmCard(sj, "P0001");
      const done = await sj.http.post("/api/v1/sessions/complete").send({ confirmationId: r.body.simulator.confirmationId });
      const bytes = readFileSync(join(sj.server.folders.folders.face, done.body.faceFile as string));
      const text = iconv.decode(bytes, "cp932");
      expect(text).toMatch(/^<\?xml version="1.0" encoding="Shift_JIS"/);
      expect(text).toContain("<CharacterCodeIdentifier>1</CharacterCodeIdentifier>");
      expect(text).toContain(`<Name>${body(r).ResultList!.ResultOfQualificationConfirmation[0]!.Name}</Name>`);
      expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    } finally {
      await sj.close();
    }
  });
});
