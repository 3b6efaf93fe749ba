/** PUT/GET /api/admin/clock: the date every request without one is answered on, kept in the database. */
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../../src/server.js";
import { ADMIN_TOKEN, admin, FACILITY, postXml, startHarness, testFixtures, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const put = (body: unknown, type = "application/json") =>
  h.http.put("/api/admin/clock").set("Authorization", `Bearer ${ADMIN_TOKEN}`).set("content-type", type).send(typeof body === "string" ? body : JSON.stringify(body));

const lookupXml = (date = "") => `<?xml version="1.0" encoding="UTF-8"?>
<XmlMsg><MessageHeader>${date ? `<QualificationConfirmationDate>${date}</QualificationConfirmationDate>` : ""}<MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode></MessageHeader>
<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>01130012</InsurerNumber><InsuredCardSymbol>13010001</InsuredCardSymbol>
<InsuredIdentificationNumber>101</InsuredIdentificationNumber><InsuredBranchNumber>01</InsuredBranchNumber><Birthdate>19820914</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe("the simulation clock", () => {
  it("is real time until set: today in Japan time", async () => {
    const r = await admin(h).get("/api/admin/clock");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ date: null, effectiveDate: "20261122", source: "real-time" });
  });

  it("once set, answers every request that brings no date on it — JSON, XML, health — and a request's own date still wins", async () => {
    expect((await put({ date: "20250110" })).body).toEqual({ date: "20250110", effectiveDate: "20250110", source: "set" });
    const json = await h.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: FACILITY, insurerNumber: "01130012", insuredCardSymbol: "13010001", insuredIdentificationNumber: "101", insuredBranchNumber: "01", birthdate: "19820914" });
    expect(json.body.simulator.simulationDate).toBe("20250110");
    expect(json.body.XmlMsg.MessageHeader.ProcessExecutionTime.slice(0, 8)).toBe("20250110");
    const xml = await postXml(h, "OQSsiquc01", lookupXml());
    expect(tag((xml.body as Buffer).toString("utf8"), "QualificationConfirmationDate")).toBe("20250110");
    const own = await postXml(h, "OQSsiquc01", lookupXml("20261122"));
    expect(tag((own.body as Buffer).toString("utf8"), "QualificationConfirmationDate")).toBe("20261122");
    expect((await h.http.get("/api/health")).body.simulationDate).toBe("20250110");
    expect((await put({ date: null })).body).toEqual({ date: null, effectiveDate: "20261122", source: "real-time" });
  });

  it("refuses bad input: no token 401, not JSON 415, bad dates and unknown fields 400, another site's page 403", async () => {
    expect((await h.http.put("/api/admin/clock").send({ date: "20250110" })).status).toBe(401);
    expect((await put("date=20250110", "application/x-www-form-urlencoded")).status).toBe(415);
    expect((await put('{"date":"20250110"}', "text/plain")).status).toBe(415);
    for (const bad of [{ date: "20250230" }, { date: "2025-01-10" }, { date: 20250110 }, {}, { date: "20250110", extra: 1 }]) {
      const r = await put(bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe("R002");
    }
    const { url } = await h.server.listen(0, "127.0.0.1");
    const foreign = await request(url).put("/api/admin/clock").set("Origin", "https://evil.example").set("Authorization", `Bearer ${ADMIN_TOKEN}`).set("content-type", "application/json").send('{"date":"20250110"}');
    expect(foreign.status).toBe(403);
    expect((await admin(h).get("/api/admin/clock")).body.date).toBeNull();
  });

  it("is kept in the data folder's database: a restarted server keeps the trainer's day", async () => {
    await put({ date: "20260401" });
    await h.server.close();
    const f = await testFixtures();
    const again = await createServer({ dataDir: h.dir, dbPath: join(h.dir, "onshi.sqlite"), now: h.clock.now, adminToken: ADMIN_TOKEN, seed: f.seed, trustedCaDers: [f.caDer], watchFolders: false, log: () => undefined });
    try {
      expect(again.context.clock.view()).toEqual({ date: "20260401", effectiveDate: "20260401", source: "set" });
    } finally {
      await again.close();
    }
    h = await startHarness();
  });
});
