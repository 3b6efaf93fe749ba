/**
 * /trainer: the result XML the レセコン receives, for the session on the reader now: cleared when a new card
 * arrives, fetched when that session is done (the server writes the face file right after completion, so it is
 * asked for a file written since the session started, a few times).
 */
import { useEffect, useState } from "preact/hooks";
import type { SessionView } from "@onshi-sim/agent/protocol";
import { CLASSROOM as C, TRAINER as W, type Lang } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";

type XmlState = { readonly session: SessionView | null; readonly xml: string | null; readonly waiting: boolean };

export function XmlPanel({ agent, lang }: { agent: AgentConnection; lang: Lang }) {
  const [state, setState] = useState<XmlState>({ session: null, xml: null, waiting: false });
  useEffect(() => {
    let current = "";
    let fetched = "";
    const load = async (view: SessionView) => {
      const since = Date.parse(view.startedAt);
      for (let i = 0; i < 20 && current === view.sessionId; i++) {
        const r = await fetch(`/ui/face-results/latest?since=${since}`, { cache: "no-store" });
        if (r.ok) {
          const xml = await r.text();
          if (current === view.sessionId) setState({ session: view, xml, waiting: false });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      if (current === view.sessionId) setState((s) => ({ ...s, waiting: false }));
    };
    return agent.onView((v) => {
      if (v.phase === "waiting-for-card") return;
      if (v.sessionId !== current) {
        current = v.sessionId;
        setState({ session: v, xml: null, waiting: true });
      }
      if (v.phase === "done" && fetched !== v.sessionId) {
        fetched = v.sessionId;
        void load(v);
      } else if (v.phase === "error" || v.phase === "aborted") setState((s) => (s.session?.sessionId === v.sessionId && !s.xml ? { session: v, xml: null, waiting: false } : s));
    });
  }, [agent]);
  const s = state.session;
  return (
    <div class="panel" data-panel="xml">
      <h2>{W.resultXml[lang]}</h2>
      {/* The newest file whatever its session (a console opened after the reception). */}
      <button
        type="button"
        onClick={async () => {
          const r = await fetch("/ui/face-results/latest", { cache: "no-store" });
          if (r.ok) {
            const xml = await r.text();
            setState((s) => ({ ...s, xml, waiting: false }));
          }
        }}
      >
        {W.showLatest[lang]}
      </button>
      {s && (
        <p class="note" data-xml-session={s.sessionId}>
          {C.xmlFor(s.reader, new Date(s.startedAt).toLocaleTimeString(lang === "ja" ? "ja-JP" : "en-GB"))[lang]}
        </p>
      )}
      {state.xml ? (
        <pre class="xml" data-xml tabIndex={0} aria-label={W.resultXmlLabel[lang]}>
          {state.xml}
        </pre>
      ) : (
        <p class="note">{!s ? W.noneYet[lang] : state.waiting ? C.xmlWaiting[lang] : C.xmlNone[lang]}</p>
      )}
    </div>
  );
}
