/**
 * The scenario file format: one JSON file per scenario in `fixtures/scenarios/<name>.json`. A scenario is a named
 * situation (a card, a person's insurance state on the mock server, a simulation date, faults) plus the expected
 * course of the reception, step by step, each step with narration (ja/en) and, where a rule applies, its citation —
 * so the same file runs headless (`onshi-sim scenario run`, `npm test`) and as a guided demo in the trainer console.
 *
 * Server-side contracts are reused, not copied: person actions are the admin API's `PersonAction`, faults its
 * `FaultCreateRequest`, lookups its `InsuranceQualificationRequest` (without the facility, which the runner adds).
 *
 * `loadScenarioFile` / `loadScenarios` fail with `ScenarioError` naming the file, the field path and the reason
 * (`fixtures/scenarios/x.json: steps.2.card: no card fixture "yamada-tar"`).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, relative } from "node:path";
import { z } from "zod";
import { CARD_PIN_PATTERN } from "@onshi-sim/apdu";
import { CARDS_DIR, FACES_DIR, FIXTURES_ROOT, INSURANCE_DIR } from "@onshi-sim/jpki-testkit";
import { FaultCreateRequest, InsuranceQualificationRequest, PersonAction } from "@onshi-sim/server/protocol";
import { CONSENT_ITEMS, SESSION_ERROR_CODES, SESSION_PHASES, type ConsentItem, type SessionPhase } from "@onshi-sim/agent/protocol";

/** Every SessionErrorCode; the agent owns the list (session-view.ts). Re-exported for scenario tooling. */
export { SESSION_ERROR_CODES };

export const SCENARIOS_DIR = join(FIXTURES_ROOT, "scenarios");

// ── vocabularies ────────────────────────────────────────────────────────────────────────────────────


const Phase = z.enum(SESSION_PHASES as [SessionPhase, ...SessionPhase[]]);
const ErrorCode = z.enum(SESSION_ERROR_CODES);
const Method = z.enum(["face", "pin", "visual"]);
const ConsentItemName = z.enum(CONSENT_ITEMS as [ConsentItem, ...ConsentItem[]]);
const ConsentFlow = z.enum(["since-2024-10-07", "before-2024-10-07"]);
const Validity = z.enum(["1", "2", "3", "4", "5", "6"]);
const ServerCode = z.string().regex(/^[A-Z]\d{3}$/, "a result code such as E131 or N102 (server/RESULT-CODES.md)");
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "not a calendar date");
const Text = z.string().trim().min(1, "must not be empty");
const JsonValue: z.ZodType<unknown> = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.lazy(() => JsonValue)), z.record(z.string(), z.lazy(() => JsonValue))]);
/** A dotted path into an object: `insured.limitApplicationBracket`, `ElderlyRecipientCertificateInfo.ElderlyRecipientContributionRatio`. */
const PathMap = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/, "a dotted path (a.b.0.c)"), JsonValue);

export const Localized = z.strictObject({ ja: Text, en: Text });
export type Localized = z.infer<typeof Localized>;

/**
 * Where a case or a rule comes from: a document anyone can look up — who issued it, its title, when (e.g.
 * 全国健康保険協会「資格情報のお知らせ」2024-06) and, if it is online, where — or a document of your own (a clinic's
 * manual, the project's docs/domain.md). Never a private id only one machine can open.
 */
export const SourceRef = z
  .strictObject({
    /** Who published it: an insurer, a municipality, a ministry, your clinic, or "onshi-sim" for this project's docs. */
    issuer: Text,
    title: Text,
    /** When it was issued or last dated: YYYY, YYYY-MM or YYYY-MM-DD. */
    date: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/, "a date YYYY, YYYY-MM or YYYY-MM-DD").optional(),
    url: z.url({ protocol: /^https?$/, error: "an http(s) URL" }).optional(),
    section: Text.optional(),
    /** A short quotation of the source's own words (Japanese for the insurers' leaflets). */
    quote: Text.max(400, "a short quotation (at most 400 characters)").optional(),
  })
  .refine((r) => !/^(seed-\d+|REFERENCE)$/i.test(r.title) && !/^(seed-\d+|REFERENCE)$/i.test(r.issuer), "name the document itself (issuer and title), not a private id");
export type SourceRef = z.infer<typeof SourceRef>;

