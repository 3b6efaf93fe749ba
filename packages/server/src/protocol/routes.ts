/**
 * Every HTTP route of the server — the qualification API, the kiosk calls, the XML interface, the admin API and
 * the docs — with its method, path and the zod schema objects of its request and responses. The one list: the
 * server routes and documents (OpenAPI, /api/docs) from it, and the typed client (server-client.ts) derives its
 * methods from it. Browser-safe (zod only).
 */
import type { z } from "zod";
import { QualificationResponse } from "../results/result-schema.js";
import * as R from "./rececon-schemas.js";
import * as S from "./schemas.js";

/** A body that is not JSON: XML (the file interface over HTTP), the docs page, or a JSON document with no schema. */
export type OtherBody = "xml" | "html" | "json";

export interface RouteDefinition {
  readonly method: "get" | "post" | "put" | "delete";
  /** express syntax (:param) */
  readonly path: string;
  readonly summary: string;
  readonly tag: "lookup" | "kiosk" | "xml" | "admin" | "meta";
  readonly request?: z.ZodType | "xml";
  readonly query?: z.ZodType;
  /** status → schema (ErrorResponse for the errors) */
  readonly responses: Readonly<Record<number, z.ZodType | OtherBody>>;
  /** Needs the admin token (Authorization: Bearer). */
  readonly admin?: true;
}

const E = S.ErrorResponse;
const errors = { 400: E, 413: E, 415: E, 503: E } as const;

