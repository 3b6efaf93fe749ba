/**
 * /present: the presenter view for a projector (laid out for 1920×1080) — the patient's kiosk screen and the
 * receptionist's view side by side (each the real page, mirrored: they send nothing), the scenario's narration,
 * rule and ✓/✗ underneath in type that reads from the back of a room. Keys: → next step, ← previous, space pause /
 * resume. The scenario is started on /trainer (or `onshi-sim scenario play`); a touch kiosk on a second screen at
 * / follows the same session, since every kiosk shows the reader's session.
 */
import { useEffect } from "preact/hooks";
import { CLASSROOM as C, sourceText, type Lang } from "@onshi-sim/texts";
import { sendPlay, usePlay } from "./play-client.js";
import { statusMark } from "./classroom/step-card.js";
import { initialLang } from "./trainer.js";

export const pageTitle = `${C.presentTitle.ja} — onshi-sim`;

export function Present() {
  const play = usePlay();
  const lang: Lang = initialLang();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const p = play;
      if (!p) return;
      if (e.key === "ArrowRight") void sendPlay({ action: "next" });
      else if (e.key === "ArrowLeft") void sendPlay({ action: "prev" });
      else if (e.key === " ") void sendPlay({ action: p.paused ? "resume" : "pause" });
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [play]);
  const step = play && play.index >= 0 ? play.steps[play.index] : undefined;
  return (
    <div class="present" data-page="present" lang={lang}>
      <header class="present-head">
        <span class="present-title">{play?.scenario ? play.scenario.title[lang] : C.presentTitle[lang]}</span>
        {play?.scenario && step && (
          <span class="present-pos" data-present-position>
            {C.stepOf(play.index + 1, play.steps.length)[lang]} <span class={`play-status play-${step.status}`}>{statusMark(step.status, lang)}</span>
          </span>
        )}
        <span class="present-keys">{C.keys[lang]}</span>
      </header>
      <div class="present-screens">
        <figure class="present-frame present-kiosk">
          <figcaption>{C.kioskScreen[lang]}</figcaption>
          <div class="frame-box">
            <iframe src="/?mirror=1" title={C.kioskScreen[lang]} tabIndex={-1} />
          </div>
        </figure>
        <figure class="present-frame present-reception">
          <figcaption>{C.receptionView[lang]}</figcaption>
          <div class="frame-box">
            <iframe src="/reception?mirror=1" title={C.receptionView[lang]} tabIndex={-1} />
          </div>
        </figure>
      </div>
      <section class="present-narration" aria-live="polite" data-present-narration>
        {!play?.scenario && <p class="present-say">{C.noScenario[lang]}</p>}
        {play?.scenario && !step && <p class="present-say">{play.scenario.summary[lang]}</p>}
        {step && (
          <>
            <p class="present-say">{step.narration[lang]}</p>
            {step.rule && (
              <p class="present-rule">
                {C.rule[lang]}: {step.rule[lang]} <span class="present-source">（{sourceText(step.rule.source)[lang]}）</span>
              </p>
            )}
            {step.expected.length > 0 && (
              <p class="present-expect">
                {C.expected[lang]}: <code>{step.expected.join(" · ")}</code>
                {step.observed && (
                  <>
                    {" "}
                    → <code>{step.observed}</code>
                  </>
                )}
              </p>
            )}
          </>
        )}
      </section>
    </div>
  );
}
