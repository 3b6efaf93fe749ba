import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, body, confirmCard, FACILITY, firstResult, header, OTHER_FACILITY, startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("admin auth", () => {
  it("refuses a missing or wrong token before reading the body", async () => {
    for (const [path, method] of [["/api/admin/persons", "get"], ["/api/admin/reseed", "post"], ["/api/admin/faults", "post"], ["/api/admin/audit", "get"]] as const) {
      const none = await h.http[method](path);
      expect(none.status).toBe(401);
      expect(none.body.error.code).toBe("R007");
      const wrong = await h.http[method](path).set("Authorization", "Bearer nope").set("content-type", "application/json").send("{broken");
      expect(wrong.status).toBe(401);
    }
    // Routes match without case, so the auth does too.
    expect((await h.http.get("/API/Admin/persons")).status).toBe(401);
    expect((await h.http.get("/api/admin/persons/").set("Authorization", "Bearer nope")).status).toBe(401);
  });
});

describe("person state switches", () => {
  it("lists people with their cards and today's card-path validity", async () => {
    const r = await admin(h).get("/api/admin/persons");
    expect(r.status).toBe(200);
    const p1 = (r.body.persons as { personId: string; cards: { tokenKind: string }[]; cardPathValidityToday: string }[]).find((p) => p.personId === "P0001")!;
    // The card and the two phones set up from it (Android, iPhone), each with its own certificate.
    expect(p1.cards.map((c) => c.tokenKind).sort()).toEqual(["android", "card", "iphone"]);
    expect(p1.cardPathValidityToday).toBe("1");
    expect((await admin(h).get("/api/admin/persons/P9999")).status).toBe(404);
  });

  it("gain a new qualification (job change): card path shows the new one, old number answers 3", async () => {
    const a = admin(h);
    const r = await a.post("/api/admin/persons/P0001/actions", {
      action: "gain-qualification",
      qualificationId: "Q0001-NEW",
      insurerNumber: "06139992",
      insuredCardSymbol: "10",
      insuredIdentificationNumber: "9101",
      insuredBranchNumber: "00",
      qualificationDate: "20261101",
    });
    expect(r.status).toBe(200);
    const card = await confirmCard(h, "P0001");
    expect(firstResult(card)).toMatchObject({ InsurerNumber: "06139992", InsuredIdentificationNumber: "9101" });
    const birth = (await a.get("/api/admin/persons/P0001")).body.birthdate as string;
    const old = await h.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: FACILITY, insurerNumber: "01130012", insuredCardSymbol: "13010001", insuredIdentificationNumber: "101", insuredBranchNumber: "00", birthdate: birth });
    expect(body(old).QualificationValidity).toBe("3");
    expect(firstResult(old)).toMatchObject({ ReasonOfLoss: "03", DisqualificationDate: "20261101" });
    await a.post("/api/admin/persons/P0001/actions", { action: "restore" });
    expect(firstResult(await confirmCard(h, "P0001"))!.InsurerNumber).toBe("01130012");
  });

  it("remove the マイナンバー link → 資格情報なし (4); link again → 1; unregister → E131", async () => {
    const a = admin(h);
    await a.post("/api/admin/persons/P0001/actions", { action: "unlink-my-number" });
    expect(body(await confirmCard(h, "P0001")).QualificationValidity).toBe("4");
    await a.post("/api/admin/persons/P0001/actions", { action: "link-my-number" });
    expect(body(await confirmCard(h, "P0001")).QualificationValidity).toBe("1");
    await a.post("/api/admin/persons/P0001/actions", { action: "unregister-card" });
    expect(body(await confirmCard(h, "P0001")).ProcessingResultCode).toBe("E131");
    await a.post("/api/admin/persons/P0001/actions", { action: "restore" });
  });

  it("conflicting or invalid actions", async () => {
    const a = admin(h);
    const unknownInsurer = await a.post("/api/admin/persons/P0001/actions", { action: "gain-qualification", insurerNumber: "01130020", insuredIdentificationNumber: "1" });
    expect(unknownInsurer.status).toBe(409);
    expect(unknownInsurer.body.error.code).toBe("R010");
    const bad = await a.post("/api/admin/persons/P0001/actions", { action: "fly" });
    expect(bad.status).toBe(400);
    expect((await a.post("/api/admin/persons/P9999/actions", { action: "restore" })).status).toBe(404);
  });

  it("reseed puts everything back", async () => {
    const a = admin(h);
    await a.post("/api/admin/persons/P0001/actions", { action: "lose-qualification" });
    expect(body(await confirmCard(h, "P0001")).QualificationValidity).toBe("2");
    const r = await a.post("/api/admin/reseed");
    expect(r.status).toBe(200);
    expect(r.body.summary.persons).toBeGreaterThanOrEqual(22);
    expect(body(await confirmCard(h, "P0001")).QualificationValidity).toBe("1");
  });
});

