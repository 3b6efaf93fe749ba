/**
 * What a scenario expects, checked against what was seen: one `check` for every expectation (a value at a label,
 * compared as JSON), over a session view, a lookup's answer or a registration's answer. Each returns the few
 * words of what was observed and one line per unmet expectation.
 */
import type { LookupExpect, RegisterExpect, SessionExpect } from "@onshi-sim/scenarios";
import type { SessionView } from "@onshi-sim/agent/protocol";
import type { LookupAnswer, RegistrationAnswer, SessionObservation } from "./scenario-performer.js";

export interface StepOutcome {
  readonly observed: string;
  readonly failures: string[];
}

/** Adds a failure line when `expected` is given and `actual` is not the same (as JSON; undefined is null). */
export function check(failures: string[], label: string, actual: unknown, expected: unknown): void {
  if (expected !== undefined && !same(actual, expected)) failures.push(`${label}: expected ${show(expected)}, got ${show(actual)}`);
}

export function checkSession({ view, ack }: SessionObservation, e: SessionExpect | undefined): StepOutcome {
  const failures: string[] = [];
  const refused = ack && !ack.ok ? ack.error.code : undefined;
  const observed = describeView(view, refused);
  if (refused && e?.refused === undefined) failures.push(`the command was refused: ${refused}`);
  if (!e) return { observed, failures };
  if (e.refused !== undefined && refused !== e.refused) failures.push(`expected the command to be refused with ${e.refused}, it was ${refused ? `refused with ${refused}` : "accepted"}`);
  if (!view) {
    failures.push("no session view");
    return { observed, failures };
  }
  const r = view.result;
  const c = (label: string, actual: unknown, expected: unknown) => check(failures, label, actual, expected);
  c("phase", view.phase, e.phase);
  c("error", view.error?.code ?? null, e.error);
  c("serverCode", view.error?.serverCode ?? null, e.serverCode);
  c("retryable", view.error?.retryable ?? false, e.retryable);
  for (const m of e.offers ?? []) if (!view.methods.includes(m)) failures.push(`offers: ${m} is not offered (methods: ${view.methods.join(", ") || "none"})`);
  for (const m of e.withholds ?? []) if (view.methods.includes(m)) failures.push(`withholds: ${m} is offered`);
  c("pinState", view.pin?.state ?? null, e.pinState);
  c("pinTriesLeft", view.pin?.triesLeft ?? null, e.pinTriesLeft);
  c("faceOutcome", view.face?.lastOutcome ?? null, e.faceOutcome);
  c("validity", r?.validity ?? null, e.validity);
  c("processingResultCode", r?.processingResultCode ?? null, e.processingResultCode);
  c("usable", r?.usable ?? false, e.usable);
  const notices = r?.notices.map((n) => n.code) ?? [];
  for (const n of e.notices ?? []) if (!notices.includes(n)) failures.push(`notices: ${n} missing (notices: ${notices.join(", ") || "none"})`);
  c("consentFlow", view.consent?.flow ?? r?.consentFlow ?? null, e.consentFlow);
  c("comprehensiveOffered", view.consent?.comprehensiveOffered ?? null, e.comprehensiveOffered);
  const items = view.consent?.items.map((i) => i.item) ?? [];
  for (const i of e.consentItems ?? []) if (!items.includes(i)) failures.push(`consentItems: ${i} is not on the consent screens (${items.join(", ") || "no consent screen"})`);
  for (const i of e.consentItemsAbsent ?? []) if (items.includes(i)) failures.push(`consentItemsAbsent: ${i} is on the consent screens`);
  for (const x of e.consents ?? []) {
    const got = r?.consents.find((y) => y.item === x.item);
    if (!got || got.consented !== x.consented) failures.push(`consents: ${x.item} expected ${x.consented ? "consented" : "declined"}, got ${got ? (got.consented ? "consented" : "declined") : "nothing recorded"}`);
  }
  for (const [path, expected] of Object.entries(e.insured ?? {})) c(`insured.${path}`, at(r?.insured, path), expected);
  for (const [path, expected] of Object.entries(e.view ?? {})) c(path, at(view, path), expected);
  return { observed, failures };
}

