/**
 * /trainer: the trainer's console. Put a fixture card on a reader or take it off, or mark the reader out of order
 * (the agent's dev events), set
 * the simulation date and the consent flow (TrainerSettings on the UI server), inject server faults and apply
 * scenarios (the server's admin API through the UI server), step through a scenario's narration (guided demo),
 * watch every step with a plain-language note of what the real system does, and read the result XML the レセコン
 * receives (the face folder).
 */
import { useEffect, useState } from "preact/hooks";
import type { SessionView, TransportNotice } from "@onshi-sim/agent/protocol";
import type { AgentConnection, AgentState, UiConfig } from "./agent-client.js";
import { GuidedDemo } from "./demo.js";

interface CardEntry {
  readonly id: string;
  readonly label: string;
  readonly personId: string;
  readonly demonstrates: string;
}
interface Settings {
  readonly simulationDate: string | null;
  readonly consentFlow: string | null;
}
interface TimelineEntry {
  readonly at: string;
  readonly text: string;
  readonly note: string;
}

/** What the real system does at each step (REFERENCE.md §1–3), for the class. */
const NOTES: Record<SessionView["phase"], string> = {
  "waiting-for-card": "カードリーダーは待機中。患者がカードをケースから出して置くのを待ちます。",
  reading: "カードを検出。JPKI-AP を SELECT し、利用者証明用電子証明書（PIN 不要）と暗証番号の残り回数（試行を使わない VERIFY）を読みます。",
  "choose-method": "顔認証か暗証番号かを選びます。顔認証用に券面AP（照合番号B）から顔写真を裏で読み始めています。",
  pin: "暗証番号（4桁）はカードにだけ送られます。3回間違えるとロック（63 C0 → 69 84）。",
  face: "カメラ画像とカードの顔写真（JPEG 2000）を照合します。一致すると特定機関認証（リーダー機器の鍵）で本人確認済みとして照会します。",
  visual: "係員がカードの顔写真とご本人を目視で確認します。失敗回数はリセットされません。",
  confirming: "オンライン資格確認等システムへ照会中：ナンス取得 → カードで署名（暗証番号）または機器の証明（顔認証・目視）→ 資格照会。",
  consent: "同意の確認。2024-10-07 以降は包括同意（個別選択も可）。それ以前は限度額情報の同意画面もありました。",
  done: "完了。結果はレセコンの face フォルダに OQSsiquc01res_face_*.xml として届きます。患者にはカードの取り忘れを案内します。",
  error: "エラー。患者には次の手順（資格確認書・資格情報のお知らせ＋カード等）を案内します。カードリーダー故障中も同じく、資格情報のお知らせ（またはマイナポータルの資格情報画面）とカードを窓口で提示して受診できます。",
  aborted: "中止（カードが外された／キャンセル／無操作）。",
};

