/**
 * /reception: the receptionist's screen. Sessions at each reader now, the results of finished ones (資格有効 /
 * 無効 / なし, 記号・番号・枝番, 保険者, 負担割合, 高齢受給者, 限度額, consents), the staff 目視 switch (staff PIN,
 * sent to the agent only), and manual lookups by insurance number through the server's HTTP API (資格確認書,
 * 資格情報のお知らせ, legacy card), and under a usable result what the doctor can see now (薬剤・特定健診情報 behind
 * consent, doctor-view.tsx). Results live in this page's memory only.
 */
import { useEffect, useState } from "preact/hooks";
import type { QualificationSummary, SessionView } from "@onshi-sim/agent/protocol";
import { createServerClient, ServerApiError, type InsuranceQualificationRequest, type QualificationResponse } from "@onshi-sim/server/protocol";

/** The server's API through this page's own /api proxy (same origin). */
const server = createServerClient({ baseUrl: location.origin });
import {
  CARD_READ_FAILURE_NAMES,
  CONSENT_FLOW_NAMES,
  CONSENT_ITEM_SHORT,
  contributionLabel,
  errorText,
  errorWords,
  joinTexts,
  labelOf,
  METHOD_NAMES,
  PERSONAL_FAMILY_LABELS,
  PHASE_NAMES,
  PRESENTED_DOCUMENT_NAMES,
  promptFor,
  RECEPTION as W,
  SEX_LABELS,
  validityLabel,
} from "@onshi-sim/texts";
import type { AgentConnection, AgentState, UiConfig } from "./agent-client.js";
import { DoctorView } from "./doctor-view.js";
import { BenefitRows } from "./reception-benefits.js";

/** 1 → 資格有効, 2/3 → 資格無効, 4 → 資格情報なし, 5 → 複数該当. */
export function validityBadge(validity: string | null | undefined) {
  const kind = validity === "1" ? "badge-ok" : validity === "4" || validity === "5" ? "badge-none" : "badge-bad";
  return <span class={`badge ${kind}`}>{validityLabel(validity).ja}</span>;
}

const ratio = (r: string | null | undefined) => contributionLabel(r)?.ja ?? "—";

