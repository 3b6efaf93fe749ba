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

/** A request document for POST /api/xml/OQSsiquc01 (P1001: 01130012 / 13010001 / 101 / 01, born 19820914). */
const xmlRequest = (o: { number?: string; extra?: string; doctype?: string } = {}) => `<?xml version="1.0" encoding="UTF-8"?>${o.doctype ?? ""}
<XmlMsg><MessageHeader><QualificationConfirmationDate>20261122</QualificationConfirmationDate><MedicalInstitutionCode>1311234567</MedicalInstitutionCode></MessageHeader>
<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>01130012</InsurerNumber><InsuredCardSymbol>13010001</InsuredCardSymbol>
<InsuredIdentificationNumber>${o.number ?? "101"}</InsuredIdentificationNumber><InsuredBranchNumber>01</InsuredBranchNumber><Birthdate>19820914</Birthdate>${o.extra ?? ""}
</QualificationConfirmSearchInfo></MessageBody></XmlMsg>`;
const postXml = (xml: string) => h.http.post("/api/xml/OQSsiquc01").set("content-type", "application/xml").send(xml).buffer(true).parse((res, cb) => {
  let text = "";
  res.setEncoding("utf8");
  res.on("data", (c: string) => (text += c));
  res.on("end", () => cb(null, text));
});
const xmlTag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const TWELVE_DIGIT_RUN = /(?<!\d)\d{12}(?!\d)/;

describe("input hardening: deep nesting", () => {
  const deepJson = (levels: number) => `{"medicalInstitutionCode":"1311234567","x":${"[".repeat(levels)}${"]".repeat(levels)}}`;

  it.each([...JSON_POSTS, "/api/admin/faults"])("%s: JSON nested 5,000+ levels → 400 R001, not a stack overflow", async (path) => {
    const r = await h.http.post(path).set("authorization", "Bearer test-admin-token").set("content-type", "application/json").send(deepJson(20_000));
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("R001");
    expect(r.body.error.message).toMatch(/nested deeper than 32/);
  });

  it("32 levels is still just JSON (refused by the schema, not by the reader)", async () => {
    const r = await h.http.post("/api/v1/nonces").set("content-type", "application/json").send(deepJson(31));
    expect(r.body.error.code).toBe("R002");
  });

  it("XML nested 8,000 elements deep → 400 S903", async () => {
    const r = await postXml(xmlRequest({ extra: "<a>".repeat(8_000) + "</a>".repeat(8_000) }));
    expect(r.status).toBe(400);
    expect(xmlTag(r.body as string, "ErrorCode")).toBe("S903");
    expect(xmlTag(r.body as string, "ErrorMessage")).toMatch(/deeper than 32/);
  });
});

describe("input hardening: character references and entities in XML", () => {
  it("&#49;01 is 101: numeric character references are decoded before validation (validity 1)", async () => {
    for (const number of ["&#49;01", "&#x31;0&#x31;", "1&#48;1"]) {
      const r = await postXml(xmlRequest({ number }));
      expect(r.status).toBe(200);
      expect(xmlTag(r.body as string, "QualificationValidity")).toBe("1");
    }
  });

  it("&#49;23456789012 is a 12-digit number: refused by the guard, never echoed", async () => {
    const r = await postXml(xmlRequest({ number: "&#49;23456789012" }));
    expect(r.status).toBe(400);
    expect(xmlTag(r.body as string, "ErrorCode")).toBe("S904");
    expect(xmlTag(r.body as string, "ErrorMessage")).toContain("InsuredIdentificationNumber");
  });

  it("named entities other than XML's five, and entity declarations, are refused (S903): nothing is expanded", async () => {
    for (const number of ["&copy;101", "&nbsp;101", "&foo;"]) {
      const r = await postXml(xmlRequest({ number }));
      expect(r.status).toBe(400);
      expect(xmlTag(r.body as string, "ErrorCode")).toBe("S903");
    }
    const dtd = await postXml(xmlRequest({ doctype: '<!DOCTYPE XmlMsg [<!ENTITY n "101">]>', number: "&n;" }));
    expect(xmlTag(dtd.body as string, "ErrorCode")).toBe("S903");
  });
});

