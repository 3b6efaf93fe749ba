/**
 * Request and response schemas of the HTTP API (the contract the agent and the kiosk use). Strict: unknown
 * fields fail. Each schema is registered with an id, which is its name in the OpenAPI document.
 */
import { z } from "zod";
import { isCompactDate, isCompactTimestamp } from "../time/jst.js";
import { QualificationResponse, SimulatorInfo, XmlMsg } from "../results/result-schema.js";

export const apiSchemas = z.registry<{ id: string; description?: string }>();
const named = <T extends z.ZodType>(schema: T, id: string, description?: string): T => {
  apiSchemas.add(schema, description ? { id, description } : { id });
  return schema;
};

export const MedicalInstitutionCode = z.string().regex(/^\d{10}$/, "10 digits (医療機関コード)");
export const CompactDateString = z.string().regex(/^\d{8}$/, "YYYYMMDD").refine(isCompactDate, "not a calendar date");
export const CompactTimestampString = z.string().regex(/^\d{14}$/, "YYYYMMDDHHmmss").refine(isCompactTimestamp, "not a valid time");
const Base64 = (max: number) => z.string().max(max).regex(/^[A-Za-z0-9+/]+={0,2}$/, "base64");
const NonceString = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "a nonce as issued (43 base64url characters)");
const SimulationDate = CompactDateString.describe("simulation date YYYYMMDD (default: today in Japan time)");
const ConsentFlow = z
  .enum(["since-2024-10-07", "before-2024-10-07"])
  .describe("kiosk consent flow; default by simulation date (before 2024-10-07: the old flow with a 限度額 consent)");
const FreeText = (max: number) => z.string().max(max).regex(/^[^\u0000-\u001f]*$/, "no control characters");

export const ErrorResponse = named(
  z.strictObject({
    error: z.strictObject({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
    }),
  }),
  "ErrorResponse",
);

export const HealthResponse = named(z.strictObject({ status: z.literal("ok"), version: z.string(), simulationDate: z.string() }), "HealthResponse");

export const NonceRequest = named(z.strictObject({ medicalInstitutionCode: MedicalInstitutionCode }), "NonceRequest");
export const NonceResponse = named(
  z.strictObject({
    nonce: z.string().describe("32 random bytes, base64url; sign its decoded bytes"),
    medicalInstitutionCode: MedicalInstitutionCode,
    expiresAt: z.string().describe("ISO 8601 instant"),
    ttlSeconds: z.number(),
  }),
  "NonceResponse",
);

export const DeviceAttestation = named(
  z.strictObject({
    deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    signature: Base64(1024).describe("device signature (base64) over deviceAttestationPayload()"),
  }),
  "DeviceAttestation",
);

export const CardQualificationRequest = named(
  z
    .strictObject({
      medicalInstitutionCode: MedicalInstitutionCode,
      nonce: NonceString,
      certificate: Base64(8192).describe("the card's user-auth certificate (EF 000A), DER, base64"),
      method: z.enum(["pin", "face", "visual"]).describe("pin 暗証番号, face 顔認証, visual 目視"),
      signature: Base64(1024).optional().describe("pin: RSA PKCS#1 v1.5 SHA-256 signature over the nonce's 32 bytes by the user-auth key"),
      deviceAttestation: DeviceAttestation.optional().describe("face/visual: the reader device's attestation"),
      simulationDate: SimulationDate.optional(),
      consentFlow: ConsentFlow.optional(),
      publicExpenseScreen: z
        .boolean()
        .optional()
        .describe("医療費助成 (PMH) screen: false = the municipality is not on PMH yet; default on from 2026-04-01 in the since-2024-10-07 flow"),
      arbitraryFileIdentifier: FreeText(64).optional(),
      referenceNumber: FreeText(40).optional(),
    })
    .superRefine((r, ctx) => {
      if (r.method === "pin") {
        if (!r.signature) ctx.addIssue({ code: "custom", path: ["signature"], message: "required when method is pin" });
        if (r.deviceAttestation) ctx.addIssue({ code: "custom", path: ["deviceAttestation"], message: "only for face or visual" });
      } else {
        if (!r.deviceAttestation) ctx.addIssue({ code: "custom", path: ["deviceAttestation"], message: `required when method is ${r.method}` });
        if (r.signature) ctx.addIssue({ code: "custom", path: ["signature"], message: "only for pin" });
      }
    }),
  "CardQualificationRequest",
);

