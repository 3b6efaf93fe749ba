import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESULT_CODES } from "../../src/domain/result-codes.js";
import { ROUTES } from "../../src/http/route-specs.js";
import { startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("API docs", () => {
  it("serves an OpenAPI 3.1 document generated from the zod schemas, with every route", async () => {
    const r = await h.http.get("/api/docs/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    for (const route of ROUTES) {
      const path = route.path.replace(/:([A-Za-z]+)/g, "{$1}");
      expect(r.body.paths[path]?.[route.method], `${route.method} ${path}`).toBeDefined();
    }
    const card = r.body.components.schemas.CardQualificationRequest;
    expect(card.required).toEqual(expect.arrayContaining(["medicalInstitutionCode", "nonce", "certificate", "method"]));
    expect(card.additionalProperties).toBe(false);
    const result = r.body.components.schemas.XmlMsg;
    expect(JSON.stringify(result)).toContain("QualificationValidity");
    expect(JSON.stringify(r.body)).not.toContain('"$ref":"#/components/schemas/undefined"');
    for (const [, methods] of Object.entries(r.body.paths as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref?: string } }> } }>>)) {
      for (const op of Object.values(methods)) {
        const ref = op.requestBody?.content["application/json"]?.schema.$ref;
        if (ref) expect(r.body.components.schemas[ref.split("/").pop()!], ref).toBeDefined();
      }
    }
  });

  it("serves an HTML page listing the endpoints", async () => {
    const r = await h.http.get("/api/docs");
    expect(r.headers["content-type"]).toMatch(/text\/html/);
    for (const route of ROUTES) expect(r.text).toContain(route.path);
  });
});

describe("RESULT-CODES.md", () => {
  it("documents exactly the codes of the table", () => {
    const md = readFileSync(join(import.meta.dirname, "..", "..", "RESULT-CODES.md"), "utf8");
    const documented = new Set([...md.matchAll(/^\| `([A-Z]\d{3})` \|/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(Object.keys(RESULT_CODES).sort());
    for (const [code, e] of Object.entries(RESULT_CODES)) expect(md, code).toContain(e.message);
  });
});