describe("input hardening: width and invisible characters", () => {
  it.each([["mixed width", "12345６789012"], ["zero-width padded", "1234\u200b5678\u200b9012"], ["BOM and word joiner", "\ufeff123456789012\u2060"], ["hyphens, odd grouping", "12-3456-789-012"]])(
    "%s 12-digit value → 400 R005",
    async (_name, value) => {
      const r = await h.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: FACILITY, insuredIdentificationNumber: value });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("R005");
      expect(r.body.error.issues[0].path).toBe("body.insuredIdentificationNumber");
    },
  );

  it("the same in XML (decoded first: &#8203; is a zero-width space) → S904", async () => {
    for (const number of ["１２３４5678９０１２", "1234&#8203;5678&#x200B;9012"]) {
      const r = await postXml(xmlRequest({ number }));
      expect(xmlTag(r.body as string, "ErrorCode")).toBe("S904");
    }
  });
});

describe("input hardening: nothing echoes a 12-digit run", () => {
  it("JSON: a key that is a 12-digit number → R005; an unknown field holding one → R002; neither echoes it", async () => {
    const key = await h.http.post("/api/v1/nonces").send({ medicalInstitutionCode: FACILITY, "123456789012": "x" });
    expect(key.body.error.code).toBe("R005");
    const unknown = await h.http.post("/api/v1/nonces").send({ medicalInstitutionCode: FACILITY, "note-123456789012": "x" });
    expect(unknown.body.error.code).toBe("R002");
    for (const r of [key, unknown]) expect(r.text).not.toMatch(TWELVE_DIGIT_RUN);
  });

  it("admin: an unknown person, device or fault named with 12 digits is not echoed in the 404", async () => {
    for (const r of [await admin(h).get("/api/admin/persons/P123456789012"), await admin(h).post("/api/admin/devices/dev-123456789012/revoke"), await admin(h).delete("/api/admin/faults/x123456789012")]) {
      expect(r.status).toBe(404);
      expect(r.text).not.toMatch(TWELVE_DIGIT_RUN);
    }
  });

  it("XML: S903/S904 messages, their result documents and the audit rows do not echo 12-digit tag names or labels", async () => {
    const before = (await admin(h).get("/api/admin/audit?limit=1")).body.entries[0]?.auditId ?? 0;
    const cases = [
      xmlRequest({ extra: "<X123456789012>1</X123456789012>" }), // unknown element: S904
      xmlRequest({ extra: "<X123456789012>1</Y123456789012>" }), // mismatched tags: S903
      xmlRequest({ extra: '<Colour x123456789012="1" x123456789012="2"/>' }), // repeated attribute: S903
      xmlRequest({ extra: "<Colour>&e123456789012;</Colour>" }), // undeclared entity: S903
      `<?xml version="1.0" encoding="x-123456789012"?><XmlMsg/>`, // unknown encoding label: S905
    ];
    for (const xml of cases) {
      const r = await postXml(xml);
      expect(r.status).toBe(400);
      expect(xmlTag(r.body as string, "ErrorCode")).toMatch(/^S90[345]$/);
      expect(r.body as string).not.toMatch(TWELVE_DIGIT_RUN);
    }
    const audit = await admin(h).get(`/api/admin/audit?afterId=${before as number}&limit=100`);
    expect(audit.body.entries).toHaveLength(cases.length);
    expect(audit.text).not.toMatch(TWELVE_DIGIT_RUN);
  });

  it("an injected fault's message and code are stored and answered masked", async () => {
    const f = await admin(h).post("/api/admin/faults", { kind: "segment9", medicalInstitutionCode: FACILITY, count: 1, errorCode: "X123456789012", errorMessage: "障害 1234-5678-9012" });
    expect(f.status).toBe(200);
    const r = await h.http.post("/api/v1/qualifications/insurance").send({ medicalInstitutionCode: FACILITY, insurerNumber: "01130012", insuredIdentificationNumber: "101", birthdate: "19820914" });
    expect(r.body.XmlMsg.MessageHeader.SegmentOfResult).toBe("9");
    for (const text of [f.text, r.text, (await admin(h).get("/api/admin/audit?limit=5")).text]) expect(text).not.toMatch(TWELVE_DIGIT_RUN);
  });
});