export function checkLookup(answer: LookupAnswer, e: LookupExpect = {}): StepOutcome {
  const failures: string[] = [];
  if (!answer.response) {
    const observed = `HTTP ${answer.status}${answer.errorCode ? ` ${answer.errorCode}` : ""}`;
    if (e.httpStatus === undefined || e.httpStatus !== answer.status) failures.push(`the lookup answered ${observed}, not a result`);
    if (e.errorCode !== undefined && e.errorCode !== answer.errorCode) failures.push(`errorCode: expected ${show(e.errorCode)}, got ${show(answer.errorCode)}`);
    return { observed, failures };
  }
  const { XmlMsg: xml, simulator } = answer.response;
  const h = xml.MessageHeader;
  const b = xml.MessageBody;
  const rows = b.ResultList?.ResultOfQualificationConfirmation ?? [];
  const notices = simulator.notices.map((n) => n.code);
  const c = (label: string, actual: unknown, expected: unknown) => check(failures, label, actual, expected);
  c("httpStatus", answer.status, e.httpStatus);
  c("segmentOfResult", h.SegmentOfResult, e.segmentOfResult);
  c("errorCode", h.ErrorCode ?? null, e.errorCode);
  c("processingResultStatus", b.ProcessingResultStatus ?? null, e.processingResultStatus);
  c("processingResultCode", b.ProcessingResultCode ?? null, e.processingResultCode);
  c("validity", b.QualificationValidity ?? null, e.validity);
  c("usable", simulator.usable, e.usable);
  for (const n of e.notices ?? []) if (!notices.includes(n)) failures.push(`notices: ${n} missing (notices: ${notices.join(", ") || "none"})`);
  c("resultCount", rows.length, e.resultCount);
  c("referenceNumber", b.ReferenceNumber ?? null, e.referenceNumber);
  for (const [path, expected] of Object.entries(e.result ?? {})) c(`result.${path}`, at(rows[0], path), expected);
  const observed = [
    h.SegmentOfResult !== "1" ? `segment ${h.SegmentOfResult} ${h.ErrorCode ?? ""}`.trim() : undefined,
    b.QualificationValidity ? `validity ${b.QualificationValidity}` : undefined,
    b.ProcessingResultCode,
    simulator.usable ? "usable" : "not usable",
    rows.length > 1 ? `${rows.length} results` : undefined,
  ]
    .filter(Boolean)
    .join(" ");
  return { observed, failures };
}

/** Without an expectation, a registration is expected to succeed. */
export function checkRegistration(answer: RegistrationAnswer, e: RegisterExpect = { registered: true }): StepOutcome {
  const failures: string[] = [];
  const { registered, errorCode, status } = answer;
  if (e.registered !== undefined && e.registered !== registered) failures.push(`registered: expected ${e.registered}, got ${registered}${errorCode ? ` (${errorCode})` : ""}`);
  check(failures, "errorCode", errorCode, e.errorCode);
  check(failures, "httpStatus", status, e.httpStatus);
  return { observed: registered ? "registered" : `refused ${errorCode ?? `HTTP ${status}`}`, failures };
}

/** A few words about a view: phase, error, result. Never a PIN (views hold none). */
export function describeView(view: SessionView | undefined, refused?: string): string {
  if (refused) return `refused ${refused}`;
  if (!view) return "no session";
  const parts: string[] = [view.phase];
  if (view.error) parts.push(view.error.serverCode ? `${view.error.code} ${view.error.serverCode}` : view.error.code);
  if (view.phase === "choose-method") parts.push(`[${view.methods.join(",")}]`);
  if (view.result) {
    if (view.result.validity) parts.push(`validity ${view.result.validity}`);
    const codes = view.result.notices.map((n) => n.code);
    if (codes.length) parts.push(codes.join(","));
  }
  return parts.join(" ");
}

/** The value at a dotted path (array indexes as numbers). */
export function at(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const key of path.split(".")) {
    if (v === null || v === undefined || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function show(v: unknown): string {
  return v === undefined ? "nothing" : JSON.stringify(v);
}