describe("faults", () => {
  const insurance = (facility: string) =>
    h.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: facility, insurerNumber: "39130018", insuredIdentificationNumber: "00012345", birthdate: "19401103" });

  it("global maintenance → 503 everywhere, then cleared", async () => {
    const a = admin(h);
    await a.post("/api/admin/faults", { kind: "maintenance" });
    const n = await h.http.post("/api/v1/nonces").send({ medicalInstitutionCode: FACILITY });
    expect(n.status).toBe(503);
    expect(n.body.error.code).toBe("S901");
    expect(n.headers["retry-after"]).toBe("60");
    expect((await insurance(OTHER_FACILITY)).status).toBe(503);
    expect((await a.delete("/api/admin/faults")).status).toBe(200);
    expect((await insurance(FACILITY)).status).toBe(200);
  });

  it("SegmentOfResult 9 for one facility, for a number of requests", async () => {
    const a = admin(h);
    const f = await a.post("/api/admin/faults", { kind: "segment9", medicalInstitutionCode: FACILITY, count: 2, errorCode: "S902" });
    expect(f.status).toBe(200);
    const r = await insurance(FACILITY);
    expect(header(r)).toMatchObject({ SegmentOfResult: "9", ErrorCode: "S902" });
    expect(r.body.XmlMsg.MessageBody).toEqual({});
    expect(header(await insurance(OTHER_FACILITY)).SegmentOfResult).toBe("1");
    expect(header(await confirmCard(h, "P0001")).SegmentOfResult).toBe("9");
    expect(header(await insurance(FACILITY)).SegmentOfResult).toBe("1");
    expect((await a.get("/api/admin/faults")).body.faults).toEqual([]);
  });

  it("latency delays, timeout drops the connection", async () => {
    const a = admin(h);
    const lat = await a.post("/api/admin/faults", { kind: "latency", delayMs: 150, count: 1 });
    expect(lat.body.delayMs).toBe(150);
    const t0 = Date.now();
    expect((await insurance(FACILITY)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    await a.post("/api/admin/faults", { kind: "timeout", delayMs: 100, count: 1, medicalInstitutionCode: FACILITY });
    await expect(insurance(FACILITY)).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect((await insurance(FACILITY)).status).toBe(200);
  });

  it("faults can be configured when the server is created", async () => {
    const faulty = await startHarness({ faults: [{ kind: "segment9", medicalInstitutionCode: FACILITY, errorCode: "S902" }] });
    try {
      const r = await faulty.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: FACILITY, insurerNumber: "39130018", insuredIdentificationNumber: "00012345", birthdate: "19401103" });
      expect(header(r)).toMatchObject({ SegmentOfResult: "9", ErrorCode: "S902" });
    } finally {
      await faulty.close();
    }
  });

  it("delete one fault; unknown id → 404", async () => {
    const a = admin(h);
    const f = await a.post("/api/admin/faults", { kind: "maintenance", medicalInstitutionCode: OTHER_FACILITY });
    expect((await insurance(OTHER_FACILITY)).status).toBe(503);
    expect((await a.delete(`/api/admin/faults/${f.body.faultId as number}`)).status).toBe(200);
    expect((await a.delete(`/api/admin/faults/${f.body.faultId as number}`)).status).toBe(404);
    expect((await insurance(OTHER_FACILITY)).status).toBe(200);
  });
});

