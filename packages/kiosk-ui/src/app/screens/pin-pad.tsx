/** The PIN pad: the card's number of digits (the card's rule, through the agent's protocol), tries left, the last-try warning. */
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { CARD_PIN_DIGITS, type SessionView } from "@onshi-sim/agent/protocol";
import { KIOSK } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";
import { Notice, type Tx } from "./common.js";
import { usePlay } from "../play-client.js";

const BOXES = Array.from({ length: CARD_PIN_DIGITS }, (_, i) => i);

/** `screen`/`title`/`hint`: the phone's PIN pad (Android's own PIN) reuses this one. */
export function PinPad({ view, agent, tx, screen = "pin", title, hint }: { view: SessionView; agent: AgentConnection; tx: Tx; screen?: string; title?: string; hint?: string }) {
  // The PIN lives here only until it is sent; it is never shown, logged or stored.
  const [digits, setDigits] = useState("");
  // A scenario played on /trainer types the PIN for the class: the boxes fill one by one (the PIN itself goes
  // from the player to the card through the agent, never to this page).
  const play = usePlay();
  const [cued, setCued] = useState(0);
  const cue = play?.cue?.kind === "pin" ? play.cue : null;
  useEffect(() => {
    if (!cue) return setCued(0);
    setCued(0);
    let n = 0;
    const timer = setInterval(() => {
      n = Math.min(cue.digits, n + 1);
      setCued(n);
      if (n >= cue.digits) clearInterval(timer);
    }, 350);
    return () => clearInterval(timer);
  }, [cue?.at]);
  const digitsRef = useRef("");
  const set = (d: string) => {
    digitsRef.current = d;
    setDigits(d);
  };
  const submit = () => {
    const pin = digitsRef.current;
    if (pin.length !== CARD_PIN_DIGITS || view.busy) return;
    set("");
    void agent.send("session:pin", { sessionId: view.sessionId, pin });
  };
  const press = (d: string) => {
    if (view.busy) return;
    if (digitsRef.current.length < CARD_PIN_DIGITS) set(digitsRef.current + d);
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
  const shown = Math.max(digits.length, cued);
  return (
    <section class="screen" data-screen={screen}>
      <h1>{title ?? tx(KIOSK.pinTitle)}</h1>
      {hint && <p class="lead">{hint}</p>}
      {view.error?.code === "pin-wrong" && <Notice view={view} tx={tx} />}
      <div class="pin-row">
        <div class="pin-boxes" role="img" aria-label={`${tx(KIOSK.pinDigitsLabel)}: ${shown} / ${CARD_PIN_DIGITS}`} data-digits={shown} data-cued={cue ? "pin" : undefined}>
          {BOXES.map((i) => (
            <span class={i < shown ? "pin-box filled" : "pin-box"} key={i}>
              {i < shown ? "●" : ""}
            </span>
          ))}
        </div>
        {tries !== null && (
          <p class={tries === 1 ? "tries tries-last" : "tries"} data-tries-left={tries}>
            {tx(KIOSK.triesLeft(tries))}
            {tries === 1 && <span class="tries-warn">{tx(KIOSK.lastTry)}</span>}
          </p>
        )}
      </div>
      <div class="keypad" role="group" aria-label={tx(KIOSK.pin)}>
        {["1", "2", "3", "4", "5", "6", "7", "8", "9"].map((d) => (
          <button type="button" class="key" key={d} onClick={() => press(d)} disabled={view.busy}>
            {d}
          </button>
        ))}
        <button type="button" class="key key-fn" onClick={() => set("")} disabled={view.busy}>
          {tx(KIOSK.pinClear)}
        </button>
        <button type="button" class="key" onClick={() => press("0")} disabled={view.busy}>
          0
        </button>
        <button type="button" class={cue && cued >= cue.digits ? "key key-ok key-cued" : "key key-ok"} onClick={submit} disabled={view.busy || digits.length !== CARD_PIN_DIGITS}>
          {view.busy ? tx(KIOSK.busy) : tx(KIOSK.pinOk)}
        </button>
      </div>
      <p class="note">{tx(KIOSK.pinFamily)}</p>
      {view.methods.includes("face") && (
        <button type="button" class="btn btn-secondary" disabled={view.busy} onClick={() => void agent.send("session:choose-method", { sessionId: view.sessionId, method: "face" })}>
          {tx(KIOSK.switchToFace)}
        </button>
      )}
    </section>
  );
}
