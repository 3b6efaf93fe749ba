/**
 * /trainer: the trainer's console. Put a fixture card on a reader or take it off, or mark the reader out of order
 * (the agent's dev events), set
 * the simulation date and the consent flow (TrainerSettings on the UI server), inject server faults and apply
 * scenarios (the server's admin API through the UI server), step through a scenario's narration (guided demo),
 * watch every step with a plain-language note of what the real system does, and read the result XML the レセコン
 * receives (the face folder).
 */
import { useEffect, useState } from "preact/hooks";
import { createServerClient } from "@onshi-sim/server/protocol";
import type { CommandAck, SessionView, TransportNotice } from "@onshi-sim/agent/protocol";
import { errorText, noticeText, TRAINER as W, TRAINER_NOTES, validityLabel, BENEFITS_TRAINER } from "@onshi-sim/texts";
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
  readonly publicExpenseScreen?: boolean | null;
}
interface TimelineEntry {
  readonly at: string;
  readonly text: string;
  readonly note: string;
}

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
/** The server's API (admin included: the UI server adds the admin token) through this page's /api proxy. */
const server = createServerClient({ baseUrl: location.origin });
const succeeds = (call: Promise<unknown>): Promise<boolean> => call.then(
  () => true,
  () => false,
);

/** The browser tab's title. */
export const pageTitle = `${W.pageTitle.ja} — onshi-sim`;

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
      const extra = [v.busy ? W.working.ja : "", v.error ? `${v.error.code}${v.error.serverCode ? ` (${v.error.serverCode})` : ""}: ${errorText(v.error).ja}` : "", v.result ? validityLabel(v.result.validity).ja : ""]
        .filter(Boolean)
        .join(" ・ ");
      add({ at: v.updatedAt, text: `${v.reader}: ${v.phase}${extra ? ` — ${extra}` : ""}`, note: TRAINER_NOTES[v.phase].ja });
      if (v.phase === "done") void loadXml();
    });
    const offNotice = agent.onNotice((n: TransportNotice) => add({ at: n.at, text: `${n.transport}: ${n.kind}`, note: noticeText(n).ja }));
    return () => {
      offView();
      offNotice();
    };
  }, [agent]);
  useEffect(() => {
    void api("/ui/cards").then((r) => r.ok && setCards((r.body as { cards: CardEntry[] }).cards));
    void api("/ui/settings").then((r) => r.ok && setSettings(r.body as Settings));
    void server.serverScenarios().then((r) => setScenarios(r.scenarios.map((s) => s.name)), () => undefined);
    void refreshFaults();
  }, []);

  const refreshFaults = async () => {
    await server.faults().then((r) => setFaults(r.faults), () => undefined);
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
  const say = (ack: CommandAck, done: string) => setMessage(ack.ok ? done : errorText(ack.error).ja);

  return (
    <div class="staff" data-page="trainer">
      <h1>
        {W.pageTitle.ja} {state.connected ? "" : <span class="badge badge-bad">{W.agentNotConnected.ja}</span>}
      </h1>
      {message && (
        <p class="panel" role="status" data-message>
          {message}
        </p>
      )}
      <div class="grid2">
        <div class="panel">
          <h2>{W.card.ja}</h2>
          <div class="row">
            <label>
              {W.fixtureCard.ja}
              <select name="card" value={card} onChange={(e) => setCard((e.target as HTMLSelectElement).value)}>
                {cards.map((c) => (
                  <option value={c.id} key={c.id}>
                    {c.id} — {c.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" class="primary" data-action="insert" onClick={async () => say(await agent.send("dev:insert-card", { card, ...(reader ? { reader } : {}) }), W.inserted(card).ja)}>
              {W.insert.ja}
            </button>
            <button type="button" data-action="remove" onClick={async () => say(await agent.send("dev:remove-card", reader ? { reader } : {}), W.removed.ja)}>
              {W.remove.ja}
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
                  say(await agent.send("dev:reader-broken", { broken, ...(reader ? { reader } : {}) }), (broken ? W.readerBrokenOn : W.readerBrokenOff).ja);
                }}
              />
              {W.readerBroken.ja}
            </label>
          </div>
          {card.startsWith("phone-iphone-") && (
            <div class="row">
              <button type="button" data-action="owner-auth" onClick={async () => say(await agent.send("dev:phone-owner-auth", { phone: card, authenticated: true }), W.ownerAuthOn.ja)}>
                {W.ownerAuth.ja}
              </button>
            </div>
          )}
          <p class="note">{cards.find((c) => c.id === card)?.demonstrates}</p>
          <p class="note">
            {W.readers.ja}: {state.readers.map((r) => `${r.name}${r.cardPresent ? W.cardPresent.ja : ""}`).join(", ") || "—"}
            {state.snapshot && !state.snapshot.agent.devCommands && W.devCommandsOff.ja}
          </p>
        </div>
        <div class="panel">
          <h2>{W.dateAndFlow.ja}</h2>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              const r = await post("/ui/settings", { simulationDate: dateInput || null });
              if (r.ok) {
                setSettings(r.body as Settings);
                setMessage(W.dateSet((r.body as Settings).simulationDate ?? W.today.ja).ja);
              } else setMessage(JSON.stringify(r.body));
            }}
          >
            <label>
              {W.date.ja}
              <input type="date" name="simulationDate" value={dateInput} onInput={(e) => setDateInput((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="primary" data-action="set-date">
              {W.set.ja}
            </button>
            <button type="button" onClick={async () => setSettings((await post("/ui/settings", { simulationDate: null })).body as Settings)}>
              {W.backToToday.ja}
            </button>
          </form>
          <div class="row">
            <label>
              {W.consentFlow.ja}
              <select
                name="consentFlow"
                value={settings.consentFlow ?? ""}
                onChange={async (e) => setSettings((await post("/ui/settings", { consentFlow: (e.target as HTMLSelectElement).value || null })).body as Settings)}
              >
                <option value="">{W.flowByDate.ja}</option>
                <option value="since-2024-10-07">{W.flowSince.ja}</option>
                <option value="before-2024-10-07">{W.flowBefore.ja}</option>
              </select>
            </label>
            <label>
              {BENEFITS_TRAINER.pmh.ja}
              <select
                name="publicExpenseScreen"
                value={settings.publicExpenseScreen === true ? "on" : settings.publicExpenseScreen === false ? "off" : ""}
                onChange={async (e) => {
                  const v = (e.target as HTMLSelectElement).value;
                  setSettings((await post("/ui/settings", { publicExpenseScreen: v === "on" ? true : v === "off" ? false : null })).body as Settings);
                }}
              >
                <option value="">{BENEFITS_TRAINER.pmhByDate.ja}</option>
                <option value="on">{BENEFITS_TRAINER.pmhOn.ja}</option>
                <option value="off">{BENEFITS_TRAINER.pmhOff.ja}</option>
              </select>
            </label>
          </div>
          <p data-current-date>
            {W.current.ja}
            {settings.simulationDate ?? W.today.ja} ・ {settings.consentFlow ?? W.flowByDate.ja}
          </p>
        </div>
        <div class="panel">
          <h2>{W.faultsAndScenarios.ja}</h2>
          <div class="row">
            <button type="button" onClick={async () => (await succeeds(server.addFault({ body: { kind: "maintenance" } })), refreshFaults())}>
              {W.faultMaintenance.ja}
            </button>
            <button type="button" onClick={async () => (await succeeds(server.addFault({ body: { kind: "segment9", errorCode: "S902", count: 1 } })), refreshFaults())}>
              {W.faultSegment9.ja}
            </button>
            <button type="button" onClick={async () => (await succeeds(server.addFault({ body: { kind: "latency", delayMs: 3000 } })), refreshFaults())}>
              {W.faultLatency.ja}
            </button>
            <button type="button" onClick={async () => (await succeeds(server.addFault({ body: { kind: "timeout", delayMs: 30000 } })), refreshFaults())}>
              {W.faultTimeout.ja}
            </button>
            <button type="button" onClick={async () => (await succeeds(server.clearFaults()), refreshFaults())}>
              {W.faultsClear.ja}
            </button>
          </div>
          <p class="note">
            {W.activeFaults.ja}
            {faults.length === 0 ? W.none.ja : faults.map((f) => (f as { kind: string }).kind).join(", ")}
          </p>
          <div class="row">
            {scenarios.map((s) => (
              <button type="button" key={s} onClick={async () => setMessage((await succeeds(server.applyServerScenario({ params: { name: s } }))) ? W.scenarioApplied(s).ja : W.scenarioNotApplied(s).ja)}>
                {s}
              </button>
            ))}
            <button type="button" onClick={async () => setMessage((await succeeds(server.reseed())) ? W.reseeded.ja : W.failed.ja)}>
              {W.reseed.ja}
            </button>
          </div>
        </div>
        <div class="panel">
          <h2>{W.resultXml.ja}</h2>
          <button type="button" onClick={() => void loadXml()}>
            {W.showLatest.ja}
          </button>
          {xml ? <pre class="xml" data-xml tabIndex={0} aria-label={W.resultXmlLabel.ja}>
              {xml}
            </pre> : <p class="note">{W.noneYet.ja}</p>}
        </div>
      </div>
      <GuidedDemo />
      <div class="panel">
        <h2>{W.timeline.ja}</h2>
        <ol class="timeline" data-timeline tabIndex={0} aria-label={W.timeline.ja}>
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