/** The rule a step shows, in words a trainer can say, and where it is written. */
export const RuleCitation = z.strictObject({ ja: Text, en: Text, source: SourceRef });
export type RuleCitation = z.infer<typeof RuleCitation>;

// ── expectations ────────────────────────────────────────────────────────────────────────────────────

/** Checked against the session view once the step has settled (or the command's refusal). */
export const SessionExpect = z.strictObject({
  phase: Phase.optional(),
  /** The view's error (a notice while choosing, the reason when ended); null: none. */
  error: ErrorCode.nullable().optional(),
  /** The server's code behind the error (E115, S901, …); null: none. */
  serverCode: ServerCode.nullable().optional(),
  retryable: z.boolean().optional(),
  /** The command was refused with this code (nothing changed). */
  refused: ErrorCode.optional(),
  /** Methods that must be offered now / must not be. */
  offers: z.array(Method).optional(),
  withholds: z.array(Method).optional(),
  pinState: z.enum(["ready", "verified", "locked", "not-set", "unknown"]).optional(),
  pinTriesLeft: z.number().int().min(0).max(3).nullable().optional(),
  faceOutcome: z.enum(["match", "mismatch", "uncertain", "no-face"]).nullable().optional(),
  /** QualificationValidity of the result (null: no result / none in it). */
  validity: Validity.nullable().optional(),
  processingResultCode: ServerCode.nullable().optional(),
  usable: z.boolean().optional(),
  /** Notice codes that must all be among the result's notices. */
  notices: z.array(ServerCode).optional(),
  consentFlow: ConsentFlow.optional(),
  comprehensiveOffered: z.boolean().optional(),
  /** Consent items that must be on the consent screens / must not be. */
  consentItems: z.array(ConsentItemName).optional(),
  consentItemsAbsent: z.array(ConsentItemName).optional(),
  /** Consents that must have been recorded with these answers. */
  consents: z.array(z.strictObject({ item: ConsentItemName, consented: z.boolean() })).optional(),
  /** Fields of the insured person in the result (`InsuredSummary`, session-view.ts): dotted paths → values. */
  insured: PathMap.optional(),
  /** Anything else in the view: dotted paths from the SessionView root → values. */
  view: PathMap.optional(),
  /** The step took at least this long (a slow server). */
  minElapsedMs: z.number().int().min(0).optional(),
});
export type SessionExpect = z.infer<typeof SessionExpect>;

/** Checked against the insurance-number lookup's answer (`XmlMsg` + `simulator`). */
export const LookupExpect = z.strictObject({
  httpStatus: z.number().int().optional(),
  segmentOfResult: z.enum(["1", "2", "9"]).optional(),
  errorCode: z.string().nullable().optional(),
  processingResultStatus: z.enum(["1", "2"]).nullable().optional(),
  processingResultCode: ServerCode.nullable().optional(),
  validity: Validity.nullable().optional(),
  usable: z.boolean().optional(),
  notices: z.array(ServerCode).optional(),
  resultCount: z.number().int().min(0).optional(),
  /** Fields of the first ResultOfQualificationConfirmation: dotted paths → values (XML element names). */
  result: PathMap.optional(),
  /** The 照会番号 the result carries (null: none). */
  referenceNumber: z.string().nullable().optional(),
});
export type LookupExpect = z.infer<typeof LookupExpect>;

/** Checked against the answer of POST /api/v1/registrations (利用登録 at the reader). */
export const RegisterExpect = z.strictObject({
  registered: z.boolean().optional(),
  /** The refusal's code (E132 already registered, E1xx). */
  errorCode: ServerCode.nullable().optional(),
  httpStatus: z.number().int().optional(),
});
export type RegisterExpect = z.infer<typeof RegisterExpect>;

// ── steps ───────────────────────────────────────────────────────────────────────────────────────────

const CardId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a card fixture id (fixtures/cards/<id>.json)");
const PersonId = z.string().regex(/^P\d{4}$/, "a person id such as P0001 (fixtures/insurance/persons.json)");
const ServerScenarioName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a scenario name from fixtures/insurance/scenarios.json");
const PersonActionStep = z.strictObject({ personId: PersonId, action: PersonAction });

const common = {
  /** What happens and why, as the trainer console says it. */
  narration: Localized,
  rule: RuleCitation.optional(),
  /** How long the step may take (default 15 s). */
  timeoutMs: z.number().int().min(1).max(120_000).optional(),
};