export const PresentedDocument = z
  .enum(["shikaku-kakuninsho", "legacy-card", "oshirase-with-card", "mynaportal-with-card", "oshirase-only"])
  .describe("what the patient showed; omitted: a plain lookup by number (as a レセコン does)");

export const InsuranceQualificationRequest = named(
  z.strictObject({
    medicalInstitutionCode: MedicalInstitutionCode,
    insurerNumber: z.string().regex(/^( {2}\d{6}|\d{6}|\d{8})$/, "8 digits, or a 6-digit 国保 number (optionally left-padded with 2 spaces)"),
    insuredCardSymbol: FreeText(38).optional(),
    insuredIdentificationNumber: FreeText(38).min(1),
    insuredBranchNumber: z.string().regex(/^\d{2}$/, "2 digits").optional(),
    birthdate: CompactDateString,
    presentedDocument: PresentedDocument.optional(),
    cardReadFailure: z
      .enum(["reader-broken", "no-reader", "card-unreadable", "system-down"])
      .optional()
      .describe("why the card cannot be read online (needed for お知らせ/マイナポータル + card)"),
    limitApplicationConsent: z.boolean().optional().describe("the patient asked for 限度額 information (LimitApplicationCertificateRelatedConsFlg 1)"),
    specificDiseasesConsent: z.boolean().optional(),
    simulationDate: SimulationDate.optional(),
    arbitraryFileIdentifier: FreeText(64).optional(),
    referenceNumber: FreeText(40).optional(),
  }),
  "InsuranceQualificationRequest",
);

named(QualificationResponse, "QualificationResponse", "XmlMsg (the interface's shape) and what the simulator adds beside it");
named(XmlMsg, "XmlMsg");
named(SimulatorInfo, "SimulatorInfo");

export const RegistrationRequest = named(
  z.strictObject({
    medicalInstitutionCode: MedicalInstitutionCode,
    nonce: NonceString,
    certificate: Base64(8192),
    signature: Base64(1024).describe("PIN path only: the card's signature over the nonce"),
    simulationDate: SimulationDate.optional(),
  }),
  "RegistrationRequest",
);
export const RegistrationResponse = named(
  z.strictObject({ registered: z.literal(true), certificateSerial: z.string(), registeredAt: CompactTimestampString }),
  "RegistrationResponse",
);

const ConsentItems = z.strictObject({
  diagnosis: z.boolean().optional().describe("診療情報"),
  pharmacists: z.boolean().optional().describe("薬剤情報"),
  specificHealthCheckups: z.boolean().optional().describe("特定健診情報"),
  operation: z.boolean().optional().describe("手術情報"),
  limitApplication: z.boolean().optional().describe("限度額情報 (before-2024-10-07 flow only)"),
  specificDiseases: z.boolean().optional().describe("特定疾病療養受療証情報"),
  publicExpense: z.boolean().optional().describe("医療費助成の各種受給者証 (PMH): 提供する / 提供しない (only when the confirmation offered it)"),
});

export const ConsentRequest = named(
  z.strictObject({
    confirmationId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    comprehensive: z.boolean().optional().describe("包括同意: all four information items (since-2024-10-07 flow only)"),
    items: ConsentItems.optional().describe("per-item answers; override comprehensive for the items given"),
  }),
  "ConsentRequest",
);
export const ConsentRecord = z.strictObject({
  item: z.enum(["diagnosis", "pharmacists", "specificHealthCheckups", "operation", "limitApplication", "specificDiseases", "publicExpense"]),
  ConsFlg: z.enum(["0", "1"]),
  ConsTime: z.string(),
  AvailableTime: z.string().optional(),
});
export const ConsentResponse = named(
  z.strictObject({ confirmationId: z.string(), consentFlow: ConsentFlow, recorded: z.array(ConsentRecord) }),
  "ConsentResponse",
);

export const SessionCompleteRequest = named(z.strictObject({ confirmationId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/) }), "SessionCompleteRequest");
export const SessionCompleteResponse = named(
  z.strictObject({ confirmationId: z.string(), faceFile: z.string().describe("file name written into the face folder"), XmlMsg, simulator: SimulatorInfo }),
  "SessionCompleteResponse",
);

