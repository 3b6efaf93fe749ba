/**
 * The smartphone マイナ保険証 (issue 14 §2): the スマホ button on the start screen, iPhone or Android, "hold your
 * phone over the smartphone reader", Android's PIN pad (the phone certificate's own PIN), iPhone's "confirm on
 * your phone, then continue", and the ways forward after a phone failure. The words are @onshi-sim/texts' (phone.ts).
 */
import type { SessionView } from "@onshi-sim/agent/protocol";
import { PHONE_KIOSK } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";
import { Notice, Wait, type Tx } from "./common.js";
import { PinPad } from "./pin-pad.js";

/** On the start screen: スマホで受付 (shown even without a phone reader, which then says to bring the card). */
export function PhoneStartButton({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  return (
    <button type="button" class="btn btn-secondary wide" data-phone="start" onClick={() => void agent.send("session:phone-start", { sessionId: view.sessionId })}>
      <PhoneIcon />
      {tx(PHONE_KIOSK.start)}
      <span class="btn-sub">{tx(PHONE_KIOSK.startSub)}</span>
    </button>
  );
}

export function PhoneChoose({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  const choose = (os: "android" | "iphone") => void agent.send("session:phone-os", { sessionId: view.sessionId, os });
  return (
    <section class="screen" data-screen="phone-os">
      <h1>{tx(PHONE_KIOSK.chooseTitle)}</h1>
      <div class="choices">
        <button type="button" class="choice" disabled={view.busy} onClick={() => choose("iphone")} data-phone-os="iphone">
          <PhoneIcon />
          <span class="choice-title">{tx(PHONE_KIOSK.iphone)}</span>
          <span class="choice-sub">{tx(PHONE_KIOSK.iphoneSub)}</span>
        </button>
        <button type="button" class="choice" disabled={view.busy} onClick={() => choose("android")} data-phone-os="android">
          <PhoneIcon />
          <span class="choice-title">{tx(PHONE_KIOSK.android)}</span>
          <span class="choice-sub">{tx(PHONE_KIOSK.androidSub)}</span>
        </button>
      </div>
    </section>
  );
}

export function PhoneHold({ view, tx }: { view: SessionView; tx: Tx }) {
  return (
    <section class="screen center" data-screen="phone-hold" data-phone-os={view.phone?.os ?? ""}>
      <PhoneIcon large />
      <h1>{tx(PHONE_KIOSK.holdTitle)}</h1>
      <p class="lead">{tx(PHONE_KIOSK.holdHint)}</p>
    </section>
  );
}

export function PhoneReading({ tx }: { tx: Tx }) {
  return <Wait screen="phone-reading" title={tx(PHONE_KIOSK.reading)} />;
}

/** Android: the phone certificate's own PIN, on the reader's pad (sent to the phone only). */
export function PhonePin({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  return <PinPad key={view.sessionId} view={view} agent={agent} tx={tx} screen="phone-pin" title={tx(PHONE_KIOSK.pinTitle)} hint={tx(PHONE_KIOSK.pinHint)} />;
}

/** iPhone: Face ID / Touch ID on the phone, then continue; the phone's signature tells whether it was done. */
export function PhoneOwnerAuth({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  return (
    <section class="screen center" data-screen="phone-owner-auth">
      <PhoneIcon large />
      <h1>{tx(PHONE_KIOSK.authTitle)}</h1>
      <Notice view={view} tx={tx} />
      <p class="lead">{tx(PHONE_KIOSK.authHint)}</p>
      <button type="button" class="btn btn-primary" data-phone="continue" disabled={view.busy} onClick={() => void agent.send("session:phone-continue", { sessionId: view.sessionId })}>
        {tx(PHONE_KIOSK.continue)}
      </button>
    </section>
  );
}

/** After a phone failure: hold the phone again (when a phone was chosen), or back to the start to use the card. */
export function PhoneWaysForward({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  return (
    <div class="phone-actions">
      {view.phone?.os && view.error?.code !== "phone-other-person" && (
        <button type="button" class="btn btn-primary" data-phone="retry" onClick={() => void agent.send("session:phone-retry", { sessionId: view.sessionId })}>
          {tx(PHONE_KIOSK.retry)}
        </button>
      )}
      <button type="button" class="btn btn-secondary" data-phone="use-card" onClick={() => void agent.send("session:cancel", { sessionId: view.sessionId })}>
        {tx(PHONE_KIOSK.useCard)}
      </button>
    </div>
  );
}

function PhoneIcon({ large = false }: { large?: boolean }) {
  return (
    <svg class={large ? "illustration" : "choice-icon"} viewBox="0 0 120 150" aria-hidden="true">
      <rect x="30" y="10" width="60" height="110" rx="10" fill="#fff" stroke="#1f5fa8" stroke-width="5" />
      <rect x="40" y="24" width="40" height="70" rx="3" fill="#c9d7ea" />
      <circle cx="60" cy="106" r="5" fill="#9fb4cf" />
      {large && <path d="M20 138 q40 -18 80 0" stroke="#5b7089" stroke-width="4" fill="none" stroke-linecap="round" />}
    </svg>
  );
}