/** Lookup request: the server's InsuranceQualificationRequest without the facility (the runner's). */
const LookupRequest = InsuranceQualificationRequest.omit({ medicalInstitutionCode: true });

/** A person by insurance numbers, as the レセコン has them (no birth date: 照会番号 and 薬剤・特定健診情報). */
const InsuranceNumbers = z.strictObject({
  insurerNumber: z.string().regex(/^\s{0,2}(\d{6}|\d{8})$/, "8 digits, or 6 for 国保"),
  insuredCardSymbol: z.string().max(38).optional(),
  insuredIdentificationNumber: z.string().min(1).max(38),
  insuredBranchNumber: z.string().regex(/^\d{2}$/).optional(),
});
const BulkPerson = InsuranceNumbers.extend({ birthdate: z.string().regex(/^\d{8}$/, "YYYYMMDD") });

export const Step = z.discriminatedUnion("do", [
  /** Place a fixture card on the reader; settles when the card is read (choose-method, or an error). */
  z.strictObject({ do: z.literal("insert"), card: CardId, ...common, expect: SessionExpect.optional() }),
  /** Take the card off the reader. */
  z.strictObject({ do: z.literal("remove"), ...common, expect: SessionExpect.optional() }),
  z.strictObject({ do: z.literal("choose"), method: Method, ...common, expect: SessionExpect.optional() }),
  /** Type a PIN (the patient, or a family member for them). Never printed. */
  z.strictObject({ do: z.literal("pin"), pin: z.string().regex(CARD_PIN_PATTERN, "4 digits"), ...common, expect: SessionExpect.optional() }),
  /** Show a camera frame: a file name in fixtures/faces (or a path). */
  z.strictObject({ do: z.literal("face"), image: Text, ...common, expect: SessionExpect.optional() }),
  /** Staff switch to 目視 (with the staff PIN the runner configured). */
  z.strictObject({ do: z.literal("visual"), ...common, expect: SessionExpect.optional() }),
  z.strictObject({
    do: z.literal("consent"),
    comprehensive: z.boolean().optional(),
    items: z.partialRecord(ConsentItemName, z.boolean()).optional(),
    ...common,
    expect: SessionExpect.optional(),
  }),
  z.strictObject({ do: z.literal("retry"), ...common, expect: SessionExpect.optional() }),
  z.strictObject({ do: z.literal("cancel"), ...common, expect: SessionExpect.optional() }),
  /** 保険証利用登録 at the reader after E131, in the session: 登録する / 登録しない, then 同意する / 同意しない. */
  z.strictObject({ do: z.literal("register-answer"), accept: z.boolean(), ...common, expect: SessionExpect.optional() }),
  /** Wait until the session reaches a phase. */
  z.strictObject({ do: z.literal("wait"), phase: z.union([Phase, z.array(Phase).min(1)]), ...common, expect: SessionExpect.optional() }),
  /** Narration only (what happens off the reader: the patient hands over a document, the reader breaks…). */
  z.strictObject({ do: z.literal("note"), ...common }),
  /** Trainer / insurer changes on the server mid-scenario. */
  z
    .strictObject({
      do: z.literal("admin"),
      fault: FaultCreateRequest.optional(),
      clearFaults: z.literal(true).optional(),
      personAction: PersonActionStep.optional(),
      serverScenario: ServerScenarioName.optional(),
      ...common,
    })
    .refine((s) => s.fault || s.clearFaults || s.personAction || s.serverScenario, "needs one of fault, clearFaults, personAction, serverScenario"),
  /** Staff look the patient up by insurance number (the レセコン's lookup), with the document presented. */
  z.strictObject({ do: z.literal("lookup"), request: LookupRequest, ...common, expect: LookupExpect.optional() }),
  // ── the smartphone マイナ保険証 (issue 14) ──
  /** スマホ on the start screen, then the phone kind; settles on "hold your phone" (or an error: no phone reader). */
  z.strictObject({ do: z.literal("phone"), os: z.enum(["android", "iphone"]), ...common, expect: SessionExpect.optional() }),
  /** Hold a virtual phone (fixtures/cards/phone-*.json) over the phone reader; settles when it is read. */
  z.strictObject({ do: z.literal("hold-phone"), phone: z.string().regex(/^phone-(android|iphone)(-[a-z0-9]+)+$/, "a phone fixture id"), ...common, expect: SessionExpect.optional() }),
  z.strictObject({ do: z.literal("remove-phone"), ...common, expect: SessionExpect.optional() }),
  /** The iPhone's owner authenticates on the phone (Face ID), or not (`authenticated: false`). */
  z.strictObject({ do: z.literal("owner-auth"), phone: z.string().regex(/^phone-iphone(-[a-z0-9]+)+$/, "an iPhone fixture id"), authenticated: z.boolean().default(true), ...common }),
  /** iPhone: 続ける after authenticating on the phone. */
  z.strictObject({ do: z.literal("phone-continue"), ...common, expect: SessionExpect.optional() }),
  z.strictObject({ do: z.literal("phone-retry"), ...common, expect: SessionExpect.optional() }),
  /** 保険証利用登録 at the reader: the card signs a nonce after its PIN (POST /api/v1/registrations). */
  z.strictObject({ do: z.literal("register"), card: CardId, pin: z.string().regex(CARD_PIN_PATTERN, "4 digits"), ...common, expect: RegisterExpect.optional() }),
  /** 一括照会 by the レセコン: OQSmuquc01 with these people (for `date`, default the scenario's), then OQSmuquc02 until no longer 処理中. */
  z.strictObject({
    do: z.literal("bulk-lookup"),
    people: z.array(BulkPerson).min(1).max(100),
    date: IsoDate.optional(),
    ...common,
    expect: z
      .strictObject({
        /** QualificationValidity of each BulkConfirmUnit, in request order ("-" for none). */
        validities: z.array(z.string()).optional(),
        sawProcessing: z.boolean().optional(),
        referenceNumbers: z.array(z.string()).optional(),
      })
      .optional(),
  }),
  /** 照会番号 registration by the レセコン (OQSsiimm01). */
  z.strictObject({
    do: z.literal("reference-number"),
    referenceNumber: z.string().min(1).max(50),
    person: InsuranceNumbers,
    ...common,
    expect: z.strictObject({ processingResultStatus: z.enum(["1", "2"]).optional(), processingResultCode: ServerCode.nullable().optional() }).optional(),
  }),
  /** The doctor asks for 薬剤情報 (YZKsiquc01) or 特定健診情報 (TKKsiquc01), as XML. */
  z.strictObject({
    do: z.literal("medical-info"),
    item: z.enum(["drugs", "checkups"]),
    person: InsuranceNumbers,
    ...common,
    expect: z
      .strictObject({
        available: z.boolean().optional(),
        /** The refusal's code: E501 no consent, E502 consent expired, E503 grace period. */
        errorCode: ServerCode.nullable().optional(),
        /** Drug names (DrugN) or checkup items (ItemName) that must be there. */
        contains: z.array(z.string()).optional(),
      })
      .optional(),
  }),
  /** Move the server's simulation clock (time passes: "the next day"); requests without a date are answered on it. */
  z.strictObject({ do: z.literal("clock"), date: IsoDate, ...common }),
]);
export type Step = z.infer<typeof Step>;
export type StepKind = Step["do"];

