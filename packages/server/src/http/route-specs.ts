/** Every HTTP route with its schemas: the single list the OpenAPI document and the docs page are made from. */
export interface RouteSpec {
  readonly method: "get" | "post" | "put" | "delete";
  readonly path: string; // express syntax (:param)
  readonly summary: string;
  readonly tag: "lookup" | "kiosk" | "xml" | "admin" | "meta";
  readonly request?: string; // schema id in the registry, or "xml"
  readonly query?: string;
  readonly responses: Readonly<Record<number, string>>; // status → schema id ("xml" for XML bodies)
  readonly admin?: boolean;
}

const errors = { 400: "ErrorResponse", 413: "ErrorResponse", 415: "ErrorResponse", 503: "ErrorResponse" } as const;

export const ROUTES: readonly RouteSpec[] = [
  { method: "get", path: "/api/health", summary: "Liveness and the server's default simulation date (today, Japan time).", tag: "meta", responses: { 200: "HealthResponse" } },
  { method: "post", path: "/api/v1/nonces", summary: "Issue a single-use nonce bound to a facility (card path step 1); 429 R012 when the facility holds its share.", tag: "lookup", request: "NonceRequest", responses: { 200: "NonceResponse", ...errors, 429: "ErrorResponse" } },
  {
    method: "post",
    path: "/api/v1/qualifications/card",
    summary: "Card path (ReferenceClassification 1): PIN signature or device attestation over the nonce, then the qualification lookup.",
    tag: "lookup",
    request: "CardQualificationRequest",
    responses: { 200: "QualificationResponse", ...errors },
  },
  {
    method: "post",
    path: "/api/v1/qualifications/insurance",
    summary: "Insurance-number path (ReferenceClassification 2), with the document presented and the date rules.",
    tag: "lookup",
    request: "InsuranceQualificationRequest",
    responses: { 200: "QualificationResponse", ...errors },
  },
  { method: "post", path: "/api/v1/registrations", summary: "保険証利用登録 at the reader (PIN-signed nonce).", tag: "kiosk", request: "RegistrationRequest", responses: { 200: "RegistrationResponse", 403: "ErrorResponse", 409: "ErrorResponse", ...errors } },
  { method: "post", path: "/api/v1/consents", summary: "Record the kiosk's consent answers for a confirmation.", tag: "kiosk", request: "ConsentRequest", responses: { 200: "ConsentResponse", 404: "ErrorResponse", 409: "ErrorResponse", ...errors } },
  {
    method: "post",
    path: "/api/v1/sessions/complete",
    summary: "Complete a kiosk session: re-lookup with the consents and write OQSsiquc01res_face_*.xml into the face folder.",
    tag: "kiosk",
    request: "SessionCompleteRequest",
    responses: { 200: "SessionCompleteResponse", 404: "ErrorResponse", 409: "ErrorResponse", ...errors },
  },
  {
    method: "post",
    path: "/api/v1/medical-info",
    summary: "What the doctor can see now: the patient's 薬剤情報 and 特定健診情報 at this facility, each only with a current consent (else the reason code).",
    tag: "lookup",
    request: "MedicalInfoRequest",
    responses: { 200: "MedicalInfoResponse", ...errors },
  },
  { method: "post", path: "/api/xml/OQSsiquc01", summary: "The file interface over HTTP: an OQSsiquc01req XML in, the OQSsiquc01res XML out.", tag: "xml", request: "xml", responses: { 200: "xml", 400: "xml", 503: "xml", 415: "ErrorResponse", 413: "ErrorResponse" } },
  {
    method: "post",
    path: "/api/xml/:kind",
    summary: "The other レセコン file interfaces over HTTP, kind = OQSmuquc01, OQSmuquc02 (一括照会), OQSsiimm01, OQSmuimm01, OQSmuimm02 (照会番号), YZKsiquc01 (薬剤情報), TKKsiquc01 (特定健診情報): the request XML in, the answer out (XML, or application/pdf for FileCategory 1/3).",
    tag: "xml",
    request: "xml",
    responses: { 200: "xml", 400: "xml", 404: "ErrorResponse", 415: "ErrorResponse", 413: "ErrorResponse" },
  },
  { method: "get", path: "/api/docs", summary: "This API as an HTML page.", tag: "meta", responses: { 200: "html" } },
  { method: "get", path: "/api/docs/openapi.json", summary: "OpenAPI 3.1 document generated from the zod schemas.", tag: "meta", responses: { 200: "json" } },
  { method: "post", path: "/api/admin/reseed", summary: "Reload the seed from fixtures and replace all people, cards, devices, consents and faults.", tag: "admin", admin: true, responses: { 200: "ReseedResponse", 401: "ErrorResponse" } },
  { method: "get", path: "/api/admin/persons", summary: "Every person with qualifications, documents and cards.", tag: "admin", admin: true, responses: { 200: "PersonList", 401: "ErrorResponse" } },
  { method: "get", path: "/api/admin/persons/:personId", summary: "One person's state.", tag: "admin", admin: true, responses: { 200: "PersonState", 401: "ErrorResponse", 404: "ErrorResponse" } },
  {
    method: "post",
    path: "/api/admin/persons/:personId/actions",
    summary: "Switch a person's state: lose/gain a qualification, suspend/revoke/reactivate/unregister a card, (un)link the マイナンバー, restore.",
    tag: "admin",
    admin: true,
    request: "PersonAction",
    responses: { 200: "PersonState", 400: "ErrorResponse", 401: "ErrorResponse", 404: "ErrorResponse", 409: "ErrorResponse" },
  },
  { method: "get", path: "/api/admin/scenarios", summary: "Named scenarios from fixtures/insurance/scenarios.json.", tag: "admin", admin: true, responses: { 200: "ScenarioList", 401: "ErrorResponse" } },
  {
    method: "post",
    path: "/api/admin/scenarios/:name",
    summary: "Apply a named scenario (e.g. card-lost, left-job, job-change); POST /api/admin/reseed undoes it.",
    tag: "admin",
    admin: true,
    responses: { 200: "ScenarioApplied", 401: "ErrorResponse", 404: "ErrorResponse", 409: "ErrorResponse" },
  },
  { method: "get", path: "/api/admin/clock", summary: "The server's simulation clock: the date requests without one are answered on.", tag: "admin", admin: true, responses: { 200: "ClockResponse", 401: "ErrorResponse" } },
  {
    method: "put",
    path: "/api/admin/clock",
    summary: "Set the simulation date ({\"date\":\"YYYYMMDD\"}) or go back to real time ({\"date\":null}); kept in the database.",
    tag: "admin",
    admin: true,
    request: "ClockSetRequest",
    responses: { 200: "ClockResponse", 400: "ErrorResponse", 401: "ErrorResponse", 415: "ErrorResponse" },
  },
  { method: "get", path: "/api/admin/faults", summary: "Active faults.", tag: "admin", admin: true, responses: { 200: "FaultList", 401: "ErrorResponse" } },
  { method: "post", path: "/api/admin/faults", summary: "Inject a fault (per facility or global).", tag: "admin", admin: true, request: "FaultCreateRequest", responses: { 200: "Fault", 400: "ErrorResponse", 401: "ErrorResponse" } },
  { method: "delete", path: "/api/admin/faults", summary: "Remove every fault.", tag: "admin", admin: true, responses: { 200: "OkResponse", 401: "ErrorResponse" } },
  { method: "delete", path: "/api/admin/faults/:faultId", summary: "Remove one fault.", tag: "admin", admin: true, responses: { 200: "OkResponse", 401: "ErrorResponse", 404: "ErrorResponse" } },
  { method: "get", path: "/api/admin/audit", summary: "The audit log (newest first; afterId pages forward). Query: limit, afterId, personId, medicalInstitutionCode, channel.", tag: "admin", admin: true, query: "AuditQuery", responses: { 200: "AuditList", 400: "ErrorResponse", 401: "ErrorResponse" } },
  { method: "get", path: "/api/admin/devices", summary: "Registered reader devices.", tag: "admin", admin: true, responses: { 200: "DeviceList", 401: "ErrorResponse" } },
  { method: "post", path: "/api/admin/devices", summary: "Register (or replace) a reader device public key.", tag: "admin", admin: true, request: "DeviceRegisterRequest", responses: { 200: "Device", 400: "ErrorResponse", 401: "ErrorResponse" } },
  { method: "post", path: "/api/admin/devices/:deviceId/revoke", summary: "Revoke a reader device.", tag: "admin", admin: true, responses: { 200: "Device", 401: "ErrorResponse", 404: "ErrorResponse" } },
  { method: "post", path: "/api/admin/devices/:deviceId/reactivate", summary: "Reactivate a revoked reader device.", tag: "admin", admin: true, responses: { 200: "Device", 401: "ErrorResponse", 404: "ErrorResponse" } },
];
