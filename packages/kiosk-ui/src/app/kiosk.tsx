/**
 * The patient's screens at the 顔認証付きカードリーダー: place the card → 顔認証 / 暗証番号 → 同意の確認 → 受付完了.
 * Every screen is a function of the agent's SessionView for this reader; the kiosk keeps only what the patient is
 * typing (the PIN, until it is sent) and which screen was dismissed. Nothing personal is shown: no name, no
 * number, no result details — those are for /reception. The words are @onshi-sim/texts'; the screens are in
 * screens/.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { ENDED_PHASES, INTERACTIVE_PHASES, type SessionView } from "@onshi-sim/agent/protocol";
import { KIOSK, type Lang } from "@onshi-sim/texts";
import type { AgentConnection, AgentState, UiConfig } from "./agent-client.js";
import { ChooseMethod } from "./screens/choose-method.js";
import { Connecting, PlaceCard, Wait, type Tx } from "./screens/common.js";
import { Consent } from "./screens/consent.js";
import { Done } from "./screens/done.js";
import { FaceCapture } from "./screens/face-capture.js";
import { PinPad } from "./screens/pin-pad.js";
import { Problem } from "./screens/problem.js";
import { PhoneChoose, PhoneHold, PhoneOwnerAuth, PhonePin, PhoneReading, PhoneStartButton } from "./screens/phone.js";
import { RegisterConsent, RegisterOffer } from "./screens/registration.js";

export function Kiosk({ agent, config }: { agent: AgentConnection; config: UiConfig }) {
  const [state, setState] = useState<AgentState>(agent.state);
  const [lang, setLang] = useState<Lang>("ja");
  const [dismissed, setDismissed] = useState<string | null>(null);
  useEffect(() => agent.subscribe(setState), [agent]);

  const readerParam = new URLSearchParams(location.search).get("reader");
  // `?reader=NAME` pins the kiosk to one reader; otherwise it follows the reader in use (the latest active
  // session), else the first memory reader (the one the trainer fills), else the first reader.
  const view = useMemo(() => {
    if (readerParam) return state.sessions.get(readerParam) ?? null;
    const all = [...state.sessions.values()];
    const active = all.filter((v) => v.phase !== "waiting-for-card").sort((a, b) => b.seq - a.seq)[0];
    if (active) return active;
    const memory = state.readers.find((r) => r.transport === "memory")?.name;
    const first = memory ?? state.readers[0]?.name;
    return (first && state.sessions.get(first)) || (all[0] ?? null);
  }, [state, readerParam]);

  // A new patient starts in Japanese; the result screens go back to the start after a while.
  const sessionId = view?.sessionId;
  useEffect(() => setLang("ja"), [sessionId]);
  // An out-of-order reader keeps its screen until it is repaired.
  const ended = view !== null && ENDED_PHASES.has(view.phase) && view.error?.code !== "reader-broken";
  useEffect(() => {
    if (!ended || !view) return;
    const id = view.sessionId;
    const timer = setTimeout(() => setDismissed(id), config.resultResetSeconds * 1000);
    return () => clearTimeout(timer);
  }, [ended, sessionId, config.resultResetSeconds]);

  const tx: Tx = (text) => text[lang];
  const showDismissed = view !== null && dismissed === view.sessionId && ended;
  const cancellable = view !== null && INTERACTIVE_PHASES.has(view.phase) && !view.busy;

  let body;
  if (!state.connected || !view) body = <Connecting tx={tx} />;
  else if (showDismissed) body = <PlaceCard tx={tx} takeCard />;
  else body = <Screen view={view} agent={agent} tx={tx} />;

  return (
    <div class="kiosk" lang={lang} data-seq={view?.seq ?? 0}>
      <header class="kiosk-header">
        <span class="kiosk-title">{tx(KIOSK.title)}</span>
        <span class="header-actions">
          {cancellable && view && (
            <button type="button" class="btn btn-quiet" onClick={() => void agent.send("session:cancel", { sessionId: view.sessionId })}>
              {tx(KIOSK.cancel)}
            </button>
          )}
          <button type="button" class="btn btn-quiet" lang={lang === "ja" ? "en" : "ja"} aria-label={tx(KIOSK.switchLangLabel)} onClick={() => setLang(lang === "ja" ? "en" : "ja")}>
            {tx(KIOSK.switchLang)}
          </button>
        </span>
      </header>
      <main class="kiosk-main" aria-live="polite">
        {body}
      </main>
    </div>
  );
}

function Screen({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  switch (view.phase) {
    case "waiting-for-card":
      return <PlaceCard tx={tx} phone={<PhoneStartButton view={view} agent={agent} tx={tx} />} />;
    case "phone-os":
      return <PhoneChoose view={view} agent={agent} tx={tx} />;
    case "phone-hold":
      return <PhoneHold view={view} tx={tx} />;
    case "phone-reading":
      return <PhoneReading tx={tx} />;
    case "phone-pin":
      return <PhonePin view={view} agent={agent} tx={tx} />;
    case "phone-owner-auth":
      return <PhoneOwnerAuth view={view} agent={agent} tx={tx} />;
    case "reading":
      return <Wait screen="reading" title={tx(KIOSK.reading)} hint={tx(KIOSK.readingHint)} />;
    case "choose-method":
      return <ChooseMethod view={view} agent={agent} tx={tx} />;
    case "pin":
      return <PinPad key={view.sessionId} view={view} agent={agent} tx={tx} />;
    case "face":
      return <FaceCapture key={view.sessionId} view={view} agent={agent} tx={tx} />;
    case "visual":
      return <Wait screen="visual" title={tx(KIOSK.visualTitle)} hint={tx(KIOSK.visualBody)} />;
    case "confirming":
      return <Wait screen="confirming" title={tx(KIOSK.confirming)} hint={tx(KIOSK.confirmingHint)} />;
    case "consent":
      return view.consent ? <Consent key={view.sessionId} view={view} request={view.consent} agent={agent} tx={tx} /> : <Wait screen="confirming" title={tx(KIOSK.confirming)} />;
    case "done":
      return view.result?.usable ? <Done view={view} tx={tx} /> : <Problem view={view} agent={agent} tx={tx} />;
    case "error":
    case "aborted":
      return <Problem view={view} agent={agent} tx={tx} />;
    // 保険証利用登録 at the reader (after E131)
    case "register-offer":
      return <RegisterOffer view={view} agent={agent} tx={tx} />;
    case "register-pin":
      return <PinPad key={`${view.sessionId}-register`} view={view} agent={agent} tx={tx} />;
    case "register-consent":
      return <RegisterConsent view={view} agent={agent} tx={tx} />;
  }
}