export const API_ROUTES = {
  health: { method: "get", path: "/api/health", summary: "Liveness and the server's default simulation date (today, Japan time).", tag: "meta", responses: { 200: S.HealthResponse } },
  nonce: {
    method: "post",
    path: "/api/v1/nonces",
    summary: "Issue a single-use nonce bound to a facility (card path step 1); 429 R012 when the facility holds its share.",
    tag: "lookup",
    request: S.NonceRequest,
    responses: { 200: S.NonceResponse, ...errors, 429: E },
  },
  confirmByCard: {
    method: "post",
    path: "/api/v1/qualifications/card",
    summary: "Card path (ReferenceClassification 1): PIN signature or device attestation over the nonce, then the qualification lookup.",
    tag: "lookup",
    request: S.CardQualificationRequest,
    responses: { 200: QualificationResponse, ...errors },
  },
  lookupByInsurance: {
    method: "post",
    path: "/api/v1/qualifications/insurance",
    summary: "Insurance-number path (ReferenceClassification 2), with the document presented and the date rules.",
    tag: "lookup",
    request: S.InsuranceQualificationRequest,
    responses: { 200: QualificationResponse, ...errors },
  },
  register: {
    method: "post",
    path: "/api/v1/registrations",
    summary: "保険証利用登録 at the reader (PIN-signed nonce).",
    tag: "kiosk",
    request: S.RegistrationRequest,
    responses: { 200: S.RegistrationResponse, 403: E, 409: E, ...errors },
  },
  consent: {
    method: "post",
    path: "/api/v1/consents",
    summary: "Record the kiosk's consent answers for a confirmation.",
    tag: "kiosk",
    request: S.ConsentRequest,
    responses: { 200: S.ConsentResponse, 404: E, 409: E, ...errors },
  },
  completeSession: {
    method: "post",
    path: "/api/v1/sessions/complete",
    summary: "Complete a kiosk session: re-lookup with the consents and write OQSsiquc01res_face_*.xml into the face folder.",
    tag: "kiosk",
    request: S.SessionCompleteRequest,
    responses: { 200: S.SessionCompleteResponse, 404: E, 409: E, ...errors },
  },
  xmlInterface: {
    method: "post",
    path: "/api/xml/OQSsiquc01",
    summary: "The file interface over HTTP: an OQSsiquc01req XML in, the OQSsiquc01res XML out.",
    tag: "xml",
    request: "xml",
    responses: { 200: "xml", 400: "xml", 503: "xml", 415: E, 413: E },
  },
  xmlRececon: {
    method: "post",
    path: "/api/xml/:kind",
    summary:
      "The other レセコン file interfaces over HTTP, kind = OQSmuquc01, OQSmuquc02 (一括照会), OQSsiimm01, OQSmuimm01, OQSmuimm02 (照会番号), YZKsiquc01 (薬剤情報), TKKsiquc01 (特定健診情報): the request XML in, the answer out (XML, or application/pdf for FileCategory 1/3).",
    tag: "xml",
    request: "xml",
    responses: { 200: "xml", 400: "xml", 404: E, 415: E, 413: E },
  },
  medicalInfo: {
    method: "post",
    path: "/api/v1/medical-info",
    summary: "What the doctor can see now: the patient's 薬剤情報 and 特定健診情報 at this facility, each only with a current consent (else the reason code).",
    tag: "lookup",
    request: R.MedicalInfoRequest,
    responses: { 200: R.MedicalInfoResponse, ...errors },
  },
  docs: { method: "get", path: "/api/docs", summary: "This API as an HTML page.", tag: "meta", responses: { 200: "html" } },
  openApi: { method: "get", path: "/api/docs/openapi.json", summary: "OpenAPI 3.1 document generated from the zod schemas.", tag: "meta", responses: { 200: "json" } },
  reseed: {
    method: "post",
    path: "/api/admin/reseed",
    summary: "Reload the seed from fixtures and replace all people, cards, devices, consents and faults.",
    tag: "admin",
    admin: true,
    responses: { 200: S.ReseedResponse, 401: E },
  },
  persons: { method: "get", path: "/api/admin/persons", summary: "Every person with qualifications, documents and cards.", tag: "admin", admin: true, responses: { 200: S.PersonList, 401: E } },
  person: { method: "get", path: "/api/admin/persons/:personId", summary: "One person's state.", tag: "admin", admin: true, responses: { 200: S.PersonState, 401: E, 404: E } },
  personAction: {
    method: "post",
    path: "/api/admin/persons/:personId/actions",
    summary: "Switch a person's state: lose/gain a qualification, suspend/revoke/reactivate/unregister a card, (un)link the マイナンバー, restore.",
    tag: "admin",
    admin: true,
    request: S.PersonAction,
    responses: { 200: S.PersonState, 400: E, 401: E, 404: E, 409: E },
  },
  serverScenarios: { method: "get", path: "/api/admin/scenarios", summary: "Named scenarios from fixtures/insurance/scenarios.json.", tag: "admin", admin: true, responses: { 200: S.ScenarioList, 401: E } },
  applyServerScenario: {
    method: "post",
    path: "/api/admin/scenarios/:name",
    summary: "Apply a named scenario (e.g. card-lost, left-job, job-change); POST /api/admin/reseed undoes it.",
    tag: "admin",
    admin: true,
    responses: { 200: S.ScenarioApplied, 401: E, 404: E, 409: E },
  },
  clock: { method: "get", path: "/api/admin/clock", summary: "The server's simulation clock: the date requests without one are answered on.", tag: "admin", admin: true, responses: { 200: R.ClockResponse, 401: E } },
  setClock: {
    method: "put",
    path: "/api/admin/clock",
    summary: 'Set the simulation date ({"date":"YYYYMMDD"}) or go back to real time ({"date":null}); kept in the database.',
    tag: "admin",
    admin: true,
    request: R.ClockSetRequest,
    responses: { 200: R.ClockResponse, 400: E, 401: E, 415: E },
  },
  faults: { method: "get", path: "/api/admin/faults", summary: "Active faults.", tag: "admin", admin: true, responses: { 200: S.FaultList, 401: E } },
  addFault: { method: "post", path: "/api/admin/faults", summary: "Inject a fault (per facility or global).", tag: "admin", admin: true, request: S.FaultCreateRequest, responses: { 200: S.Fault, 400: E, 401: E } },
  clearFaults: { method: "delete", path: "/api/admin/faults", summary: "Remove every fault.", tag: "admin", admin: true, responses: { 200: S.OkResponse, 401: E } },
  removeFault: { method: "delete", path: "/api/admin/faults/:faultId", summary: "Remove one fault.", tag: "admin", admin: true, responses: { 200: S.OkResponse, 401: E, 404: E } },
  audit: {
    method: "get",
    path: "/api/admin/audit",
    summary: "The audit log (newest first; afterId pages forward). Query: limit, afterId, personId, medicalInstitutionCode, channel.",
    tag: "admin",
    admin: true,
    query: S.AuditQuery,
    responses: { 200: S.AuditList, 400: E, 401: E },
  },
  devices: { method: "get", path: "/api/admin/devices", summary: "Registered reader devices.", tag: "admin", admin: true, responses: { 200: S.DeviceList, 401: E } },
  registerDevice: {
    method: "post",
    path: "/api/admin/devices",
    summary: "Register (or replace) a reader device public key.",
    tag: "admin",
    admin: true,
    request: S.DeviceRegisterRequest,
    responses: { 200: S.Device, 400: E, 401: E },
  },
  revokeDevice: { method: "post", path: "/api/admin/devices/:deviceId/revoke", summary: "Revoke a reader device.", tag: "admin", admin: true, responses: { 200: S.Device, 401: E, 404: E } },
  reactivateDevice: {
    method: "post",
    path: "/api/admin/devices/:deviceId/reactivate",
    summary: "Reactivate a revoked reader device.",
    tag: "admin",
    admin: true,
    responses: { 200: S.Device, 401: E, 404: E },
  },
} as const satisfies Record<string, RouteDefinition>;

export type RouteName = keyof typeof API_ROUTES;

/** The schema's id in the OpenAPI document (apiSchemas), or the kind of a non-JSON body. */
export function bodyId(body: z.ZodType | OtherBody): string {
  if (typeof body === "string") return body;
  const id = S.apiSchemas.get(body)?.id;
  if (!id) throw new Error("a route's schema has no id in apiSchemas");
  return id;
}
