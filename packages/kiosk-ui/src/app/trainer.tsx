/**
 * /trainer: the trainer's console. Put a fixture card on a reader or take it off, or mark the reader out of order
 * (the agent's dev events), set
 * the simulation date and the consent flow (TrainerSettings on the UI server), inject server faults and apply
 * scenarios (the server's admin API through the UI server), step through a scenario's narration (guided demo),
 * watch every step with a plain-language note of what the real system does, and read the result XML the レセコン
 * receives for the session on the reader now (the face folder), choose the face the kiosk camera sees, and read it
 * all in Japanese or English (the switch at the top; kept in this browser's localStorage).
 */
import { useEffect, useState } from "preact/hooks";
import { createServerClient } from "@onshi-sim/server/protocol";
import type { CommandAck, SessionView, TransportNotice } from "@onshi-sim/agent/protocol";
import { BENEFITS_TRAINER, CLASSROOM as C, errorText, noticeText, TRAINER as W, TRAINER_NOTES, validityLabel, type Lang, type LocalizedText } from "@onshi-sim/texts";
import type { AgentConnection, AgentState, UiConfig } from "./agent-client.js";
import { GuidedDemo } from "./demo.js";
import { CameraFacePanel } from "./trainer/camera-face-panel.js";
import { XmlPanel } from "./trainer/xml-panel.js";
import { PlayPanel } from "./trainer/play-panel.js";

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
  /** Technical (reader, phase, codes): the same in both languages. */
  readonly text: string;
  /** Said in the language chosen when shown. */
  readonly words: readonly LocalizedText[];
  readonly note: LocalizedText;
}

const LANG_KEY = "onshi-sim.trainer.lang";
/** The console's language: ?lang=en|ja, else what this browser chose last, else Japanese. */
export function initialLang(): Lang {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "ja" || asked === "en") return asked;
  try {
    return localStorage.getItem(LANG_KEY) === "en" ? "en" : "ja";
  } catch {
    return "ja";
  }
}