function ResultDetails({ result }: { result: QualificationSummary }) {
  const i = result.insured;
  return (
    <table class="result-table">
      <tbody>
        <tr>
          <th>{W.qualification.ja}</th>
          <td data-field="validity">
            {validityBadge(result.validity)} {result.processingResultCode && <code>{result.processingResultCode}</code>} {result.processingResultMessage}
          </td>
        </tr>
        {i && (
          <>
            <tr>
              <th>{W.name.ja}</th>
              <td>
                {i.name}（{i.nameKana}） {i.birthdate} {labelOf(SEX_LABELS, i.sex.code).ja} {labelOf(PERSONAL_FAMILY_LABELS, i.personalFamily.code).ja}
              </td>
            </tr>
            <tr>
              <th>{W.number.ja}</th>
              <td data-field="number">
                {i.insuredCardSymbol ?? "—"}・{i.insuredIdentificationNumber}・{i.insuredBranchNumber ?? "—"}
              </td>
            </tr>
            <tr>
              <th>{W.insurer.ja}</th>
              <td data-field="insurer">
                {i.insurerNumber.trim()} {i.insurerName}
              </td>
            </tr>
            <tr>
              <th>{W.ratio.ja}</th>
              <td data-field="ratio">
                {ratio(i.contributionRatio)}
                {i.preschool ? W.preschool.ja : ""}
              </td>
            </tr>
            <tr>
              <th>{W.elderly.ja}</th>
              <td>{i.elderlyContributionRatio ? W.elderlyYes(ratio(i.elderlyContributionRatio)).ja : "—"}</td>
            </tr>
            <tr>
              <th>{W.limitBracket.ja}</th>
              <td>{i.limitApplicationBracket ?? "—"}</td>
            </tr>
            {i.specificDiseases.length > 0 && (
              <tr>
                <th>{W.specificDiseases.ja}</th>
                <td>{i.specificDiseases.join(", ")}</td>
              </tr>
            )}
            <BenefitRows insured={i} />
            {i.disqualificationDate && (
              <tr>
                <th>{W.disqualificationDate.ja}</th>
                <td>{i.disqualificationDate}</td>
              </tr>
            )}
          </>
        )}
        <tr>
          <th>{W.consents.ja}</th>
          <td data-field="consents">
            {result.consents.length === 0
              ? "—"
              : result.consents.map((c) => (
                  <span key={c.item} style="margin-right:10px">
                    {CONSENT_ITEM_SHORT[c.item].ja}: {(c.consented ? W.consented : W.declined).ja}（{c.consTime}）
                  </span>
                ))}
          </td>
        </tr>
        {result.notices.length > 0 && (
          <tr>
            <th>{W.notices.ja}</th>
            <td>{result.notices.map((n) => `${n.code} ${n.message}`).join(" / ")}</td>
          </tr>
        )}
        <tr>
          <th>{W.check.ja}</th>
          <td>
            {METHOD_NAMES[result.method].ja} ・ {W.lookupDate.ja} {result.simulationDate} ・ {CONSENT_FLOW_NAMES[result.consentFlow].ja}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

/** The browser tab's title. */
export const pageTitle = `${W.pageTitle.ja} — onshi-sim`;

export function Reception({ agent, config }: { agent: AgentConnection; config: UiConfig }) {
  const [state, setState] = useState<AgentState>(agent.state);
  const [finished, setFinished] = useState<SessionView[]>([]);
  useEffect(() => agent.subscribe(setState), [agent]);
  useEffect(
    () =>
      agent.onView((view) => {
        if (view.phase !== "done" && view.phase !== "error") return;
        setFinished((list) => [view, ...list.filter((v) => v.sessionId !== view.sessionId)].slice(0, 50));
      }),
    [agent],
  );

  return (
    <div class="staff" data-page="reception">
      <h1>
        {W.pageTitle.ja} {state.connected ? "" : <span class="badge badge-bad">{W.notConnected.ja}</span>}
      </h1>
      <h2>{W.readers.ja}</h2>
      <table>
        <thead>
          <tr>
            <th>{W.reader.ja}</th>
            <th>{W.state.ja}</th>
            <th>{W.prompt.ja}</th>
            <th>{W.visualCheck.ja}</th>
          </tr>
        </thead>
        <tbody>
          {[...state.sessions.values()].map((v) => (
            <tr key={v.reader} data-reader={v.reader} data-phase={v.phase}>
              <td>{v.reader}</td>
              <td>
                {PHASE_NAMES[v.phase].ja}
                {v.busy ? W.working.ja : ""}
                {v.error && <div class="note">{errorText(v.error).ja}</div>}
              </td>
              <td>{promptFor(v).ja}</td>
              <td>{v.methods.includes("visual") && <VisualSwitch view={v} agent={agent} />}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{W.results.ja}</h2>
      {finished.length === 0 && <p class="note">{W.noneYet.ja}</p>}
      {finished.map((v) => (
        <div class="panel" key={v.sessionId} data-session={v.sessionId}>
          <div>
            {new Date(v.updatedAt).toLocaleTimeString("ja-JP")} ・ {v.reader} ・ {v.phase === "done" ? W.finished.ja : W.failed(v.error ? errorWords(v.error).title.ja : "").ja}
          </div>
          {v.result ? <ResultDetails result={v.result} /> : v.error && <p>{joinTexts([errorWords(v.error).what, ...errorWords(v.error).next]).ja}</p>}
          {v.result?.insured && v.result.validity === "1" && <DoctorView insured={v.result.insured} facility={config.facility} />}
        </div>
      ))}

      <ManualLookup config={config} />
    </div>
  );
}

function VisualSwitch({ view, agent }: { view: SessionView; agent: AgentConnection }) {
  const [pin, setPin] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const staffPin = pin;
        setPin("");
        const ack = await agent.send("staff:visual", { sessionId: view.sessionId, staffPin });
        setMessage(ack.ok ? W.visualSent.ja : errorText(ack.error).ja);
      }}
    >
      <label>
        {W.staffPin.ja}
        <input type="password" inputMode="numeric" autoComplete="off" value={pin} onInput={(e) => setPin((e.target as HTMLInputElement).value)} name="staffPin" />
      </label>
      <button type="submit" class="primary">
        {W.visualConfirmed.ja}
      </button>
      {message && <span class="note">{message}</span>}
    </form>
  );
}

type LookupForm = {
  insurerNumber: string;
  insuredCardSymbol: string;
  insuredIdentificationNumber: string;
  insuredBranchNumber: string;
  birthdate: string;
  presentedDocument: string;
  cardReadFailure: string;
  simulationDate: string;
};

function ManualLookup({ config }: { config: UiConfig }) {
  const [form, setForm] = useState<LookupForm>({
    insurerNumber: "",
    insuredCardSymbol: "",
    insuredIdentificationNumber: "",
    insuredBranchNumber: "",
    birthdate: "",
    presentedDocument: "",
    cardReadFailure: "",
    simulationDate: "",
  });
  const [answer, setAnswer] = useState<QualificationResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const field = (name: keyof LookupForm, label: string, placeholder = "") => (
    <label>
      {label}
      <input name={name} value={form[name]} placeholder={placeholder} onInput={(e) => setForm({ ...form, [name]: (e.target as HTMLInputElement).value })} />
    </label>
  );
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setAnswer(null);
    const body: InsuranceQualificationRequest = {
      medicalInstitutionCode: config.facility,
      insurerNumber: form.insurerNumber.trim().length === 6 ? form.insurerNumber.trim() : form.insurerNumber.trim(),
      insuredIdentificationNumber: form.insuredIdentificationNumber.trim(),
      birthdate: form.birthdate.replaceAll("-", ""),
      ...(form.insuredCardSymbol.trim() ? { insuredCardSymbol: form.insuredCardSymbol.trim() } : {}),
      ...(form.insuredBranchNumber.trim() ? { insuredBranchNumber: form.insuredBranchNumber.trim() } : {}),
      ...(form.presentedDocument ? { presentedDocument: form.presentedDocument as NonNullable<InsuranceQualificationRequest["presentedDocument"]> } : {}),
      ...(form.cardReadFailure ? { cardReadFailure: form.cardReadFailure as NonNullable<InsuranceQualificationRequest["cardReadFailure"]> } : {}),
      ...(form.simulationDate ? { simulationDate: form.simulationDate.replaceAll("-", "") } : {}),
    };
    try {
      setAnswer(await server.lookupByInsurance({ body }));
    } catch (e) {
      if (!(e instanceof ServerApiError)) throw e;
      const { code, status, serverMessage, issues } = e.details;
      setError(`${code ?? status ?? e.kind}: ${serverMessage ?? (status === undefined ? e.message : "")} ${(issues ?? []).map((i) => `${i.path} ${i.message}`).join("; ")}`);
    }
  };
  const body = answer?.XmlMsg.MessageBody;
  const row = body?.ResultList?.ResultOfQualificationConfirmation[0];
  return (
    <>
      <h2>{W.lookupTitle.ja}</h2>
      <form onSubmit={submit} data-form="manual-lookup" class="panel">
        {field("insurerNumber", W.insurerNumber.ja, "01130012")}
        {field("insuredCardSymbol", W.symbol.ja)}
        {field("insuredIdentificationNumber", W.identification.ja)}
        {field("insuredBranchNumber", W.branch.ja, "00")}
        {field("birthdate", W.birthdate.ja, "19820914")}
        <label>
          {W.presentedDocument.ja}
          <select name="presentedDocument" value={form.presentedDocument} onChange={(e) => setForm({ ...form, presentedDocument: (e.target as HTMLSelectElement).value })}>
            <option value="">{W.numberOnly.ja}</option>
            {Object.entries(PRESENTED_DOCUMENT_NAMES).map(([value, name]) => (
              <option value={value} key={value}>
                {name.ja}
              </option>
            ))}
          </select>
        </label>
        <label>
          {W.cardReadFailure.ja}
          <select name="cardReadFailure" value={form.cardReadFailure} onChange={(e) => setForm({ ...form, cardReadFailure: (e.target as HTMLSelectElement).value })}>
            <option value="">—</option>
            {Object.entries(CARD_READ_FAILURE_NAMES).map(([value, name]) => (
              <option value={value} key={value}>
                {name.ja}
              </option>
            ))}
          </select>
        </label>
        {field("simulationDate", W.simulationDate.ja, "YYYYMMDD")}
        <button type="submit" class="primary">
          {W.lookup.ja}
        </button>
      </form>
      {error && <p class="badge badge-bad">{error}</p>}
      {answer && body && (
        <div class="panel" data-lookup-result>
          <p>
            {validityBadge(body.QualificationValidity)} {body.ProcessingResultCode && <code>{body.ProcessingResultCode}</code>} {body.ProcessingResultMessage}
            {answer.XmlMsg.MessageHeader.ErrorCode && ` ${answer.XmlMsg.MessageHeader.ErrorCode} ${answer.XmlMsg.MessageHeader.ErrorMessage ?? ""}`}
          </p>
          {answer.simulator.notices.length > 0 && <p>{answer.simulator.notices.map((n) => `${n.code} ${n.message}`).join(" / ")}</p>}
          {row && (
            <table>
              <tbody>
                <tr>
                  <th>{W.name.ja}</th>
                  <td>
                    {row.Name}（{row.NameKana}） {row.Birthdate}
                  </td>
                </tr>
                <tr>
                  <th>{W.number.ja}</th>
                  <td>
                    {row.InsuredCardSymbol ?? "—"}・{row.InsuredIdentificationNumber}・{row.InsuredBranchNumber ?? "—"}
                  </td>
                </tr>
                <tr>
                  <th>{W.insurer.ja}</th>
                  <td>
                    {row.InsurerNumber.trim()} {row.InsurerName}
                  </td>
                </tr>
                <tr>
                  <th>{W.ratio.ja}</th>
                  <td>{ratio(row.InsuredPartialContributionRatio)}</td>
                </tr>
                <tr>
                  <th>{W.elderly.ja}</th>
                  <td>{row.ElderlyRecipientCertificateInfo ? W.elderlyYes(ratio(row.ElderlyRecipientCertificateInfo.ElderlyRecipientContributionRatio)).ja : "—"}</td>
                </tr>
                <tr>
                  <th>{W.limitBracket.ja}</th>
                  <td>{row.LimitApplicationCertificateRelatedInfo?.LimitApplicationCertificateClassificationFlag ?? "—"}</td>
                </tr>
              </tbody>
            </table>
          )}
        </div>
      )}
    </>
  );
}
