/** OpenAPI 3.1 generated from the zod schemas (z.toJSONSchema) and the route list; a small HTML index beside it. */
import { z } from "zod";
import { RESULT_CODES } from "../domain/result-codes.js";
import { ROUTES } from "./route-specs.js";
import { apiSchemas } from "../protocol/schemas.js";
import "../protocol/rececon-schemas.js"; // registers its schemas

type JsonObject = Record<string, unknown>;

let cached: JsonObject | null = null;

const openApiPath = (p: string) => p.replace(/:([A-Za-z]+)/g, "{$1}");

function componentSchemas(): Record<string, JsonObject> {
  const out = z.toJSONSchema(apiSchemas, { io: "input", unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, JsonObject>;
  };
  const schemas: Record<string, JsonObject> = {};
  for (const [id, s] of Object.entries(out.schemas)) {
    const { $schema: _schema, $id: _id, id: _plainId, ...rest } = s;
    schemas[id] = rest;
  }
  return schemas;
}

function content(kind: string): JsonObject {
  if (kind === "xml") return { "application/xml": { schema: { type: "string", description: "OQSsiquc01 XML (UTF-8 or Shift_JIS per CharacterCodeIdentifier)" } } };
  if (kind === "html") return { "text/html": { schema: { type: "string" } } };
  if (kind === "json") return { "application/json": { schema: { type: "object" } } };
  return { "application/json": { schema: { $ref: `#/components/schemas/${kind}` } } };
}

export function openApiDocument(version: string): JsonObject {
  if (cached) return cached;
  const schemas = componentSchemas();
  const paths: Record<string, JsonObject> = {};
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    if (r.query) {
      const q = schemas[r.query] as { properties?: Record<string, JsonObject> } | undefined;
      for (const [name, schema] of Object.entries(q?.properties ?? {})) params.push({ name, in: "query", required: false, schema: schema as { type: string } });
    }
    const op: JsonObject = {
      summary: r.summary,
      tags: [r.tag],
      ...(params.length && { parameters: params }),
      ...(r.request && { requestBody: { required: true, content: content(r.request) } }),
      responses: Object.fromEntries(Object.entries(r.responses).map(([status, kind]) => [status, { description: statusText(Number(status)), content: content(kind) }])),
      ...(r.admin && { security: [{ adminToken: [] }] }),
    };
    paths[openApiPath(r.path)] = { ...(paths[openApiPath(r.path)] ?? {}), [r.method]: op };
  }
  cached = {
    openapi: "3.1.0",
    info: {
      title: "onshi-sim mock オンライン資格確認等システム",
      version,
      description:
        "Mock of Japan's online qualification confirmation system for kiosk and レセコン development. Results mirror XmlMsg/MessageHeader/MessageBody. " +
        "Codes (ProcessingResultCode, ErrorCode, JSON error codes): see server/RESULT-CODES.md. Never send a PIN or a 12-digit マイナンバー.",
    },
    servers: [{ url: "http://127.0.0.1:8741" }],
    components: {
      schemas,
      securitySchemes: { adminToken: { type: "http", scheme: "bearer", description: "ONSHI_SIM_ADMIN_TOKEN or <data>/server/admin-token" } },
    },
    paths,
    "x-result-codes": Object.fromEntries(Object.entries(RESULT_CODES).map(([code, e]) => [code, { kind: e.kind, message: e.message }])),
  };
  return cached;
}

function statusText(status: number): string {
  return (
    { 200: "OK", 400: "Bad request (validation issues listed)", 401: "Admin token missing or wrong", 403: "Refused", 404: "Not found", 409: "Conflict", 413: "Body too large", 415: "Unsupported Content-Type", 503: "Maintenance (injected)" }[status] ??
    String(status)
  );
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function docsPage(): string {
  const rows = ROUTES.map(
    (r) =>
      `<tr><td><code>${r.method.toUpperCase()}</code></td><td><code>${esc(r.path)}</code>${r.admin ? " 🔒" : ""}</td><td>${esc(r.summary)}</td><td>${esc(r.request ?? r.query ?? "")}</td><td>${esc(
        Object.entries(r.responses)
          .map(([s, k]) => `${s} ${k}`)
          .join(", "),
      )}</td></tr>`,
  ).join("\n");
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>onshi-sim server API</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}</style></head>
<body><h1>onshi-sim mock オンライン資格確認等システム</h1>
<p>OpenAPI 3.1: <a href="/api/docs/openapi.json">/api/docs/openapi.json</a>. 🔒 = admin (Authorization: Bearer &lt;token&gt;).
Codes: server/RESULT-CODES.md. Cases and how to trigger them: server/README.md.</p>
<table><tr><th>method</th><th>path</th><th>what</th><th>request</th><th>responses</th></tr>
${rows}
</table></body></html>
`;
}
