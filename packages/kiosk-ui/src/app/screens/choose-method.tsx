/**
 * 顔認証 or 暗証番号 (and 目視, the staff's): only the methods this card can still use. A locked PIN or a card
 * without one gets its own screen, which says so and what still works.
 */
import type { SessionView, VerificationMethod } from "@onshi-sim/agent/protocol";
import { errorWords, KIOSK } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";
import { Notice, type Tx } from "./common.js";

export function ChooseMethod({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  const choose = (method: VerificationMethod) => void agent.send("session:choose-method", { sessionId: view.sessionId, method });
  const has = (m: VerificationMethod) => view.methods.includes(m);
  const buttons = (
    <div class="choices">
      {has("face") && (
        <button type="button" class="choice" disabled={view.busy} onClick={() => choose("face")} data-method="face">
          <FaceIcon />
          <span class="choice-title">{tx(KIOSK.face)}</span>
          <span class="choice-sub">{tx(KIOSK.faceSub)}</span>
        </button>
      )}
      {has("pin") && (
        <button type="button" class="choice" disabled={view.busy} onClick={() => choose("pin")} data-method="pin">
          <KeypadIcon />
          <span class="choice-title">{tx(KIOSK.pin)}</span>
          <span class="choice-sub">{tx(KIOSK.pinSub)}</span>
        </button>
      )}
    </div>
  );
  const visual = has("visual") && (
    <button type="button" class="btn btn-secondary wide" disabled={view.busy} onClick={() => choose("visual")} data-method="visual">
      {tx(KIOSK.visual)}
      <span class="btn-sub">{tx(KIOSK.visualSub)}</span>
    </button>
  );
  const err = view.error;
  if (err && (err.code === "pin-locked" || err.code === "pin-not-set")) {
    // The PIN's problem is the screen's subject: its title and what still works, then the choices, then the rest.
    const words = errorWords(err);
    return (
      <section class="screen" data-screen="pin-locked" data-error-code={err.code}>
        <h1>{tx(words.title)}</h1>
        {words.what && <p class="lead">{tx(words.what)}</p>}
        {buttons}
        {visual}
        {words.next.map((n, i) => (
          <p class="note note-box" key={i}>
            {tx(n)}
          </p>
        ))}
      </section>
    );
  }
  return (
    <section class="screen" data-screen="choose-method">
      <h1>{tx(KIOSK.chooseTitle)}</h1>
      <Notice view={view} tx={tx} />
      {buttons}
      {visual}
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