export const Setup = z.strictObject({
  /** Simulation date (Japan): every lookup, the certificate and document rules, and (own server) the server's today. */
  date: IsoDate.optional(),
  /** Consent screens: default by date (since-2024-10-07 from that day). */
  consentFlow: ConsentFlow.optional(),
  /** A named case of the server (fixtures/insurance/scenarios.json), applied after the reseed. */
  serverScenario: ServerScenarioName.optional(),
  /** Admin person actions, applied in order (give dates explicitly: the default is the server's today). */
  personActions: z.array(PersonActionStep).optional(),
  faults: z.array(FaultCreateRequest).optional(),
  /** The agent's timeout for each server call in this scenario (default 5000 ms). */
  requestTimeoutMs: z.number().int().min(100).max(60_000).optional(),
  /** false: this clinic has no phone reader (the trainer's switch); default true. */
  phoneReader: z.boolean().optional(),
});
export type Setup = z.infer<typeof Setup>;

export const Scenario = z.strictObject({
  /** Where an editor finds the JSON Schema of this file (./scenario.schema.json beside it). */
  $schema: z.string().optional(),
  $comment: z.string().optional(),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lower-case letters, digits and hyphens (the file is <name>.json)"),
  title: Localized,
  /** One or two sentences: the situation and what the trainee should see. */
  summary: Localized,
  /** The documents this case comes from: insurers' leaflets, docs/domain.md, your own. */
  source: z.array(SourceRef).min(1),
  tags: z.array(z.string().regex(/^[a-z0-9-]+$/)).optional(),
  setup: Setup.optional(),
  steps: z.array(Step).min(1),
});
export type Scenario = z.infer<typeof Scenario>;

