/**
 * The patient's screens at the 顔認証付きカードリーダー (REFERENCE.md §1): place the card → 顔認証 / 暗証番号 →
 * 同意の確認 → 受付完了. Every screen is a function of the agent's SessionView for this reader; the kiosk keeps
 * only what the patient is typing (the PIN, until it is sent) and which screen was dismissed. Nothing personal is
 * shown: no name, no number, no result details — those are for /reception.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ConsentItem, ConsentRequestView, LocalizedText, SessionView } from "@onshi-sim/agent/protocol";
import type { AgentConnection, AgentState, UiConfig } from "./agent-client.js";
import { ERROR_SCREENS, UI, type Lang } from "./texts.js";

type Tx = (text: LocalizedText) => string;

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
  const ended = view !== null && (view.phase === "done" || view.phase === "error" || view.phase === "aborted") && view.error?.code !== "reader-broken";
  useEffect(() => {
    if (!ended || !view) return;
    const id = view.sessionId;
    const timer = setTimeout(() => setDismissed(id), config.resultResetSeconds * 1000);
    return () => clearTimeout(timer);
  }, [ended, sessionId, config.resultResetSeconds]);

  const tx: Tx = (text) => text[lang];
  const showDismissed = view !== null && dismissed === view.sessionId && ended;
  const cancellable = view !== null && ["choose-method", "pin", "face", "visual", "consent"].includes(view.phase) && !view.busy;

  let body;
  if (!state.connected || !view) body = <Connecting tx={tx} />;
  else if (showDismissed) body = <PlaceCard tx={tx} takeCard />;
  else body = <Screen view={view} agent={agent} tx={tx} />;

  return (
    <div class="kiosk" lang={lang}>
      <header class="kiosk-header">
        <span class="kiosk-title">{tx(UI.title)}</span>
        <span class="header-actions">
          {cancellable && view && (
            <button type="button" class="btn btn-quiet" onClick={() => void agent.send("session:cancel", { sessionId: view.sessionId })}>
              {tx(UI.cancel)}
            </button>
          )}
          <button type="button" class="btn btn-quiet" lang={lang === "ja" ? "en" : "ja"} aria-label={tx(UI.switchLangLabel)} onClick={() => setLang(lang === "ja" ? "en" : "ja")}>
            {tx(UI.switchLang)}
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
      return <PlaceCard tx={tx} />;
    case "reading":
      return <Wait screen="reading" title={tx(UI.reading)} hint={tx(UI.readingHint)} />;
    case "choose-method":
      return <ChooseMethod view={view} agent={agent} tx={tx} />;
    case "pin":
      return <PinPad key={view.sessionId} view={view} agent={agent} tx={tx} />;
    case "face":
      return <FaceCapture key={view.sessionId} view={view} agent={agent} tx={tx} />;
    case "visual":
      return <Wait screen="visual" title={tx(UI.visualTitle)} hint={tx(UI.visualBody)} />;
    case "confirming":
      return <Wait screen="confirming" title={tx(UI.confirming)} hint={tx(UI.confirmingHint)} />;
    case "consent":
      return view.consent ? <Consent key={view.sessionId} view={view} request={view.consent} agent={agent} tx={tx} /> : <Wait screen="confirming" title={tx(UI.confirming)} hint="" />;
    case "done":
      return view.result?.usable ? <Done view={view} tx={tx} /> : <Problem view={view} agent={agent} tx={tx} />;
    case "error":
    case "aborted":
      return <Problem view={view} agent={agent} tx={tx} />;
  }
}

function Connecting({ tx }: { tx: Tx }) {
  return <Wait screen="connecting" title={tx(UI.connecting)} hint={tx(UI.connectingHint)} />;
}

function Wait({ screen, title, hint }: { screen: string; title: string; hint: string }) {
  return (
    <section class="screen center" data-screen={screen}>
      <div class="spinner" aria-hidden="true" />
      <h1>{title}</h1>
      {hint && <p class="lead">{hint}</p>}
    </section>
  );
}

function PlaceCard({ tx, takeCard = false }: { tx: Tx; takeCard?: boolean }) {
  return (
    <section class="screen center" data-screen="place-card">
      {takeCard && (
        <p class="banner banner-warn" role="status">
          {tx(UI.takeCardBanner)}
        </p>
      )}
      <CardIllustration />
      <h1>{tx(UI.place)}</h1>
      <p class="lead">{tx(UI.placeHint)}</p>
      <p class="note">{tx(UI.placeOther)}</p>
    </section>
  );
}

function CardIllustration() {
  return (
    <svg class="illustration" viewBox="0 0 240 150" aria-hidden="true">
      <rect x="20" y="70" width="200" height="70" rx="10" fill="#dfe7ef" stroke="#5b7089" stroke-width="3" />
      <rect x="60" y="14" width="120" height="76" rx="8" fill="#fff" stroke="#1f5fa8" stroke-width="4" />
      <rect x="74" y="30" width="30" height="38" rx="3" fill="#c9d7ea" />
      <rect x="114" y="34" width="52" height="6" rx="3" fill="#9fb4cf" />
      <rect x="114" y="48" width="40" height="6" rx="3" fill="#9fb4cf" />
      <path d="M120 100 v26 m-10 -10 l10 10 l10 -10" stroke="#1f5fa8" stroke-width="5" fill="none" stroke-linecap="round" />
    </svg>
  );
}

function Notice({ view, tx }: { view: SessionView; tx: Tx }) {
  const err = view.error;
  if (!err) return null;
  return (
    <div class="banner banner-warn" role="alert" data-error-code={err.code}>
      <strong>{tx(err)}</strong>
      <span>{tx(err.next)}</span>
    </div>
  );
}

function ChooseMethod({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  const choose = (method: "face" | "pin" | "visual") => void agent.send("session:choose-method", { sessionId: view.sessionId, method });
  const has = (m: "face" | "pin" | "visual") => view.methods.includes(m);
  const locked = view.error?.code === "pin-locked" || view.error?.code === "pin-not-set";
  const buttons = (
    <div class="choices">
      {has("face") && (
        <button type="button" class="choice" disabled={view.busy} onClick={() => choose("face")} data-method="face">
          <FaceIcon />
          <span class="choice-title">{tx(UI.face)}</span>
          <span class="choice-sub">{tx(UI.faceSub)}</span>
        </button>
      )}
      {has("pin") && (
        <button type="button" class="choice" disabled={view.busy} onClick={() => choose("pin")} data-method="pin">
          <KeypadIcon />
          <span class="choice-title">{tx(UI.pin)}</span>
          <span class="choice-sub">{tx(UI.pinSub)}</span>
        </button>
      )}
    </div>
  );
  const visual = has("visual") && (
    <button type="button" class="btn btn-secondary wide" disabled={view.busy} onClick={() => choose("visual")} data-method="visual">
      {tx(UI.visual)}
      <span class="btn-sub">{tx(UI.visualSub)}</span>
    </button>
  );
  if (locked) {
    const notSet = view.error?.code === "pin-not-set";
    return (
      <section class="screen" data-screen="pin-locked">
        <h1>{tx(notSet ? UI.notSetTitle : UI.lockedTitle)}</h1>
        <p class="lead">{tx(UI.lockedBody)}</p>
        {buttons}
        {visual}
        {!notSet && <p class="note note-box">{tx(UI.lockedUnlock)}</p>}
      </section>
    );
  }
  return (
    <section class="screen" data-screen="choose-method">
      <h1>{tx(UI.chooseTitle)}</h1>
      <Notice view={view} tx={tx} />
      {buttons}
      {visual}
    </section>
  );
}

function PinPad({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  // The PIN lives here only until it is sent; it is never shown, logged or stored.
  const [digits, setDigits] = useState("");
  const digitsRef = useRef("");
  const set = (d: string) => {
    digitsRef.current = d;
    setDigits(d);
  };
  const submit = () => {
    const pin = digitsRef.current;
    if (pin.length !== 4 || view.busy) return;
    set("");
    void agent.send("session:pin", { sessionId: view.sessionId, pin });
  };
  const press = (d: string) => {
    if (view.busy) return;
    if (digitsRef.current.length < 4) set(digitsRef.current + d);
  };
  // Layout effect: the keys work from the moment the pad is on screen.
  useLayoutEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (/^[0-9]$/.test(e.key)) press(e.key);
      else if (e.key === "Backspace") set(digitsRef.current.slice(0, -1));
      else if (e.key === "Escape") set("");
      else if (e.key === "Enter") submit();
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });
  useEffect(() => () => set(""), []);
  const tries = view.pin?.triesLeft ?? null;
  return (
    <section class="screen" data-screen="pin">
      <h1>{tx(UI.pinTitle)}</h1>
      {view.error?.code === "pin-wrong" && <Notice view={view} tx={tx} />}
      <div class="pin-row">
        <div class="pin-boxes" role="img" aria-label={`${tx(UI.pinDigitsLabel)}: ${digits.length} / 4`} data-digits={digits.length}>
          {[0, 1, 2, 3].map((i) => (
            <span class={i < digits.length ? "pin-box filled" : "pin-box"} key={i}>
              {i < digits.length ? "●" : ""}
            </span>
          ))}
        </div>
        {tries !== null && (
          <p class={tries === 1 ? "tries tries-last" : "tries"} data-tries-left={tries}>
            {tx(UI.triesLeft(tries))}
            {tries === 1 && <span class="tries-warn">{tx(UI.lastTry)}</span>}
          </p>
        )}
      </div>
      <div class="keypad" role="group" aria-label={tx(UI.pin)}>
        {["1", "2", "3", "4", "5", "6", "7", "8", "9"].map((d) => (
          <button type="button" class="key" key={d} onClick={() => press(d)} disabled={view.busy}>
            {d}
          </button>
        ))}
        <button type="button" class="key key-fn" onClick={() => set("")} disabled={view.busy}>
          {tx(UI.pinClear)}
        </button>
        <button type="button" class="key" onClick={() => press("0")} disabled={view.busy}>
          0
        </button>
        <button type="button" class="key key-ok" onClick={submit} disabled={view.busy || digits.length !== 4}>
          {view.busy ? tx(UI.busy) : tx(UI.pinOk)}
        </button>
      </div>
      <p class="note">{tx(UI.pinFamily)}</p>
      {view.methods.includes("face") && (
        <button type="button" class="btn btn-secondary" disabled={view.busy} onClick={() => void agent.send("session:choose-method", { sessionId: view.sessionId, method: "face" })}>
          {tx(UI.switchToFace)}
        </button>
      )}
    </section>
  );
}

function FaceCapture({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  const video = useRef<HTMLVideoElement>(null);
  const [cameraError, setCameraError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const viewRef = useRef(view);
  viewRef.current = view;

  useEffect(() => {
    let stopped = false;
    let stream: MediaStream | undefined;
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480, facingMode: "user" }, audio: false });
      } catch (e) {
        setCameraError((e as Error).message || "getUserMedia");
        return;
      }
      if (stopped) return stream.getTracks().forEach((tr) => tr.stop());
      const v = video.current;
      if (!v) return;
      v.srcObject = stream;
      await v.play().catch(() => {});
      await sleep(600); // let the patient settle in the frame
      const canvas = document.createElement("canvas");
      while (!stopped) {
        const current = viewRef.current;
        if (current.phase !== "face") break;
        if (current.busy || v.videoWidth === 0) {
          await sleep(200);
          continue;
        }
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        canvas.getContext("2d")?.drawImage(v, 0, 0);
        const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, "image/jpeg", 0.85));
        if (!blob || stopped) break;
        setSending(true);
        const ack = await agent.send("session:face-frame", { sessionId: current.sessionId, image: new Uint8Array(await blob.arrayBuffer()) });
        setSending(false);
        if (!ack.ok && ack.error.code !== "busy") break;
        await sleep(900);
      }
    })();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [view.sessionId]);

  const face = view.face;
  const status = cameraError ? tx(UI.noCamera) : view.busy || sending ? tx(UI.faceChecking) : face?.referenceReady ? tx(UI.faceShooting) : tx(UI.facePreparing);
  const attempts = face?.attempts ?? 0;
  const max = face?.maxFailures ?? 3;
  return (
    <section class="screen" data-screen="face">
      <h1>{tx(UI.faceTitle)}</h1>
      <p class="lead">{tx(UI.faceHint)}</p>
      {view.error && view.error.code.startsWith("face-") && <Notice view={view} tx={tx} />}
      <div class="face-row">
        <div class="camera">
          <video ref={video} muted playsInline autoPlay aria-label={tx(UI.faceTitle)} />
          <div class="camera-guide" aria-hidden="true" />
        </div>
        <div class="face-status">
          <p class="face-step" role="status" data-face-status={cameraError ? "no-camera" : view.busy || sending ? "checking" : "shooting"}>
            {!cameraError && <span class="spinner small" aria-hidden="true" />}
            {status}
          </p>
          <progress max={max} value={Math.min(face?.failures ?? 0, max)} aria-label={tx(UI.faceAttempt(attempts + 1, max))} />
          <p class="note">{tx(UI.faceAttempt(Math.max(1, attempts + (view.busy ? 1 : 0)), max))}</p>
          {view.methods.includes("pin") && (
            <button type="button" class="btn btn-secondary" disabled={view.busy} onClick={() => void agent.send("session:choose-method", { sessionId: view.sessionId, method: "pin" })}>
              {tx(UI.switchToPin)}
            </button>
          )}
          {view.methods.includes("visual") && (
            <button type="button" class="btn btn-secondary" disabled={view.busy} onClick={() => void agent.send("session:choose-method", { sessionId: view.sessionId, method: "visual" })}>
              {tx(UI.visual)}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}

const INFO_ITEMS: readonly ConsentItem[] = ["diagnosis", "pharmacists", "specificHealthCheckups", "operation"];

function Consent({ view, request, agent, tx }: { view: SessionView; request: ConsentRequestView; agent: AgentConnection; tx: Tx }) {
  const [step, setStep] = useState<"overview" | "items">(request.comprehensiveOffered ? "overview" : "items");
  const [answers, setAnswers] = useState<Partial<Record<ConsentItem, boolean>>>({});
  const [index, setIndex] = useState(0);
  const send = (payload: { comprehensive?: boolean; items?: Partial<Record<ConsentItem, boolean>> }) => void agent.send("session:consent", { sessionId: view.sessionId, ...payload });

  if (step === "overview") {
    return (
      <section class="screen" data-screen="consent">
        <h1>{tx(UI.consentTitle)}</h1>
        <p class="lead">{tx(UI.consentQuestion)}</p>
        <ul class="items-list">
          {request.items
            .filter((i) => INFO_ITEMS.includes(i.item))
            .map((i) => (
              <li key={i.item}>{tx(i)}</li>
            ))}
        </ul>
        <div class="choices">
          <button type="button" class="btn btn-primary big" disabled={view.busy} onClick={() => send({ comprehensive: true })} data-consent="all">
            {tx(UI.consentAll)}
          </button>
          <button type="button" class="btn btn-secondary big" disabled={view.busy} onClick={() => setStep("items")} data-consent="choose">
            {tx(UI.consentChoose)}
          </button>
        </div>
        <button type="button" class="btn btn-quiet wide" disabled={view.busy} onClick={() => send({ comprehensive: false })} data-consent="none">
          {tx(UI.consentNone)}
        </button>
        <p class="note">{tx(UI.consentNote)}</p>
      </section>
    );
  }

  if (request.comprehensiveOffered) {
    // Since 2024-10-07: one screen with every item.
    const complete = request.items.every((i) => answers[i.item] !== undefined);
    return (
      <section class="screen" data-screen="consent-items">
        <h1>{tx(UI.consentItemsTitle)}</h1>
        <div class="item-rows">
          {request.items.map((i) => (
            <div class="item-row" role="group" aria-label={tx(i)} key={i.item} data-item={i.item}>
              <span class="item-label">{tx(i)}</span>
              <button type="button" class="toggle" aria-pressed={answers[i.item] === true} onClick={() => setAnswers({ ...answers, [i.item]: true })}>
                {tx(UI.agree)}
              </button>
              <button type="button" class="toggle" aria-pressed={answers[i.item] === false} onClick={() => setAnswers({ ...answers, [i.item]: false })}>
                {tx(UI.disagree)}
              </button>
            </div>
          ))}
        </div>
        <div class="choices">
          <button type="button" class="btn btn-secondary" onClick={() => setStep("overview")}>
            {tx(UI.back)}
          </button>
          <button type="button" class="btn btn-primary" disabled={!complete || view.busy} onClick={() => send({ items: answers })} data-consent="submit">
            {tx(UI.decide)}
          </button>
        </div>
      </section>
    );
  }

  // Before 2024-10-07: one screen per item, the last of them 限度額.
  const item = request.items[index];
  if (!item) return <Wait screen="confirming" title={tx(UI.confirming)} hint="" />;
  const answer = (value: boolean) => {
    const next = { ...answers, [item.item]: value };
    setAnswers(next);
    if (index + 1 < request.items.length) setIndex(index + 1);
    else send({ items: next });
  };
  return (
    <section class="screen" data-screen={item.item === "limitApplication" ? "consent-limit" : "consent-item"} data-item={item.item}>
      <p class="step">{tx(UI.oldFlowStep(index + 1, request.items.length))}</p>
      <h1>{tx(UI.consentTitle)}</h1>
      <p class="lead">{tx(UI.itemQuestion(tx(item)))}</p>
      {item.item === "limitApplication" && <p class="note note-box">{tx(UI.limitNote)}</p>}
      <div class="choices">
        <button type="button" class="btn btn-primary big" disabled={view.busy} onClick={() => answer(true)} data-consent="agree">
          {tx(UI.agree)}
        </button>
        <button type="button" class="btn btn-secondary big" disabled={view.busy} onClick={() => answer(false)} data-consent="disagree">
          {tx(UI.disagree)}
        </button>
      </div>
      {index > 0 && (
        <button type="button" class="btn btn-quiet" onClick={() => setIndex(index - 1)}>
          {tx(UI.back)}
        </button>
      )}
    </section>
  );
}

function Done({ view, tx }: { view: SessionView; tx: Tx }) {
  const codes = new Set(view.result?.notices.map((n) => n.code) ?? []);
  return (
    <section class="screen center" data-screen="done">
      <svg class="illustration check" viewBox="0 0 100 100" aria-hidden="true">
        <circle cx="50" cy="50" r="44" fill="#e3f3e8" stroke="#1e7b3c" stroke-width="6" />
        <path d="M28 52 l15 15 l30 -32" stroke="#1e7b3c" stroke-width="9" fill="none" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
      <h1 class="done-title">{tx(UI.doneTitle)}</h1>
      <p class="lead big-lead">{tx(UI.doneBody)}</p>
      {codes.has("N101") && <p class="banner banner-info">{tx(UI.noticeCertSoon)}</p>}
      {codes.has("N102") && <p class="banner banner-info">{tx(UI.noticeCertExpired)}</p>}
      <p class="banner banner-warn take-card" role="alert">
        {tx(UI.doneCard)}
      </p>
    </section>
  );
}

function Problem({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  const err = view.error;
  const screen = err ? ERROR_SCREENS[err.code] : undefined;
  const title = screen ? tx(screen.title) : tx(view.phase === "aborted" ? UI.abortedTitle : UI.errorTitle);
  const kind = view.phase === "done" ? "not-usable" : view.phase;
  return (
    <section class="screen" data-screen={kind} data-error-code={err?.code ?? ""}>
      <h1 class="problem-title">{title}</h1>
      {err && (
        <>
          <p class="lead">{tx(err)}</p>
          <div class="next-step">
            <p>{tx(err.next)}</p>
            {screen?.more.map((m, i) => (
              <p key={i}>{tx(m)}</p>
            ))}
          </div>
        </>
      )}
      {!err && <p class="lead">{tx(view.prompt)}</p>}
      {view.phase === "error" && err?.retryable && (
        <button type="button" class="btn btn-primary" onClick={() => void agent.send("session:retry", { sessionId: view.sessionId })}>
          {tx(UI.retry)}
        </button>
      )}
      {view.phase !== "aborted" && err?.code !== "reader-broken" && (
        <p class="banner banner-warn take-card" role="alert">
          {tx(UI.takeCardBanner)}
        </p>
      )}
      {view.phase === "aborted" && <p class="note">{tx(UI.returning)}</p>}
    </section>
  );
}

function FaceIcon() {
  return (
    <svg class="choice-icon" viewBox="0 0 64 64" aria-hidden="true">
      <circle cx="32" cy="28" r="14" fill="none" stroke="currentColor" stroke-width="4" />
      <path d="M12 58c3-11 11-16 20-16s17 5 20 16" fill="none" stroke="currentColor" stroke-width="4" />
      <path d="M4 14V6h8M52 6h8v8M4 50v8h8M60 50v8h-8" fill="none" stroke="currentColor" stroke-width="4" />
    </svg>
  );
}

function KeypadIcon() {
  return (
    <svg class="choice-icon" viewBox="0 0 64 64" aria-hidden="true">
      {[0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => <rect key={`${r}${c}`} x={8 + c * 18} y={6 + r * 18} width="12" height="12" rx="3" fill="currentColor" />))}
      <rect x="26" y="60" width="12" height="2" fill="currentColor" />
    </svg>
  );
}
