/**
 * 医療費助成 (PMH): after the other consent screens, 「医療費助成の各種受給者証を利用しますか」 提供する / 提供しない
 * (REFERENCE §6; live in e.g. 八王子市 and 湖西市 from 2026-04). Shown only when the confirmation offered it.
 */
import { BENEFITS_KIOSK as B } from "@onshi-sim/texts";
import type { Tx } from "./common.js";

export function PmhConsent({ busy, onAnswer, tx }: { busy: boolean; onAnswer: (provide: boolean) => void; tx: Tx }) {
  return (
    <section class="screen" data-screen="consent-pmh">
      <h1>{tx(B.pmhTitle)}</h1>
      <p class="lead">{tx(B.pmhQuestion)}</p>
      <p class="note note-box">{tx(B.pmhNote)}</p>
      <div class="choices">
        <button type="button" class="btn btn-primary big" disabled={busy} onClick={() => onAnswer(true)} data-pmh="provide">
          {tx(B.pmhProvide)}
        </button>
        <button type="button" class="btn btn-secondary big" disabled={busy} onClick={() => onAnswer(false)} data-pmh="decline">
          {tx(B.pmhDecline)}
        </button>
      </div>
    </section>
  );
}
