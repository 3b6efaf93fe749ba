/**
 * /reception: the receptionist's screen. Sessions at each reader now, the results of finished ones (資格有効 /
 * 無効 / なし, 記号・番号・枝番, 保険者, 負担割合, 高齢受給者, 限度額, consents), the staff 目視 switch (staff PIN,
 * sent to the agent only), and manual lookups by insurance number through the server's HTTP API (資格確認書,
 * 資格情報のお知らせ, legacy card). Results live in this page's memory only.
 */
import { useEffect, useState } from "preact/hooks";
import type { QualificationSummary, SessionView } from "@onshi-sim/agent/protocol";
import type { InsuranceQualificationRequest, QualificationResponse } from "@onshi-sim/server/protocol";
import type { AgentConnection, AgentState, UiConfig } from "./agent-client.js";

const PHASE_JA: Record<SessionView["phase"], string> = {
  "waiting-for-card": "カード待ち",
  reading: "読み取り中",
  "choose-method": "本人確認方法の選択",
  pin: "暗証番号入力",
  face: "顔認証",
  visual: "目視確認待ち",
  confirming: "資格確認中",
  consent: "同意の確認",
  done: "完了",
  error: "エラー",
  aborted: "中止",
};
const METHOD_JA: Record<string, string> = { pin: "暗証番号", face: "顔認証", visual: "目視" };

/** 1 → 資格有効, 2/3 → 資格無効, 4 → 資格情報なし, 5 → 複数該当. */
export function validityBadge(validity: string | null | undefined) {
  if (validity === "1") return <span class="badge badge-ok">資格有効</span>;
  if (validity === "2") return <span class="badge badge-bad">資格無効</span>;
  if (validity === "3") return <span class="badge badge-bad">資格無効（新しい資格あり）</span>;
  if (validity === "4") return <span class="badge badge-none">資格情報なし</span>;
  if (validity === "5") return <span class="badge badge-none">複数該当</span>;
  return <span class="badge badge-bad">確認できず</span>;
}

const ratio = (r: string | null | undefined) => (r ? `${Number(r) / 10}割` : "—");

function ResultDetails({ result }: { result: QualificationSummary }) {
  const i = result.insured;
  return (
    <table class="result-table">
      <tbody>
        <tr>
          <th>資格</th>
          <td data-field="validity">
            {validityBadge(result.validity)} {result.processingResultCode && <code>{result.processingResultCode}</code>} {result.processingResultMessage}
          </td>
        </tr>
        {i && (
          <>
            <tr>
              <th>氏名</th>
              <td>
                {i.name}（{i.nameKana}） {i.birthdate} {i.sex.ja} {i.personalFamily.ja}
              </td>
            </tr>
            <tr>
              <th>記号・番号・枝番</th>
              <td data-field="number">
                {i.insuredCardSymbol ?? "—"}・{i.insuredIdentificationNumber}・{i.insuredBranchNumber ?? "—"}
              </td>
            </tr>
            <tr>
              <th>保険者</th>
              <td data-field="insurer">
                {i.insurerNumber.trim()} {i.insurerName}
              </td>
            </tr>
            <tr>
              <th>負担割合</th>
              <td data-field="ratio">
                {i.contributionLabel?.ja ?? "—"}
                {i.preschool ? "（未就学）" : ""}
              </td>
            </tr>
            <tr>
              <th>高齢受給者</th>
              <td>{i.elderlyContributionRatio ? `該当（${ratio(i.elderlyContributionRatio)}）` : "—"}</td>
            </tr>
            <tr>
              <th>限度額区分</th>
              <td>{i.limitApplicationBracket ?? "—"}</td>
            </tr>
            {i.specificDiseases.length > 0 && (
              <tr>
                <th>特定疾病</th>
                <td>{i.specificDiseases.join(", ")}</td>
              </tr>
            )}
            {i.disqualificationDate && (
              <tr>
                <th>資格喪失日</th>
                <td>{i.disqualificationDate}</td>
              </tr>
            )}
          </>
        )}
        <tr>
          <th>同意</th>
          <td data-field="consents">
            {result.consents.length === 0
              ? "—"
              : result.consents.map((c) => (
                  <span key={c.item} style="margin-right:10px">
                    {CONSENT_JA[c.item] ?? c.item}: {c.consented ? "同意" : "不同意"}（{c.consTime}）
                  </span>
                ))}
          </td>
        </tr>
        {result.notices.length > 0 && (
          <tr>
            <th>お知らせ</th>
            <td>{result.notices.map((n) => `${n.code} ${n.message}`).join(" / ")}</td>
          </tr>
        )}
        <tr>
          <th>確認</th>
          <td>
            {METHOD_JA[result.method] ?? result.method} ・ 照会日 {result.simulationDate} ・ {result.consentFlow === "since-2024-10-07" ? "包括同意フロー" : "旧フロー（限度額同意あり）"}
          </td>
        </tr>
      </tbody>
    </table>
  );
}

