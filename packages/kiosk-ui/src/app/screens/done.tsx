/** 受付完了: wait to be called, the certificate notices (N101, N102) and, above all, take the card. */
import type { SessionView } from "@onshi-sim/agent/protocol";
import { BENEFITS_KIOSK, errorWords, KIOSK } from "@onshi-sim/texts";
import type { Tx } from "./common.js";

export function Done({ view, tx }: { view: SessionView; tx: Tx }) {
  const codes = new Set(view.result?.notices.map((n) => n.code) ?? []);
  // Grace after an expiry: the result is the qualification only, and the patient is told why no consent was asked.
  const qualificationOnly = view.error?.code === "qualification-only" ? errorWords(view.error) : null;
  return (
    <section class="screen center" data-screen="done">
      <svg class="illustration check" viewBox="0 0 100 100" aria-hidden="true">
        <circle cx="50" cy="50" r="44" fill="#e3f3e8" stroke="#1e7b3c" stroke-width="6" />
        <path d="M28 52 l15 15 l30 -32" stroke="#1e7b3c" stroke-width="9" fill="none" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
      <h1 class="done-title">{tx(KIOSK.doneTitle)}</h1>
      <p class="lead big-lead">{tx(KIOSK.doneBody)}</p>
      {view.registeredNow && (
        <p class="banner banner-info" data-notice="registered-now">
          {tx(BENEFITS_KIOSK.registeredNow)}
        </p>
      )}
      {qualificationOnly ? (
        <div class="banner banner-info" role="status" data-notice="qualification-only">
          <strong>{tx(BENEFITS_KIOSK.qualificationOnlyTitle)}</strong>
          <span>{tx(qualificationOnly.title)}</span>
          {qualificationOnly.what && <span>{tx(qualificationOnly.what)}</span>}
          {qualificationOnly.next.map((n, i) => (
            <span key={i}>{tx(n)}</span>
          ))}
        </div>
      ) : (
        <>
          {codes.has("N101") && <p class="banner banner-info">{tx(KIOSK.noticeCertSoon)}</p>}
          {codes.has("N102") && <p class="banner banner-info">{tx(KIOSK.noticeCertExpired)}</p>}
        </>
      )}
      <p class="banner banner-warn take-card" role="alert">
        {tx(KIOSK.doneCard)}
      </p>
    </section>
  );
}
