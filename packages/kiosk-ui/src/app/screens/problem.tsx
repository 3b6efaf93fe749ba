/**
 * The end of a session that did not go through (error, aborted, or done with a result that cannot be used):
 * the error's title, what happened and the way forward — each said once — then 再確認 when it may help and the
 * take-your-card reminder.
 */
import type { SessionView } from "@onshi-sim/agent/protocol";
import { errorWords, KIOSK } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";
import type { Tx } from "./common.js";
import { PhoneWaysForward } from "./phone.js";

export function Problem({ view, agent, tx }: { view: SessionView; agent: AgentConnection; tx: Tx }) {
  const err = view.error;
  const words = err ? errorWords(err) : null;
  const title = words?.title ?? (view.phase === "aborted" ? KIOSK.abortedTitle : KIOSK.errorTitle);
  // With no code to say more, an error sends the patient to the counter; an aborted session needs nothing (the
  // start screen comes back).
  const next = words?.next ?? (view.phase === "aborted" ? [] : [KIOSK.errorNext]);
  const kind = view.phase === "done" ? "not-usable" : view.phase;
  return (
    <section class="screen" data-screen={kind} data-error-code={err?.code ?? ""}>
      <h1 class="problem-title">{tx(title)}</h1>
      {words?.what && <p class="lead">{tx(words.what)}</p>}
      {next.length > 0 && (
        <div class="next-step">
          {next.map((n, i) => (
            <p key={i}>{tx(n)}</p>
          ))}
        </div>
      )}
      {view.phase === "error" && err?.retryable && (
        <button type="button" class="btn btn-primary" onClick={() => void agent.send("session:retry", { sessionId: view.sessionId })}>
          {tx(KIOSK.retry)}
        </button>
      )}
      {view.phase === "error" && view.phone && <PhoneWaysForward view={view} agent={agent} tx={tx} />}
      {view.phase !== "aborted" && err?.code !== "reader-broken" && !view.phone && (
        <p class="banner banner-warn take-card" role="alert">
          {tx(KIOSK.takeCardBanner)}
        </p>
      )}
      {view.phase === "aborted" && <p class="note">{tx(KIOSK.returning)}</p>}
    </section>
  );
}