const CONSENT_JA: Record<string, string> = {
  diagnosis: "診療",
  pharmacists: "薬剤",
  specificHealthCheckups: "特定健診",
  operation: "手術",
  limitApplication: "限度額",
  specificDiseases: "特定疾病",
};

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
      <h1>受付（職員用） {state.connected ? "" : <span class="badge badge-bad">カードリーダーに未接続</span>}</h1>
      <h2>カードリーダー</h2>
      <table>
        <thead>
          <tr>
            <th>リーダー</th>
            <th>状態</th>
            <th>案内</th>
            <th>目視確認</th>
          </tr>
        </thead>
        <tbody>
          {[...state.sessions.values()].map((v) => (
            <tr key={v.reader} data-reader={v.reader} data-phase={v.phase}>
              <td>{v.reader}</td>
              <td>
                {PHASE_JA[v.phase]}
                {v.busy ? "（処理中）" : ""}
                {v.error && <div class="note">{v.error.ja}</div>}
              </td>
              <td>{v.prompt.ja}</td>
              <td>{v.methods.includes("visual") && <VisualSwitch view={v} agent={agent} />}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>確認結果</h2>
      {finished.length === 0 && <p class="note">まだありません</p>}
      {finished.map((v) => (
        <div class="panel" key={v.sessionId} data-session={v.sessionId}>
          <div>
            {new Date(v.updatedAt).toLocaleTimeString("ja-JP")} ・ {v.reader} ・ {v.phase === "done" ? "完了" : `エラー: ${v.error?.ja ?? ""}`}
          </div>
          {v.result ? <ResultDetails result={v.result} /> : <p>{v.error?.next.ja}</p>}
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
        setMessage(ack.ok ? "目視確認を送信しました" : `${ack.error.ja}（${ack.error.next.ja}）`);
      }}
    >
      <label>
        職員用暗証番号
        <input type="password" inputMode="numeric" autoComplete="off" value={pin} onInput={(e) => setPin((e.target as HTMLInputElement).value)} name="staffPin" />
      </label>
      <button type="submit" class="primary">
        目視確認済み
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
    const res = await fetch("/api/v1/qualifications/insurance", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await res.json()) as QualificationResponse & { error?: { code: string; message: string; issues?: { path: string; message: string }[] } };
    if (!res.ok) setError(`${json.error?.code ?? res.status}: ${json.error?.message ?? ""} ${(json.error?.issues ?? []).map((i) => `${i.path} ${i.message}`).join("; ")}`);
    else setAnswer(json);
  };
  const body = answer?.XmlMsg.MessageBody;
  const row = body?.ResultList?.ResultOfQualificationConfirmation[0];
  return (
    <>
      <h2>保険証番号での確認（資格確認書・資格情報のお知らせ・健康保険証）</h2>
      <form onSubmit={submit} data-form="manual-lookup" class="panel">
        {field("insurerNumber", "保険者番号", "01130012")}
        {field("insuredCardSymbol", "記号")}
        {field("insuredIdentificationNumber", "番号")}
        {field("insuredBranchNumber", "枝番", "00")}
        {field("birthdate", "生年月日", "19820914")}
        <label>
          提示された書類
          <select name="presentedDocument" value={form.presentedDocument} onChange={(e) => setForm({ ...form, presentedDocument: (e.target as HTMLSelectElement).value })}>
            <option value="">（番号のみで照会）</option>
            <option value="shikaku-kakuninsho">資格確認書</option>
            <option value="legacy-card">健康保険証</option>
            <option value="oshirase-with-card">資格情報のお知らせ＋マイナンバーカード</option>
            <option value="mynaportal-with-card">マイナポータル資格情報画面＋マイナンバーカード</option>
            <option value="oshirase-only">資格情報のお知らせのみ</option>
          </select>
        </label>
        <label>
          カードを読めない理由
          <select name="cardReadFailure" value={form.cardReadFailure} onChange={(e) => setForm({ ...form, cardReadFailure: (e.target as HTMLSelectElement).value })}>
            <option value="">—</option>
            <option value="reader-broken">カードリーダー故障</option>
            <option value="no-reader">カードリーダーなし</option>
            <option value="card-unreadable">カードが読めない</option>
            <option value="system-down">システム障害</option>
          </select>
        </label>
        {field("simulationDate", "照会日（任意）", "YYYYMMDD")}
        <button type="submit" class="primary">
          照会
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
                  <th>氏名</th>
                  <td>
                    {row.Name}（{row.NameKana}） {row.Birthdate}
                  </td>
                </tr>
                <tr>
                  <th>記号・番号・枝番</th>
                  <td>
                    {row.InsuredCardSymbol ?? "—"}・{row.InsuredIdentificationNumber}・{row.InsuredBranchNumber ?? "—"}
                  </td>
                </tr>
                <tr>
                  <th>保険者</th>
                  <td>
                    {row.InsurerNumber.trim()} {row.InsurerName}
                  </td>
                </tr>
                <tr>
                  <th>負担割合</th>
                  <td>{ratio(row.InsuredPartialContributionRatio)}</td>
                </tr>
                <tr>
                  <th>高齢受給者</th>
                  <td>{row.ElderlyRecipientCertificateInfo ? `該当（${ratio(row.ElderlyRecipientCertificateInfo.ElderlyRecipientContributionRatio)}）` : "—"}</td>
                </tr>
                <tr>
                  <th>限度額区分</th>
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