// Admin
export const FaultKind = z.enum(["latency", "timeout", "maintenance", "segment9"]);
export const FaultCreateRequest = named(
  z.strictObject({
    medicalInstitutionCode: MedicalInstitutionCode.nullable().optional().describe("omitted or null: every facility"),
    kind: FaultKind.describe("latency: delay then answer; timeout: hold the connection delayMs then drop it; maintenance: 503; segment9: SegmentOfResult 9"),
    delayMs: z.number().int().min(0).max(600_000).optional().describe("latency/timeout (default 1000 / 30000)"),
    count: z.number().int().min(1).max(1_000_000).optional().describe("applies to this many requests, then disappears"),
    errorCode: z.string().regex(/^[A-Za-z0-9]{1,16}$/).optional().describe("segment9: ErrorCode (default S902)"),
    errorMessage: FreeText(200).optional(),
  }),
  "FaultCreateRequest",
);
export const Fault = named(
  z.strictObject({
    faultId: z.number(),
    medicalInstitutionCode: z.string().nullable(),
    kind: FaultKind,
    delayMs: z.number().nullable(),
    remaining: z.number().nullable(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    createdAt: z.string(),
  }),
  "Fault",
);
export const FaultList = named(z.strictObject({ faults: z.array(Fault) }), "FaultList");

export const PersonAction = named(
  z.discriminatedUnion("action", [
    z.strictObject({
      action: z.literal("lose-qualification"),
      qualificationId: z.string().optional().describe("default: every active qualification"),
      disqualificationDate: CompactDateString.optional().describe("資格喪失日 (default: the simulation date)"),
      reasonOfLoss: z.enum(["01", "02", "03", "99"]).default("99"),
    }),
    z.strictObject({
      action: z.literal("gain-qualification"),
      qualificationId: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
      insurerNumber: z.string().regex(/^(\d{6}|\d{8})$/),
      insuredCardClassification: z.enum(["01", "02", "03", "04", "05", "06", "07"]).default("01"),
      insuredCardSymbol: FreeText(38).optional(),
      insuredIdentificationNumber: FreeText(38).min(1),
      insuredBranchNumber: z.string().regex(/^\d{2}$/).optional(),
      personalFamilyClassification: z.enum(["1", "2"]).default("1"),
      insuredName: FreeText(80).optional(),
      qualificationDate: CompactDateString.optional().describe("default: the simulation date"),
      partialContributionRatio: z.enum(["010", "020", "030"]).default("030"),
      myNumberLinked: z.boolean().default(true),
      endCurrent: z.boolean().default(true).describe("true: the active qualifications end the day the new one starts (ReasonOfLoss 03); false: both stay active (複数該当)"),
    }),
    z.strictObject({ action: z.literal("suspend-card"), certificateSerial: z.string().optional() }),
    z.strictObject({ action: z.literal("revoke-card"), certificateSerial: z.string().optional() }),
    z.strictObject({ action: z.literal("reactivate-card"), certificateSerial: z.string().optional() }),
    z.strictObject({ action: z.literal("unregister-card"), certificateSerial: z.string().optional() }),
    z.strictObject({ action: z.literal("unlink-my-number") }),
    z.strictObject({ action: z.literal("link-my-number") }),
    z.strictObject({ action: z.literal("restore") }),
    z.strictObject({
      action: z.literal("register-medical-ticket"),
      medicalInstitutionCode: MedicalInstitutionCode.describe("指定医療機関: the ticket is for this facility (DesignatedMedicalInstitutionFlag 0 there)"),
      month: z.string().regex(/^\d{4}(0[1-9]|1[0-2])$/, "yyyyMM").optional().describe("MedicalTreatmentMonth (default: the simulation month)"),
      ticketType: z.enum(["01", "02"]).default("01").describe("01 医療券, 02 調剤券"),
      selfPayAmount: z.number().int().min(0).max(1_000_000).default(0),
    }).describe("医療扶助: the 福祉事務所 registers the month's ticket (validity 6 → 1)"),
    z.strictObject({ action: z.literal("request-kakuninsho") }).describe("後期高齢者: applies for a 資格確認書 (issued from 2026-08-01 whatever the age)"),
  ]),
  "PersonAction",
);

export const PersonState = named(
  z.strictObject({
    personId: z.string(),
    name: z.string(),
    nameKana: z.string(),
    birthdate: z.string(),
    sex: z.string(),
    note: z.string().nullable(),
    qualifications: z.array(
      z.strictObject({
        qualificationId: z.string(),
        insurerNumber: z.string(),
        insurerName: z.string(),
        insuredCardSymbol: z.string().nullable(),
        insuredIdentificationNumber: z.string(),
        insuredBranchNumber: z.string().nullable(),
        personalFamilyClassification: z.string(),
        qualificationDate: z.string(),
        disqualificationDate: z.string().nullable(),
        reasonOfLoss: z.string().nullable(),
        myNumberLinked: z.boolean(),
        origin: z.string(),
        documents: z.array(z.strictObject({ documentId: z.string(), kind: z.string(), issuedOn: z.string(), validUntil: z.string().nullable(), status: z.string() })),
      }),
    ),
    cards: z.array(
      z.strictObject({
        certificateSerial: z.string(),
        cardFixtureId: z.string().nullable(),
        cardExpiresOn: z.string().nullable(),
        registeredForInsurance: z.boolean(),
        status: z.string(),
        tokenKind: z.enum(["card", "android", "iphone"]).describe("the card itself, or a phone's own certificate linked to the same person"),
      }),
    ),
    cardPathValidityToday: z.string().describe("QualificationValidity the card path gives on today's date"),
  }),
  "PersonState",
);
export const ScenarioList = named(
  z.strictObject({ scenarios: z.array(z.strictObject({ name: z.string(), description: z.string(), steps: z.number() })) }),
  "ScenarioList",
);
/**
 * Optional body of POST /api/admin/scenarios/:name: the day the scenario's actions call "today" (資格喪失日,
 * 資格取得日). The trainer console sends its simulation date, so "left today" means the class's day, not the real one.
 */
export const ScenarioApplyRequest = named(z.strictObject({ simulationDate: SimulationDate.optional() }), "ScenarioApplyRequest");
export type ScenarioApplyRequest = z.infer<typeof ScenarioApplyRequest>;
export const ScenarioApplied = named(z.strictObject({ scenario: z.string(), persons: z.array(PersonState) }), "ScenarioApplied");

export const PersonList = named(z.strictObject({ persons: z.array(PersonState) }), "PersonList");

export const AuditQuery = named(z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  afterId: z.coerce.number().int().min(0).optional(),
  personId: z.string().max(16).optional(),
  medicalInstitutionCode: MedicalInstitutionCode.optional(),
  channel: z.string().max(32).optional(),
}), "AuditQuery");
export const AuditEntry = named(
  z.strictObject({
    auditId: z.number(),
    at: z.string(),
    channel: z.string(),
    medicalInstitutionCode: z.string().nullable(),
    referenceClassification: z.string().nullable(),
    method: z.string().nullable(),
    personId: z.string().nullable(),
    certificateSerial: z.string().nullable(),
    simulationDate: z.string().nullable(),
    segmentOfResult: z.string().nullable(),
    processingResultStatus: z.string().nullable(),
    qualificationValidity: z.string().nullable(),
    code: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  }),
  "AuditEntry",
);
export const AuditList = named(z.strictObject({ entries: z.array(AuditEntry) }), "AuditList");

