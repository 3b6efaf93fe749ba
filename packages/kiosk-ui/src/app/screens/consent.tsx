/**
 * 同意の確認. Since 2024-10-07: 包括同意 (all four information items at once) or item by item on one screen;
 * before: one screen per item, the last of them 限度額.
 */
import { useState } from "preact/hooks";
import type { ConsentItem, ConsentRequestView, SessionView } from "@onshi-sim/agent/protocol";
import { KIOSK } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";
import { Wait, type Tx } from "./common.js";
import { PmhConsent } from "./pmh-consent.js";

const INFO_ITEMS: readonly ConsentItem[] = ["diagnosis", "pharmacists", "specificHealthCheckups", "operation"];

type ConsentPayload = { comprehensive?: boolean; items?: Partial<Record<ConsentItem, boolean>> };

export function Consent({ view, request: offered, agent, tx }: { view: SessionView; request: ConsentRequestView; agent: AgentConnection; tx: Tx }) {
  // 医療費助成 (PMH) has its own screen after the others: the answers wait for it, then go together.
  const pmh = offered.items.some((i) => i.item === "publicExpense");
  const request: ConsentRequestView = { ...offered, items: offered.items.filter((i) => i.item !== "publicExpense") };
  const [step, setStep] = useState<"overview" | "items">(request.comprehensiveOffered ? "overview" : "items");
  const [answers, setAnswers] = useState<Partial<Record<ConsentItem, boolean>>>({});
  const [index, setIndex] = useState(0);
  const [pending, setPending] = useState<ConsentPayload | null>(null);
  const post = (payload: ConsentPayload) => void agent.send("session:consent", { sessionId: view.sessionId, ...payload });
  const send = (payload: ConsentPayload) => (pmh ? setPending(payload) : post(payload));

  if (pending) {
    return <PmhConsent busy={view.busy} tx={tx} onAnswer={(provide) => post({ ...pending, items: { ...pending.items, publicExpense: provide } })} />;
  }

  if (step === "overview") {
    return (
      <section class="screen" data-screen="consent">
        <h1>{tx(KIOSK.consentTitle)}</h1>
        <p class="lead">{tx(KIOSK.consentQuestion)}</p>
        <ul class="items-list">
          {request.items
            .filter((i) => INFO_ITEMS.includes(i.item))
            .map((i) => (
              <li key={i.item}>{tx(KIOSK.consentItems[i.item])}</li>
            ))}
        </ul>
        <div class="choices">
          <button type="button" class="btn btn-primary big" disabled={view.busy} onClick={() => send({ comprehensive: true })} data-consent="all">
            {tx(KIOSK.consentAll)}
          </button>
          <button type="button" class="btn btn-secondary big" disabled={view.busy} onClick={() => setStep("items")} data-consent="choose">
            {tx(KIOSK.consentChoose)}
          </button>
        </div>
        <button type="button" class="btn btn-quiet wide" disabled={view.busy} onClick={() => send({ comprehensive: false })} data-consent="none">
          {tx(KIOSK.consentNone)}
        </button>
        <p class="note">{tx(KIOSK.consentNote)}</p>
      </section>
    );
  }

  if (request.comprehensiveOffered) {
    // Since 2024-10-07: one screen with every item.
    const complete = request.items.every((i) => answers[i.item] !== undefined);
    return (
      <section class="screen" data-screen="consent-items">
        <h1>{tx(KIOSK.consentItemsTitle)}</h1>
        <div class="item-rows">
          {request.items.map((i) => (
            <div class="item-row" role="group" aria-label={tx(KIOSK.consentItems[i.item])} key={i.item} data-item={i.item}>
              <span class="item-label">{tx(KIOSK.consentItems[i.item])}</span>
              <button type="button" class="toggle" aria-pressed={answers[i.item] === true} onClick={() => setAnswers({ ...answers, [i.item]: true })}>
                {tx(KIOSK.agree)}
              </button>
              <button type="button" class="toggle" aria-pressed={answers[i.item] === false} onClick={() => setAnswers({ ...answers, [i.item]: false })}>
                {tx(KIOSK.disagree)}
              </button>
            </div>
          ))}
        </div>
        <div class="choices">
          <button type="button" class="btn btn-secondary" onClick={() => setStep("overview")}>
            {tx(KIOSK.back)}
          </button>
          <button type="button" class="btn btn-primary" disabled={!complete || view.busy} onClick={() => send({ items: answers })} data-consent="submit">
            {tx(KIOSK.decide)}
          </button>
        </div>
      </section>
    );
  }

  // Before 2024-10-07: one screen per item, the last of them 限度額.
  const item = request.items[index];
  if (!item) return <Wait screen="confirming" title={tx(KIOSK.confirming)} />;
  const answer = (value: boolean) => {
    const next = { ...answers, [item.item]: value };
    setAnswers(next);
    if (index + 1 < request.items.length) setIndex(index + 1);
    else send({ items: next });
  };
  return (
    <section class="screen" data-screen={item.item === "limitApplication" ? "consent-limit" : "consent-item"} data-item={item.item}>
      <p class="step">{tx(KIOSK.oldFlowStep(index + 1, request.items.length))}</p>
      <h1>{tx(KIOSK.consentTitle)}</h1>
      <p class="lead">{tx(KIOSK.itemQuestion(tx(KIOSK.consentItems[item.item])))}</p>
      {item.item === "limitApplication" && <p class="note note-box">{tx(KIOSK.limitNote)}</p>}
      <div class="choices">
        <button type="button" class="btn btn-primary big" disabled={view.busy} onClick={() => answer(true)} data-consent="agree">
          {tx(KIOSK.agree)}
        </button>
        <button type="button" class="btn btn-secondary big" disabled={view.busy} onClick={() => answer(false)} data-consent="disagree">
          {tx(KIOSK.disagree)}
        </button>
      </div>
      {index > 0 && (
        <button type="button" class="btn btn-quiet" onClick={() => setIndex(index - 1)}>
          {tx(KIOSK.back)}
        </button>
      )}
    </section>
  );
}
