/**
 * /trainer: play a scenario on the live system — choose it, set up and start, then next / previous / pause /
 * auto-advance / stop. Each step shows its narration, rule and source, what is expected and ✓/✗ whether the live
 * system matched. /present shows the same for the room.
 */
import { useState } from "preact/hooks";
import { CLASSROOM as C, type Lang } from "@onshi-sim/texts";
import { sendPlay, usePlay, type PlayCommand } from "../play-client.js";
import { StepCard, statusMark } from "../classroom/step-card.js";

export function PlayPanel({ lang, say }: { lang: Lang; say: (text: string) => void }) {
  const play = usePlay();
  const [name, setName] = useState("");
  if (!play) return null;
  const send = async (c: PlayCommand) => {
    const r = await sendPlay(c);
    if (!r.ok && r.message) say(r.message);
  };
  const current = play.index >= 0 ? play.steps[play.index] : undefined;
  return (
    <div class="panel" data-panel="play">
      <h2>{C.play[lang]}</h2>
      <p class="note">{C.playHint[lang]}</p>
      <div class="row">
        <label>
          {C.play[lang]}
          <select name="playScenario" value={name || play.scenario?.name || ""} onChange={(e) => setName((e.target as HTMLSelectElement).value)}>
            <option value="">—</option>
            {play.catalogue.map((s) => (
              <option value={s.name} key={s.name}>
                {s.name} — {s.title[lang]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="primary" data-action="play-start" disabled={!(name || play.scenario)} onClick={() => void send({ action: "start", scenario: name || play.scenario!.name })}>
          {C.start[lang]}
        </button>
        <button type="button" data-action="play-prev" disabled={!play.scenario || play.index <= 0} onClick={() => void send({ action: "prev" })}>
          {C.prev[lang]}
        </button>
        <button type="button" class="primary" data-action="play-next" disabled={!play.running} onClick={() => void send({ action: "next" })}>
          {C.next[lang]}
        </button>
        <button type="button" data-action="play-pause" disabled={!play.running} aria-pressed={play.paused} onClick={() => void send({ action: play.paused ? "resume" : "pause" })}>
          {C.pause[lang]}
        </button>
        <label class="switch">
          <input type="checkbox" role="switch" name="playAuto" checked={play.auto} onChange={(e) => void send({ action: "auto", on: (e.target as HTMLInputElement).checked })} />
          <span class="switch-track" aria-hidden="true" />
          <span class="switch-label">{C.auto[lang]}</span>
        </label>
        <button type="button" data-action="play-stop" disabled={!play.running} onClick={() => void send({ action: "stop" })}>
          {C.stop[lang]}
        </button>
      </div>
      {play.scenario && (
        <div data-play-scenario={play.scenario.name}>
          <p>
            <strong>{play.scenario.title[lang]}</strong> <span class="note">{play.scenario.summary[lang]}</span>
          </p>
          {current && <StepCard step={current} index={play.index} of={play.steps.length} lang={lang} />}
          <ol class="play-steps" data-play-steps>
            {play.steps.map((s, i) => (
              <li key={i} class={i === play.index ? "current" : ""} data-status={s.status}>
                <span class={`play-status play-${s.status}`}>{statusMark(s.status, lang)}</span> <code>{s.do}</code> {s.narration[lang]}
              </li>
            ))}
          </ol>
          {play.finished && (
            <p class={play.ok ? "staff-ok" : "staff-alert"} data-play-finished={play.ok ? "ok" : "failed"}>
              {C.finished(play.ok === true)[lang]}
              {play.error && ` — ${play.error}`}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
