/**
 * 保険証利用登録 at the reader (issue 14 §7; seed leaflets 000 and 003): after E131 the reader offers to register
 * now — (the PIN, when the patient was verified by face or 目視) — the registration consent — then the
 * qualification in the same visit. The PIN pad is the usual one (screens/pin-pad.tsx).
 */
import type { SessionView } from "@onshi-sim/agent/protocol";
import { BENEFITS_KIOSK as B } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";
import { Wait, type Tx } from "./common.js";

export function RegisterOffer({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  const answer = (accept: boolean) => void agent.send("session:register", { sessionId: view.sessionId, accept });
  return (
    <section class="screen" data-screen="register-offer" data-error-code={view.error?.code ?? ""}>
      <h1 class="problem-title">{tx(B.registerTitle)}</h1>
      <p class="lead">{tx(B.registerQuestion)}</p>
      <div class="choices">
        <button type="button" class="btn btn-primary big" disabled={view.busy} onClick={() => answer(true)} data-register="yes">
          {tx(B.registerNow)}
        </button>
        <button type="button" class="btn btn-secondary big" disabled={view.busy} onClick={() => answer(false)} data-register="no">
          {tx(B.registerLater)}
        </button>
      </div>
    </section>
  );
}

export function RegisterConsent({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  if (view.busy) return <Wait screen="registering" title={tx(B.registering)} />;
  const answer = (accept: boolean) => void agent.send("session:register", { sessionId: view.sessionId, accept });
  return (
    <section class="screen" data-screen="register-consent">
      <h1>{tx(B.registerConsentTitle)}</h1>
      <p class="lead note-box">{tx(B.registerConsentBody)}</p>
      <div class="choices">
        <button type="button" class="btn btn-primary big" onClick={() => answer(true)} data-register="agree">
          {tx(B.registerAgree)}
        </button>
        <button type="button" class="btn btn-secondary big" onClick={() => answer(false)} data-register="disagree">
          {tx(B.registerDisagree)}
        </button>
      </div>
    </section>
  );
}
