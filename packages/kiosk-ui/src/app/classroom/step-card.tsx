/** One played step as the class reads it: narration, rule and source, what is expected, ✓/✗ with what happened. */
import { CLASSROOM as C, sourceText, type Lang } from "@onshi-sim/texts";
import type { PlayStep } from "../play-client.js";

export function statusMark(status: PlayStep["status"], lang: Lang): string {
  return status === "pass" ? C.matched[lang] : status === "fail" ? C.mismatched[lang] : status === "playing" ? C.playing[lang] : C.pending[lang];
}

export function StepCard({ step, index, of, lang, large = false }: { step: PlayStep; index: number; of: number; lang: Lang; large?: boolean }) {
  return (
    <div class={large ? "step-card step-card-large" : "step-card"} data-play-step={index} data-status={step.status}>
      <p class="step-card-head">
        <span>{C.stepOf(index + 1, of)[lang]}</span> <code>{step.do}</code>{" "}
        <span class={`play-status play-${step.status}`} data-play-status={step.status}>
          {statusMark(step.status, lang)}
        </span>
      </p>
      <p class="step-card-narration" data-play-narration>
        {step.narration[lang]}
      </p>
      {step.rule && (
        <div class="step-card-rule" data-play-rule>
          <p>
            <strong>{C.rule[lang]}:</strong> {step.rule[lang]}
          </p>
          <p class="note">
            {C.source[lang]}: {sourceText(step.rule.source)[lang]}
            {step.rule.source.quote && ` 「${step.rule.source.quote}」`}
          </p>
        </div>
      )}
      {(step.expected.length > 0 || step.observed) && (
        <div class="step-card-check">
          {step.expected.length > 0 && (
            <p>
              <strong>{C.expected[lang]}:</strong> <code>{step.expected.join(" · ")}</code>
            </p>
          )}
          {step.observed && (
            <p data-play-observed>
              <strong>{C.observed[lang]}:</strong> <code>{step.observed}</code>
            </p>
          )}
          {step.failures.map((f) => (
            <p class="staff-alert" key={f}>
              {f}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}
