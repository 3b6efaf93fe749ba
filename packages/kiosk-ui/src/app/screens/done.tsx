/** 受付完了: wait to be called, the certificate notices (N101, N102) and, above all, take the card. */
import type { SessionView } from "@onshi-sim/agent/protocol";
import { KIOSK } from "@onshi-sim/texts";
import type { Tx } from "./common.js";

export function Done({ view, tx }: { view: SessionView; tx: Tx }) {
  const codes = new Set(view.result?.notices.map((n) => n.code) ?? []);
  return (
    <section class="screen center" data-screen="done">
      <svg class="illustration check" viewBox="0 0 100 100" aria-hidden="true">
        <circle cx="50" cy="50" r="44" fill="#e3f3e8" stroke="#1e7b3c" stroke-width="6" />
        <path d="M28 52 l15 15 l30 -32" stroke="#1e7b3c" stroke-width="9" fill="none" stroke-linecap="round" stroke-linejoin="round" />
      </svg>
      <h1 class="done-title">{tx(KIOSK.doneTitle)}</h1>
      <p class="lead big-lead">{tx(KIOSK.doneBody)}</p>
      {codes.has("N101") && <p class="banner banner-info">{tx(KIOSK.noticeCertSoon)}</p>}
      {codes.has("N102") && <p class="banner banner-info">{tx(KIOSK.noticeCertExpired)}</p>}
      <p class="banner banner-warn take-card" role="alert">
        {tx(KIOSK.doneCard)}
      </p>
    </section>
  );
}