export function LangSwitch({ lang, onChange }: { lang: Lang; onChange: (lang: Lang) => void }) {
  return (
    <div class="lang-switch" role="group" aria-label={C.language[lang]}>
      {(["ja", "en"] as const).map((l) => (
        <button type="button" key={l} data-lang={l} aria-pressed={lang === l} onClick={() => onChange(l)}>
          {l === "ja" ? C.japanese[lang] : C.english[lang]}
        </button>
      ))}
    </div>
  );
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
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = (l: Lang) => {
    setLangState(l);
    document.documentElement.lang = l;
    try {
      localStorage.setItem(LANG_KEY, l);
    } catch {
      // private mode: the choice lasts for this page only
    }
  };
  const [state, setState] = useState<AgentState>(agent.state);
  const [cards, setCards] = useState<CardEntry[]>([]);
  const [card, setCard] = useState("yamada-taro");
  const [settings, setSettings] = useState<Settings>({ simulationDate: null, consentFlow: null });
  const [dateInput, setDateInput] = useState("");
  const [timeline, setTimeline] = useState<TimelineEntry[]>([]);
  const [message, setMessage] = useState("");
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
      const codes = v.error ? ` — ${v.error.code}${v.error.serverCode ? ` (${v.error.serverCode})` : ""}` : "";
      const words = [v.busy ? W.working : null, v.error ? errorText(v.error) : null, v.result ? validityLabel(v.result.validity) : null].filter((x): x is LocalizedText => x !== null);
      add({ at: v.updatedAt, text: `${v.reader}: ${v.phase}${codes}`, words, note: TRAINER_NOTES[v.phase] });
    });
    const offNotice = agent.onNotice((n: TransportNotice) => add({ at: n.at, text: `${n.transport}: ${n.kind}`, words: [], note: noticeText(n) }));
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
  // dev:insert-card fills memory readers only (PC/SC readers get cards from `npm run card -- insert`).
  const reader = (state.readers.find((r) => r.transport === "memory") ?? state.readers[0])?.name;
  const readerBroken = reader !== undefined && state.sessions.get(reader)?.error?.code === "reader-broken";
  const say = (ack: CommandAck, done: LocalizedText) => setMessage(ack.ok ? done[lang] : errorText(ack.error)[lang]);

  return (
    <div class="staff" data-page="trainer">
      <div class="staff-head">
        <h1>
          {W.pageTitle[lang]} {state.connected ? "" : <span class="badge badge-bad">{W.agentNotConnected[lang]}</span>}
        </h1>
        <LangSwitch lang={lang} onChange={setLang} />
      </div>
      {message && (
        <p class="panel" role="status" data-message>
          {message}
        </p>
      )}
      <div class="grid2">
        <div class="panel">
          <h2>{W.card[lang]}</h2>
          <div class="row">
            <label>
              {W.fixtureCard[lang]}
              <select name="card" value={card} onChange={(e) => setCard((e.target as HTMLSelectElement).value)}>
                {cards.map((c) => (
                  <option value={c.id} key={c.id}>
                    {c.id} — {c.label}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" class="primary" data-action="insert" onClick={async () => say(await agent.send("dev:insert-card", { card, ...(reader ? { reader } : {}) }), W.inserted(card))}>
              {W.insert[lang]}
            </button>
            <button type="button" data-action="remove" onClick={async () => say(await agent.send("dev:remove-card", reader ? { reader } : {}), W.removed)}>
              {W.remove[lang]}
            </button>
          </div>
          <div class="row">
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                name="readerBroken"
                data-action="reader-broken"
                checked={readerBroken}
                disabled={!reader}
                onChange={async (e) => {
                  const broken = (e.target as HTMLInputElement).checked;
                  say(await agent.send("dev:reader-broken", { broken, ...(reader ? { reader } : {}) }), broken ? W.readerBrokenOn : W.readerBrokenOff);
                }}
              />
              <span class="switch-track" aria-hidden="true" />
              <span class="switch-label">{W.readerBroken[lang]}</span>
            </label>
          </div>
          {card.startsWith("phone-iphone-") && (
            <div class="row">
              <button type="button" data-action="owner-auth" onClick={async () => say(await agent.send("dev:phone-owner-auth", { phone: card, authenticated: true }), W.ownerAuthOn)}>
                {W.ownerAuth[lang]}
              </button>
            </div>
          )}
          <p class="note">{cards.find((c) => c.id === card)?.demonstrates}</p>
          <p class="note">
            {W.readers[lang]}: {state.readers.map((r) => `${r.name}${r.cardPresent ? W.cardPresent[lang] : ""}`).join(", ") || "—"}
            {state.snapshot && !state.snapshot.agent.devCommands && W.devCommandsOff[lang]}
          </p>
        </div>
        <div class="panel">
          <h2>{W.dateAndFlow[lang]}</h2>
          <form
            onSubmit={async (e) => {
              e.preventDefault();
              const r = await post("/ui/settings", { simulationDate: dateInput || null });
              if (r.ok) {
                setSettings(r.body as Settings);
                setMessage(W.dateSet((r.body as Settings).simulationDate ?? W.today[lang])[lang]);
              } else setMessage(JSON.stringify(r.body));
            }}
          >
            <label>
              {W.date[lang]}
              <input type="date" name="simulationDate" value={dateInput} onInput={(e) => setDateInput((e.target as HTMLInputElement).value)} />
            </label>
            <button type="submit" class="primary" data-action="set-date">
              {W.set[lang]}
            </button>
            <button type="button" onClick={async () => setSettings((await post("/ui/settings", { simulationDate: null })).body as Settings)}>
              {W.backToToday[lang]}
            </button>
          </form>
          <div class="row">
            <label>
              {W.consentFlow[lang]}
              <select
                name="consentFlow"
                value={settings.consentFlow ?? ""}
                onChange={async (e) => setSettings((await post("/ui/settings", { consentFlow: (e.target as HTMLSelectElement).value || null })).body as Settings)}
              >
                <option value="">{W.flowByDate[lang]}</option>
                <option value="since-2024-10-07">{W.flowSince[lang]}</option>
                <option value="before-2024-10-07">{W.flowBefore[lang]}</option>
              </select>
            </label>
            <label>
              {BENEFITS_TRAINER.pmh[lang]}
              <select
                name="publicExpenseScreen"
                value={settings.publicExpenseScreen === true ? "on" : settings.publicExpenseScreen === false ? "off" : ""}
                onChange={async (e) => {
                  const v = (e.target as HTMLSelectElement).value;
                  setSettings((await post("/ui/settings", { publicExpenseScreen: v === "on" ? true : v === "off" ? false : null })).body as Settings);
                }}
              >
                <option value="">{BENEFITS_TRAINER.pmhByDate[lang]}</option>
                <option value="on">{BENEFITS_TRAINER.pmhOn[lang]}</option>
                <option value="off">{BENEFITS_TRAINER.pmhOff[lang]}</option>
              </select>
            </label>
          </div>
          <p data-current-date>
            {W.current[lang]}
            {settings.simulationDate ?? W.today[lang]} ・ {settings.consentFlow ?? W.flowByDate[lang]}
          </p>
        </div>
        <div class="panel">
          <h2>{W.faultsAndScenarios[lang]}</h2>
          <div class="row">
            <button type="button" onClick={async () => (await succeeds(server.addFault({ body: { kind: "maintenance" } })), refreshFaults())}>
              {W.faultMaintenance[lang]}
            </button>
            <button type="button" onClick={async () => (await succeeds(server.addFault({ body: { kind: "segment9", errorCode: "S902", count: 1 } })), refreshFaults())}>
              {W.faultSegment9[lang]}
            </button>
            <button type="button" onClick={async () => (await succeeds(server.addFault({ body: { kind: "latency", delayMs: 3000 } })), refreshFaults())}>
              {W.faultLatency[lang]}
            </button>
            <button type="button" onClick={async () => (await succeeds(server.addFault({ body: { kind: "timeout", delayMs: 30000 } })), refreshFaults())}>
              {W.faultTimeout[lang]}
            </button>
            <button type="button" onClick={async () => (await succeeds(server.clearFaults()), refreshFaults())}>
              {W.faultsClear[lang]}
            </button>
          </div>
          <p class="note">
            {W.activeFaults[lang]}
            {faults.length === 0 ? W.none[lang] : faults.map((f) => (f as { kind: string }).kind).join(", ")}
          </p>
          <div class="row">
            {scenarios.map((s) => (
              <button type="button" key={s} /* on the simulation date: "left today" is the class's day, not the real one */ onClick={async () => setMessage((await succeeds(server.applyServerScenario({ params: { name: s }, body: settings.simulationDate ? { simulationDate: settings.simulationDate } : {} }))) ? W.scenarioApplied(s)[lang] : W.scenarioNotApplied(s)[lang])}>
                {s}
              </button>
            ))}
            <button type="button" onClick={async () => setMessage((await succeeds(server.reseed())) ? W.reseeded[lang] : W.failed[lang])}>
              {W.reseed[lang]}
            </button>
          </div>
        </div>
        <XmlPanel agent={agent} lang={lang} />
        <CameraFacePanel lang={lang} say={setMessage} />
      </div>
      <PlayPanel lang={lang} say={setMessage} />
      <GuidedDemo lang={lang} />
      <div class="panel">
        <h2>{W.timeline[lang]}</h2>
        <ol class="timeline" data-timeline tabIndex={0} aria-label={W.timeline[lang]}>
          {timeline.map((e, i) => (
            <li key={i}>
              <span class="time">{new Date(e.at).toLocaleTimeString("ja-JP")}</span>
              <strong>
                {e.text}
                {e.words.length > 0 && ` — ${e.words.map((w) => w[lang]).join(lang === "ja" ? " ・ " : " · ")}`}
              </strong>
              <div class="note">{e.note[lang]}</div>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
