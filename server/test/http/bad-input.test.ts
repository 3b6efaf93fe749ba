import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, FACILITY, startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const JSON_POSTS = ["/api/v1/nonces", "/api/v1/qualifications/card", "/api/v1/qualifications/insurance", "/api/v1/registrations", "/api/v1/consents", "/api/v1/sessions/complete"];

describe("every JSON endpoint answers bad input with a 4xx and a zod-style message", () => {
  it.each(JSON_POSTS)("%s: malformed JSON → 400 R001", async (path) => {
    const r = await h.http.post(path).set("content-type", "application/json").send('{"medicalInstitutionCode": ');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("R001");
  });

  it.each(JSON_POSTS)("%s: wrong types and unknown fields → 400 R002 with paths", async (path) => {
    const r = await h.http.post(path).send({ medicalInstitutionCode: 1311234567, confirmationId: 5, surprise: true });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("R002");
    const issues = r.body.error.issues as { path: string; message: string }[];
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.path.startsWith("body") && i.message.length > 0)).toBe(true);
    expect(issues.some((i) => /surprise|Unrecognized/.test(i.path + i.message))).toBe(true);
  });

  it.each(JSON_POSTS)("%s: oversized body → 413 R003", async (path) => {
    const r = await h.http.post(path).send({ medicalInstitutionCode: FACILITY, pad: "x".repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("R003");
  });

  it.each(JSON_POSTS)("%s: not JSON → 415 R004; array or empty body → 400", async (path) => {
    const text = await h.http.post(path).set("content-type", "text/plain").send("hello");
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe("R004");
    expect((await h.http.post(path).send([1, 2])).status).toBe(400);
    expect((await h.http.post(path).set("content-type", "application/json").send("")).status).toBe(400);
  });

  it.each(JSON_POSTS)("%s: a 12-digit value anywhere → 400 R005 naming the field, never echoing it", async (path) => {
    const r = await h.http.post(path).send({ medicalInstitutionCode: FACILITY, insuredIdentificationNumber: "1234 5678 9018" });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("R005");
    expect(r.body.error.issues[0].path).toBe("body.insuredIdentificationNumber");
    expect(JSON.stringify(r.body)).not.toContain("5678");
  });

  it("specific reasons: card request without its proof, bad dates, bad nonce", async () => {
    const r = await h.http.post("/api/v1/qualifications/card").send({ medicalInstitutionCode: FACILITY, nonce: "short", certificate: "@@@", method: "pin", simulationDate: "20250230" });
    const paths = (r.body.error.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["body.nonce", "body.certificate", "body.simulationDate"]));
    const face = await h.http.post("/api/v1/qualifications/card").send({ medicalInstitutionCode: FACILITY, nonce: "A".repeat(43), certificate: "AAAA", method: "face" });
    expect((face.body.error.issues as { path: string; message: string }[])).toContainEqual({ path: "body.deviceAttestation", message: "required when method is face" });
  });

  it("a 12-digit value in a query string → 400 R005", async () => {
    const r = await h.http.get("/api/health?x=123456789018");
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "R005", issues: [{ path: "query.x" }] });
  });

  it("charset other than UTF-8 → 415", async () => {
    const r = await h.http.post("/api/v1/nonces").set("content-type", "application/json; charset=latin2").send('{"medicalInstitutionCode":"1311234567"}');
    expect(r.status).toBe(415);
  });

  it("compressed bodies → 415 R004; a JSON scalar → 400 R001; the charset may be given as utf-8 in any case", async () => {
    const gz = await h.http.post("/api/v1/nonces").set("content-type", "application/json").set("content-encoding", "gzip").send('{"medicalInstitutionCode":"1311234567"}');
    expect(gz.status).toBe(415);
    expect(gz.body.error.code).toBe("R004");
    const scalar = await h.http.post("/api/v1/nonces").set("content-type", "application/json").send('"1311234567"');
    expect(scalar.status).toBe(400);
    expect(scalar.body.error.code).toBe("R001");
    const ok = await h.http.post("/api/v1/nonces").set("content-type", 'Application/JSON; Charset="UTF-8"').send(' \n{"medicalInstitutionCode":"1311234567"}');
    expect(ok.status).toBe(200);
    expect(ok.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(Number(ok.headers["content-length"])).toBe(Buffer.byteLength(ok.text));
  });

  it("unknown routes and methods → 404 JSON", async () => {
    for (const r of [await h.http.get("/api/v1/nope"), await h.http.get("/api/v1/nonces"), await h.http.delete("/api/v1/consents"), await h.http.get("/")]) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("R006");
    }
  });

  it("admin: wrong types on actions and faults", async () => {
    const f = await admin(h).post("/api/admin/faults", { kind: "latency", delayMs: -5 });
    expect(f.status).toBe(400);
    expect(f.body.error.issues[0].path).toBe("body.delayMs");
    const a = await admin(h).post("/api/admin/persons/P0001/actions", { action: "lose-qualification", disqualificationDate: "2025-01-01" });
    expect(a.status).toBe(400);
  });

  it("the server keeps serving after all of that", async () => {
    expect((await h.http.get("/api/health")).body.status).toBe("ok");
  });
});
