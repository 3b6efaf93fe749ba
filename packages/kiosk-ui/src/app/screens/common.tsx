/** Pieces the kiosk's screens share: the language function, the waiting screen, the start screen, the notice banner. */
import type { SessionView } from "@onshi-sim/agent/protocol";
import { errorWords, KIOSK, type LocalizedText } from "@onshi-sim/texts";

/** A text in the patient's language. */
export type Tx = (text: LocalizedText) => string;

export function Wait({ screen, title, hint }: { screen: string; title: string; hint?: string }) {
  return (
    <section class="screen center" data-screen={screen}>
      <div class="spinner" aria-hidden="true" />
      <h1>{title}</h1>
      {hint && <p class="lead">{hint}</p>}
    </section>
  );
}

export function Connecting({ tx }: { tx: Tx }) {
  return <Wait screen="connecting" title={tx(KIOSK.connecting)} hint={tx(KIOSK.connectingHint)} />;
}

/** `phone`: the スマホで受付 button (the smartphone path starts here, instead of placing the card). */
export function PlaceCard({ tx, takeCard = false, phone }: { tx: Tx; takeCard?: boolean; phone?: preact.ComponentChildren }) {
  return (
    <section class="screen center" data-screen="place-card">
      {takeCard && (
        <p class="banner banner-warn" role="status">
          {tx(KIOSK.takeCardBanner)}
        </p>
      )}
      <CardIllustration />
      <h1>{tx(KIOSK.place)}</h1>
      <p class="lead">{tx(KIOSK.placeHint)}</p>
      {phone}
      <p class="note">{tx(KIOSK.placeOther)}</p>
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

/** A problem the session goes on after (a wrong PIN, no match): its title, what happened and the way forward, once each. */
export function Notice({ view, tx }: { view: SessionView; tx: Tx }) {
  const err = view.error;
  if (!err) return null;
  const words = errorWords(err);
  return (
    <div class="banner banner-warn" role="alert" data-error-code={err.code}>
      <strong>{tx(words.title)}</strong>
      {words.what && <span>{tx(words.what)}</span>}
      {words.next.map((n, i) => (
        <span key={i}>{tx(n)}</span>
      ))}
    </div>
  );
}