// ── loading ─────────────────────────────────────────────────────────────────────────────────────────

export class ScenarioError extends Error {
  override name = "ScenarioError";
  constructor(
    readonly file: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${file}: ${path ? `${path}: ` : ""}${reason}`);
  }
}

/** Does a scenario need face verification (a face step)? The runner loads the face models only then. */
export function needsFace(scenario: Scenario): boolean {
  return scenario.steps.some((s) => s.do === "face");
}

const displayPath = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
};

interface KnownNames {
  readonly persons: ReadonlySet<string>;
  readonly serverScenarios: ReadonlySet<string>;
}

let known: KnownNames | undefined;
function knownNames(): KnownNames {
  if (known) return known;
  const read = (file: string): unknown => JSON.parse(readFileSync(join(INSURANCE_DIR, file), "utf8"));
  const persons = new Set(((read("persons.json") as { persons?: { personId: string }[] }).persons ?? []).map((p) => p.personId));
  const serverScenarios = new Set(((read("scenarios.json") as { scenarios?: { name: string }[] }).scenarios ?? []).map((s) => s.name));
  known = { persons, serverScenarios };
  return known;
}

/** Validates a parsed object; `file` names it in errors. Also checks that cards, faces, persons and server scenarios exist. */
export function parseScenario(raw: unknown, file: string): Scenario {
  const shown = displayPath(file);
  const parsed = Scenario.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ScenarioError(shown, issue ? issue.path.map(String).join(".") : "", issue?.message ?? "invalid");
  }
  const scenario = parsed.data;
  if (file.endsWith(".json") && basename(file) !== `${scenario.name}.json`) throw new ScenarioError(shown, "name", `must match the file name (${basename(file, ".json")})`);
  const names = knownNames();
  const checkPerson = (personId: string, path: string) => {
    if (!names.persons.has(personId)) throw new ScenarioError(shown, path, `no person ${JSON.stringify(personId)} in fixtures/insurance/persons.json`);
  };
  const checkServerScenario = (name: string, path: string) => {
    if (!names.serverScenarios.has(name)) throw new ScenarioError(shown, path, `no server scenario ${JSON.stringify(name)} in fixtures/insurance/scenarios.json`);
  };
  if (scenario.setup?.serverScenario) checkServerScenario(scenario.setup.serverScenario, "setup.serverScenario");
  scenario.setup?.personActions?.forEach((a, i) => checkPerson(a.personId, `setup.personActions.${i}.personId`));
  scenario.steps.forEach((step, i) => {
    if ((step.do === "insert" || step.do === "register") && !existsSync(join(CARDS_DIR, `${step.card}.json`)))
      throw new ScenarioError(shown, `steps.${i}.card`, `no card fixture ${JSON.stringify(step.card)} (fixtures/cards)`);
    if (step.do === "face" && !existsSync(faceImagePath(step.image)))
      throw new ScenarioError(shown, `steps.${i}.image`, `no image ${JSON.stringify(step.image)} (a file, or a name in fixtures/faces)`);
    if (step.do === "admin") {
      if (step.personAction) checkPerson(step.personAction.personId, `steps.${i}.personAction.personId`);
      if (step.serverScenario) checkServerScenario(step.serverScenario, `steps.${i}.serverScenario`);
    }
  });
  return scenario;
}

/** A camera frame's file: a path, or a name in fixtures/faces. */
export function faceImagePath(image: string): string {
  return isAbsolute(image) || image.includes("/") ? image : join(FACES_DIR, image);
}

export function loadScenarioFile(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new ScenarioError(displayPath(file), "", `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(displayPath(file), "", `not valid JSON: ${(e as Error).message}`);
  }
  return parseScenario(raw, file);
}

/** Every `*.json` in the folder (default fixtures/scenarios), sorted by name; names must be unique. */
export function loadScenarios(dir: string = SCENARIOS_DIR): Scenario[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json") && !f.endsWith(".schema.json")) // the JSON Schema beside them is not a scenario
    .sort();
  const scenarios = files.map((f) => loadScenarioFile(join(dir, f)));
  return scenarios;
}
