/**
 * The 目視 panel of /reception: staff type the staff PIN, may show the 券面 (photo, name and address as printed,
 * birth date, sex, expiry — read by the agent from the 券面AP with 照合番号B and answered to this page only), compare
 * it with the patient and confirm. A wrong staff PIN is said plainly, with the tries left before the lock.
 */
import { useState } from "preact/hooks";
import type { SessionView, StaffCardFaceView } from "@onshi-sim/agent/protocol";
import { errorText, formatCompactDate, labelOf, RECEPTION as W, RECEPTION_HISTORY as H, SEX_LABELS } from "@onshi-sim/texts";
import type { AgentConnection } from "../agent-client.js";

export function VisualSwitch({ view, agent }: { view: SessionView; agent: AgentConnection }) {
  const [pin, setPin] = useState("");
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [face, setFace] = useState<StaffCardFaceView | null>(null);
  const staffPin = () => {
    const p = pin;
    setPin("");
    return p;
  };
  return (
    <div class="visual-check" data-visual-check={view.sessionId}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const ack = await agent.send("staff:visual", { sessionId: view.sessionId, staffPin: staffPin() });
          setMessage(ack.ok ? { ok: true, text: W.visualSent.ja } : { ok: false, text: errorText(ack.error).ja });
        }}
      >
        <label>
          {W.staffPin.ja}
          <input type="password" inputMode="numeric" autoComplete="off" value={pin} onInput={(e) => setPin((e.target as HTMLInputElement).value)} name="staffPin" />
        </label>
        <button
          type="button"
          data-action="show-card-face"
          onClick={async () => {
            const ack = await agent.send("staff:card-face", { sessionId: view.sessionId, staffPin: staffPin() });
            if (ack.ok && ack.cardFace) {
              setFace(ack.cardFace);
              setMessage(null);
            } else setMessage({ ok: false, text: ack.ok ? "" : errorText(ack.error).ja });
          }}
        >
          {H.showCardFace.ja}
        </button>
        <button type="submit" class="primary">
          {W.visualConfirmed.ja}
        </button>
      </form>
      {message && (
        <p class={message.ok ? "staff-ok" : "staff-alert"} role={message.ok ? "status" : "alert"} data-staff-message={message.ok ? "ok" : "error"}>
          {message.text}
        </p>
      )}
      {face && <CardFacePanel face={face} />}
    </div>
  );
}

function CardFacePanel({ face }: { face: StaffCardFaceView }) {
  return (
    <figure class="card-face" data-card-face>
      <figcaption>
        <strong>{H.cardFaceTitle.ja}</strong>
        <span class="note">{H.cardFaceHint.ja}</span>
      </figcaption>
      <div class="card-face-body">
        <img class="card-face-photo" src={`data:image/png;base64,${face.photoPng}`} alt={H.cardPhoto.ja} />
        <dl>
          <dt>{H.nameOnCard.ja}</dt>
          <dd>
            <img src={`data:image/png;base64,${face.nameImagePng}`} alt={H.nameOnCard.ja} />
          </dd>
          <dt>{H.addressOnCard.ja}</dt>
          <dd>
            <img src={`data:image/png;base64,${face.addressImagePng}`} alt={H.addressOnCard.ja} />
          </dd>
          <dt>{H.birthDate.ja}</dt>
          <dd data-field="card-birth">{formatCompactDate(face.birthDate)}</dd>
          <dt>{H.sex.ja}</dt>
          <dd>{labelOf(SEX_LABELS, face.sex).ja}</dd>
          <dt>{H.cardExpires.ja}</dt>
          <dd>{formatCompactDate(face.expiresOn)}</dd>
        </dl>
      </div>
    </figure>
  );
}
