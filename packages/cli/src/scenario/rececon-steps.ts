/**
 * The レセコン's steps of a scenario, over the server's XML interface (POST /api/xml/<kind>, the file interface's
 * documents): 一括照会 (OQSmuquc01, then OQSmuquc02 asked again while 処理中), 照会番号 registration (OQSsiimm01),
 * 薬剤情報 / 特定健診情報 (YZKsiquc01 / TKKsiquc01), and moving the server's simulation clock. Performed the same
 * way whichever performer plays the kiosk; checked here too (expectations of their own).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Step } from "@onshi-sim/scenarios";
import type { StepOutcome } from "./expectations.js";
import { StepFailure } from "./scenario-performer.js";

type BulkStep = Extract<Step, { do: "bulk-lookup" }>;
type ReferenceStep = Extract<Step, { do: "reference-number" }>;
type MedicalInfoStep = Extract<Step, { do: "medical-info" }>;
type Numbers = ReferenceStep["person"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const el = (name: string, v: string | undefined) => (v === undefined ? "" : `<${name}>${esc(v)}</${name}>`);
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
const tags = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, "g"))].map((m) => m[1]!);
const doc = (header: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<XmlMsg><MessageHeader>${header}</MessageHeader><MessageBody>${body}</MessageBody></XmlMsg>`;
const POLL_MS = 250;

export class RececonSteps {
  constructor(
    private readonly serverUrl: string,
    private readonly facility: string,
  ) {}

  async #post(kind: string, xml: string, timeoutMs: number): Promise<string> {
    const res = await fetch(new URL(`/api/xml/${kind}`, this.serverUrl), { method: "POST", headers: { "content-type": "application/xml" }, body: xml, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    if (res.status >= 500 || (res.status >= 400 && !text.startsWith("<?xml"))) throw new StepFailure(`${kind}: HTTP ${res.status} ${text.slice(0, 200)}`);
    return text;
  }

  /** 01 in, then 02 again until it is no longer 処理中 (as clients poll); the units and how often 処理中 was seen. */
  async bulk(step: BulkStep, simulationDate: string | undefined, timeoutMs: number): Promise<StepOutcome> {
    const end = Date.now() + timeoutMs;
    const infos = step.people
      .map(
        (p, i) =>
          `<QualificationConfirmSearchInfo>${el("InsurerNumber", p.insurerNumber)}${el("InsuredCardSymbol", p.insuredCardSymbol)}${el("InsuredIdentificationNumber", p.insuredIdentificationNumber)}${el("InsuredBranchNumber", p.insuredBranchNumber)}${el("Birthdate", p.birthdate)}${el("ArbitraryIdentifier", String(i + 1))}</QualificationConfirmSearchInfo>`,
      )
      .join("");
    const r1 = await this.#post("OQSmuquc01", doc(`${el("QualificationConfirmationDate", step.date?.replaceAll("-", "") ?? simulationDate)}${el("MedicalInstitutionCode", this.facility)}`, infos), timeoutMs);
    const number = tag(r1, "ReceptionNumber");
    if (!number) return { observed: `01res SegmentOfResult ${tag(r1, "SegmentOfResult")} ${tag(r1, "ErrorCode") ?? ""}`, failures: ["no ReceptionNumber in OQSmuquc01res"] };
    let processing = 0;
    let r2 = "";
    for (;;) {
      r2 = await this.#post("OQSmuquc02", doc(el("MedicalInstitutionCode", this.facility), el("ReceptionNumber", number)), Math.max(1000, end - Date.now()));
      if (tag(r2, "SegmentOfResult") !== "2") break;
      processing++;
      if (Date.now() + POLL_MS > end) throw new StepFailure(`still 処理中 after ${processing} polls`);
      await sleep(POLL_MS);
    }
    const validities = [...r2.matchAll(/<BulkConfirmUnit>([\s\S]*?)<\/BulkConfirmUnit>/g)].map((m) => tag(m[1]!, "QualificationValidity") ?? "-");
    const observed = `ReceptionNumber ${number}, 処理中 ×${processing}, SegmentOfResult ${tag(r2, "SegmentOfResult")}, validity ${validities.join(" ")}`;
    const failures: string[] = [];
    const e = step.expect ?? {};
    if (tag(r2, "SegmentOfResult") !== "1") failures.push(`OQSmuquc02res SegmentOfResult ${tag(r2, "SegmentOfResult")} (${tag(r2, "ErrorCode") ?? ""})`);
    if (e.validities && validities.join(",") !== e.validities.join(",")) failures.push(`validities: expected ${e.validities.join(" ")}, got ${validities.join(" ")}`);
    if (e.sawProcessing !== undefined && e.sawProcessing !== processing > 0) failures.push(`処理中: expected ${e.sawProcessing ? "at least once" : "never"}, seen ${processing}×`);
    if (e.referenceNumbers && tags(r2, "ReferenceNumber").join(",") !== e.referenceNumbers.join(",")) failures.push(`ReferenceNumber: expected ${e.referenceNumbers.join(" ")}, got ${tags(r2, "ReferenceNumber").join(" ") || "none"}`);
    return { observed, failures };
  }

  async reference(step: ReferenceStep, timeoutMs: number): Promise<StepOutcome> {
    const p = step.person;
    const res = await this.#post(
      "OQSsiimm01",
      doc(el("MedicalInstitutionCode", this.facility), `<ReferenceNumberRegistrationInfo>${el("ReferenceNumber", step.referenceNumber)}${numbers(p)}</ReferenceNumberRegistrationInfo>`),
      timeoutMs,
    );
    const status = tag(res, "ProcessingResultStatus");
    const code = tag(res, "ProcessingResultCode") ?? null;
    const failures: string[] = [];
    const e = step.expect ?? {};
    if (e.processingResultStatus !== undefined && e.processingResultStatus !== status) failures.push(`ProcessingResultStatus: expected ${e.processingResultStatus}, got ${status}`);
    if (e.processingResultCode !== undefined && e.processingResultCode !== code) failures.push(`ProcessingResultCode: expected ${e.processingResultCode}, got ${code}`);
    return { observed: `ProcessingResultStatus ${status}${code ? ` ${code}` : ""}`, failures };
  }

  async medicalInfo(step: MedicalInfoStep, timeoutMs: number): Promise<StepOutcome> {
    const kind = step.item === "drugs" ? "YZKsiquc01" : "TKKsiquc01";
    const p = step.person;
    const header = `${el("MedicalInstitutionCode", this.facility)}${el("InsurerNumber", p.insurerNumber)}${el("InsuranceCardSymbol", p.insuredCardSymbol)}${el("InsuredPersonIdentificationNumber", p.insuredIdentificationNumber)}${el("BranchNumber", p.insuredBranchNumber)}`;
    const res = await this.#post(kind, doc(header, `${el("FileCategory", "2")}${el("PrDiInfClassification", "1")}`), timeoutMs);
    const ok = tag(res, "ResultCode") === "1";
    const code = tag(res, "ErrorCode") ?? null;
    const names = tags(res, step.item === "drugs" ? "DrugN" : "ItemName");
    const failures: string[] = [];
    const e = step.expect ?? {};
    if (e.available !== undefined && e.available !== ok) failures.push(`available: expected ${e.available}, got ${ok}${code ? ` (${code})` : ""}`);
    if (e.errorCode !== undefined && e.errorCode !== code) failures.push(`ErrorCode: expected ${e.errorCode}, got ${code}`);
    for (const want of e.contains ?? []) if (!names.includes(want)) failures.push(`expected ${JSON.stringify(want)} among ${names.length} records`);
    return { observed: ok ? `ResultCode 1, ${names.length} ${step.item === "drugs" ? "drugs" : "items"}` : `ResultCode ${tag(res, "ResultCode")} ${code ?? ""}`, failures };
  }
}

function numbers(p: Numbers): string {
  return `${el("InsurerNumber", p.insurerNumber)}${el("InsuredCardSymbol", p.insuredCardSymbol)}${el("InsuredIdentificationNumber", p.insuredIdentificationNumber)}${el("InsuredBranchNumber", p.insuredBranchNumber)}`;
}