export const ReseedResponse = named(
  z.strictObject({
    reseeded: z.literal(true),
    summary: z.strictObject({ insurers: z.number(), persons: z.number(), qualifications: z.number(), documents: z.number(), cardLinks: z.number(), devices: z.number() }),
    warnings: z.array(z.string()),
  }),
  "ReseedResponse",
);

export const DeviceRegisterRequest = named(
  z.strictObject({
    deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    publicKeyPem: z.string().max(4096).regex(/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/, "an SPKI PEM public key"),
    medicalInstitutionCode: MedicalInstitutionCode.nullable().optional(),
    description: FreeText(200).optional(),
  }),
  "DeviceRegisterRequest",
);
export const Device = named(
  z.strictObject({ deviceId: z.string(), medicalInstitutionCode: z.string().nullable(), status: z.enum(["active", "revoked"]), description: z.string().nullable() }),
  "Device",
);
export const DeviceList = named(z.strictObject({ devices: z.array(Device) }), "DeviceList");

export const OkResponse = named(z.strictObject({ ok: z.literal(true) }), "OkResponse");

export type CardQualificationRequest = z.infer<typeof CardQualificationRequest>;
export type InsuranceQualificationRequest = z.infer<typeof InsuranceQualificationRequest>;
export type RegistrationRequest = z.infer<typeof RegistrationRequest>;
export type ConsentRequest = z.infer<typeof ConsentRequest>;
export type FaultCreateRequest = z.infer<typeof FaultCreateRequest>;
export type PersonAction = z.infer<typeof PersonAction>;
export type AuditQuery = z.infer<typeof AuditQuery>;
export type Fault = z.infer<typeof Fault>;
export type AuditEntry = z.infer<typeof AuditEntry>;
export type PersonState = z.infer<typeof PersonState>;