const api = async (path: string, init?: RequestInit): Promise<{ ok: boolean; status: number; body: unknown }> => {
  const res = await fetch(path, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { ok: res.ok, status: res.status, body };
};
// Every write is JSON: the UI server refuses other types, so no other site's form or text/plain request can write.
const post = (path: string, body: unknown) => api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const remove = (path: string) => api(path, { method: "DELETE", headers: { "content-type": "application/json" } });

export function Trainer({ agent }: { agent: AgentConnection; config: UiConfig }) {
  const [state, setState] = useState<AgentState>(agent.state);
  const [cards, setCards] = useState<CardEntry[]>([]);
  const [card, setCard] = useState("yamada-taro");
  const [settings, setSettings] = useState<Settings>({ simulationDate: null, consentFlow: null });
  const [dateInput, setDateInput] = useState("");
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [message, setMessage] = useState("");
  const [xml, setXml] = useState<string | null>(null);
  const [scenarios, setScenarios] = useState<string[]>([]);
  const [faults, setFaults] = useState<unknown[]>([]);

  useEffect(() => agent.subscribe(setState), [agent]);
  useEffect(() => {
    const add = (entry: TimelineEntry) => setTimeline((list) => [entry, ...list].slice(0, 200));
    let lastKey = "";
    const offView = agent.onView((v: SessionView) => {
      const key = `${v.sessionId}:${v.phase}:${v.busy}:${v.error?.code ?? ""}:${v.face?.attempts ?? ""}`;
      if (key === lastKey) return;
      lastKey = key;
      const extra = [v.busy ? "処理中" : "", v.error ? `${v.error.code}${v.error.serverCode ? ` (${v.error.serverCode})` : ""}: ${v.error.ja}` : "", v.result ? `資格 ${v.result.validityLabel?.ja ?? "—"}` : ""]
        .filter(Boolean)
        .join(" ・ ");
      add({ at: v.updatedAt, text: `${v.reader}: ${v.phase}${extra ? ` — ${extra}` : ""}`, note: NOTES[v.phase] });
      if (v.phase === "done") void loadXml();
    });
    const offNotice = agent.onNotice((n: TransportNotice) => add({ at: n.at, text: `${n.transport}: ${n.kind}`, note: n.ja }));
    return () => {
      offView();
      offNotice();
    };
  }, [agent]);
  useEffect(() => {
    void api("/ui/cards").then((r) => r.ok && setCards((r.body as { cards: CardEntry[] }).cards));
    void api("/ui/settings").then((r) => r.ok && setSettings(r.body as Settings));
    void api("/api/admin/scenarios").then((r) => r.ok && setScenarios(((r.body as { scenarios: { name: string }[] }).scenarios ?? []).map((s) => s.name)));
    void refreshFaults();
  }, []);

  const refreshFaults = async () => {
    const r = await api("/api/admin/faults");
    if (r.ok) setFaults((r.body as { faults: unknown[] }).faults);
  };
  const loadXml = async () => {
    // The server writes the face file right after completion.
    await new Promise((r) => setTimeout(r, 150));
    const r = await api("/ui/face-results/latest");
    setXml(r.ok ? String(r.body) : null);
  };
  // dev:insert-card fills memory readers only (PC/SC readers get cards from `npm run card -- insert`).
  const reader = (state.readers.find((r) => r.transport === "memory") ?? state.readers[0])?.name;
  const readerBroken = reader !== undefined && state.sessions.get(reader)?.error?.code === "reader-broken";
  const say = (ack: { ok: boolean; error?: { ja: string } }, done: string) => setMessage(ack.ok ? done : (ack.error?.ja ?? "失敗しました"));

  return (
    <div class="staff" data-page="trainer">
      <h1>トレーナー {state.connected ? "" : <span class="badge badge-bad">エージェント未接続</span>}</h1>
      {message && (
        <p class="panel" role="status" data-message>
          {message}
        </p>
      )}
      <div class="grid2">
        <div class="panel">
          <h2>カード</h2>
          <div class="row">
            <label>
              フィクスチャカード
              <select name="card" value={card} onChange={(e) => setCard((e.target as HTMLSelectElement).value)}>
                {cards.map((c) => (
                  <option value={c.id} key={c.id}>
                    {c.id} — {c.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" class="primary" data-action="insert" onClick={async () => say(await agent.send("dev:insert-card", { card, ...(reader ? { reader } : {}) }), `${card} を置きました`)}>
              カードを置く
            </button>
            <button type="button" data-action="remove" onClick={async () => say(await agent.send("dev:remove-card", reader ? { reader } : {}), "カードを取りました")}>
              カードを取る
            </button>
          </div>
          <div class="row">
            <label>
              <input
                type="checkbox"
                name="readerBroken"
                data-action="reader-broken"
                checked={readerBroken}
                disabled={!reader}
                onChange={async (e) => {
                  const broken = (e.target as HTMLInputElement).checked;
                  say(await agent.send("dev:reader-broken", { broken, ...(reader ? { reader } : {}) }), broken ? "カードリーダーを故障中にしました" : "カードリーダーを復旧しました");
                }}
              />
              カードリーダー故障中（読み取り不可）
            </label>
          </div>
          <p class="note">{cards.find((c) => c.id === card)?.demonstrates}</p>
          <p class="note">
            リーダー: {state.readers.map((r) => `${r.name}${r.cardPresent ? "（カードあり）" : ""}`).join(", ") || "—"}
            {state.snapshot && !state.snapshot.agent.devCommands && " ・ 開発用コマンド無効（エージェントを --dev で起動）"}
          </p>
        </div>
        <div class="panel">
          <h2>シミュレーション日付・同意フロー</h2>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              const r = await post("/ui/settings", { simulationDate: dateInput || null });
              if (r.ok) {
                setSettings(r.body as Settings);
                setMessage(`シミュレーション日付: ${(r.body as Settings).simulationDate ?? "今日（日本時間）"}`);
              } else setMessage(JSON.stringify(r.body));
            }}
          >
            <label>
              日付
              <input type="date" name="simulationDate" value={dateInput} onInput={(e) => setDateInput((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="primary" data-action="set-date">
              設定
            </button>
            <button type="button" onClick={async () => setSettings((await post("/ui/settings", { simulationDate: null })).body as Settings)}>
              今日に戻す
            </button>
          </form>
          <div class="row">
            <label>
              同意フロー
              <select
                name="consentFlow"
                value={settings.consentFlow ?? ""}
                onChange={async (e) => setSettings((await post("/ui/settings", { consentFlow: (e.target as HTMLSelectElement).value || null })).body as Settings)}
              >
                <option value="">日付で決める</option>
                <option value="since-2024-10-07">2024-10-07 以降（包括同意）</option>
                <option value="before-2024-10-07">2024-10-07 より前（限度額同意あり）</option>
              </select>
            </label>
          </div>
          <p data-current-date>
            現在: {settings.simulationDate ?? "今日（日本時間）"} ・ {settings.consentFlow ?? "日付で決める"}
          </p>
        </div>
        <div class="panel">
          <h2>サーバー障害・シナリオ</h2>
          <div class="row">
            <button type="button" onClick={async () => (await post("/api/admin/faults", { kind: "maintenance" }), refreshFaults())}>
              メンテナンス（503）
            </button>
            <button type="button" onClick={async () => (await post("/api/admin/faults", { kind: "segment9", errorCode: "S902", count: 1 }), refreshFaults())}>
              異常終了（1回）
            </button>
            <button type="button" onClick={async () => (await post("/api/admin/faults", { kind: "latency", delayMs: 3000 }), refreshFaults())}>
              応答遅延 3秒
            </button>
            <button type="button" onClick={async () => (await post("/api/admin/faults", { kind: "timeout", delayMs: 30000 }), refreshFaults())}>
              無応答
            </button>
            <button type="button" onClick={async () => (await remove("/api/admin/faults"), refreshFaults())}>
              障害を解除
            </button>
          </div>
          <p class="note">有効な障害: {faults.length === 0 ? "なし" : faults.map((f) => (f as { kind: string }).kind).join(", ")}</p>
          <div class="row">
            {scenarios.map((s) => (
              <button type="button" key={s} onClick={async () => setMessage((await post(`/api/admin/scenarios/${s}`, {})).ok ? `シナリオ ${s} を適用しました` : `シナリオ ${s} を適用できません`)}>
                {s}
              </button>
            ))}
            <button type="button" onClick={async () => setMessage((await post("/api/admin/reseed", {})).ok ? "初期状態に戻しました" : "失敗しました")}>
              初期状態に戻す
            </button>
          </div>
        </div>
        <div class="panel">
          <h2>レセコンが受け取る結果 XML</h2>
          <button type="button" onClick={() => void loadXml()}>
            最新を表示
          </button>
          {xml ? <pre class="xml" data-xml tabIndex={0} aria-label="結果 XML">
              {xml}
            </pre> : <p class="note">まだありません</p>}
        </div>
      </div>
      <GuidedDemo />
      <div class="panel">
        <h2>タイムライン</h2>
        <ol class="timeline" data-timeline tabIndex={0} aria-label="タイムライン">
          {timeline.map((e, i) => (
            <li key={i}>
              <span class="time">{new Date(e.at).toLocaleTimeString("ja-JP")}</span>
              <strong>{e.text}</strong>
              <div class="note">{e.note}</div>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