describe("audit log", () => {
  it("records every lookup with its outcome, and never a PIN or a 12-digit number", async () => {
    await confirmCard(h, "P0003", { method: "visual" });
    const r = await admin(h).get("/api/admin/audit?limit=1000");
    expect(r.status).toBe(200);
    const entries = r.body.entries as { channel: string; method: string | null; code: string | null; segmentOfResult: string | null }[];
    expect(entries.length).toBeGreaterThan(20);
    expect(entries[0]!.method).toBe("visual");
    const channels = new Set(entries.map((e) => e.channel));
    for (const c of ["card", "insurance", "admin"]) expect(channels).toContain(c);
    const text = JSON.stringify(r.body);
    expect(text).not.toMatch(/(?<!\d)\d{12}(?!\d)/);
    expect(text.toLowerCase()).not.toContain('"pin":');
    const byPerson = await admin(h).get("/api/admin/audit?personId=P0003&limit=5");
    expect((byPerson.body.entries as { personId: string }[]).every((e) => e.personId === "P0003")).toBe(true);
    const page = await admin(h).get("/api/admin/audit?afterId=0&limit=2");
    expect((page.body.entries as { auditId: number }[]).map((e) => e.auditId)).toEqual([1, 2]);
  });

  it("validates its query", async () => {
    expect((await admin(h).get("/api/admin/audit?limit=abc")).status).toBe(400);
    expect((await admin(h).get("/api/admin/audit?color=red")).body.error.code).toBe("R002");
  });
});

describe("reader devices", () => {
  it("register a new device key, use it, revoke it, reactivate it", async () => {
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    const reg = await admin(h).post("/api/admin/devices", { deviceId: "kiosk-ec-01", publicKeyPem: pem, medicalInstitutionCode: FACILITY });
    expect(reg.status).toBe(200);
    expect(body(await confirmCard(h, "P0005", { method: "face", deviceId: "kiosk-ec-01", deviceKey: privateKey })).QualificationValidity).toBe("1");
    await admin(h).post("/api/admin/devices/kiosk-ec-01/revoke");
    expect(body(await confirmCard(h, "P0005", { method: "face", deviceId: "kiosk-ec-01", deviceKey: privateKey })).ProcessingResultCode).toBe("E122");
    await admin(h).post("/api/admin/devices/kiosk-ec-01/reactivate");
    expect(body(await confirmCard(h, "P0005", { method: "face", deviceId: "kiosk-ec-01", deviceKey: privateKey })).QualificationValidity).toBe("1");
    expect((await admin(h).post("/api/admin/devices/none/revoke")).status).toBe(404);
    const list = await admin(h).get("/api/admin/devices");
    expect((list.body.devices as { deviceId: string }[]).map((d) => d.deviceId)).toContain("kiosk-ec-01");
    const badKey = await admin(h).post("/api/admin/devices", { deviceId: "x", publicKeyPem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n" });
    expect(badKey.status).toBe(400);
  });
});

describe("named scenarios (fixtures/insurance/scenarios.json)", () => {
  const expected: Record<string, { personId: string; method?: "pin" | "face"; code?: string; validity?: string }> = {
    "card-lost": { personId: "P0004", method: "face", code: "E115" },
    "card-revoked": { personId: "P0004", method: "face", code: "E116" },
    "left-job": { personId: "P0001", validity: "2" },
    "job-change": { personId: "P0001", validity: "1" },
    "two-qualifications": { personId: "P0002", validity: "5" },
    "number-not-submitted": { personId: "P0001", validity: "4" },
    "registration-lapsed": { personId: "P0001", code: "E131" },
  };

  it("lists every scenario, and each one gives its documented outcome until reseed", async () => {
    const list = await admin(h).get("/api/admin/scenarios");
    expect((list.body.scenarios as { name: string }[]).map((s) => s.name).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      const applied = await admin(h).post(`/api/admin/scenarios/${name}`);
      expect(applied.status, name).toBe(200);
      const r = await confirmCard(h, want.personId, { method: want.method ?? "pin" });
      if (want.code) expect(body(r).ProcessingResultCode, name).toBe(want.code);
      if (want.validity) expect(body(r).QualificationValidity, name).toBe(want.validity);
      await admin(h).post("/api/admin/reseed");
      expect(body(await confirmCard(h, want.personId, { method: want.method ?? "pin" })).QualificationValidity, `${name} after reseed`).toBe("1");
    }
    expect((await admin(h).post("/api/admin/scenarios/nope")).status).toBe(404);
  });

  it("applies a scenario on the simulation date sent (the trainer's day, not the real one)", async () => {
    const applied = await admin(h).post("/api/admin/scenarios/left-job", { simulationDate: "20261110" });
    expect(applied.status).toBe(200);
    const p1 = (applied.body.persons as { personId: string; qualifications: { disqualificationDate: string | null; reasonOfLoss: string | null }[] }[])[0]!;
    expect(p1.qualifications.find((q) => q.reasonOfLoss === "99")?.disqualificationDate).toBe("20261110");
    expect((await admin(h).post("/api/admin/scenarios/left-job", { simulationDate: "2026-11-10" })).status).toBe(400);
    await admin(h).post("/api/admin/reseed");
  });
});
