/**
 * One line of words per thing a script sees — a session view, a refusal, a transport notice — for `onshi-sim
 * drive`, which prints them next to the codes, and for anyone logging what the patient was told.
 */
import { ENDED_PHASES, type SessionView } from "@onshi-sim/agent/protocol";
import { promptFor } from "./prompts.js";
import { errorText } from "./session-errors.js";
import { joinTexts, type LocalizedText } from "./text.js";

/** What the screen says for this view: the problem first (when there is one), then what to do now. */
export function viewText(view: Pick<SessionView, "phase" | "methods" | "result" | "error">): LocalizedText {
  const prompt = promptFor(view);
  if (!view.error) return prompt;
  // An ended session's error already says what to do; the generic "could not be completed" would only repeat it.
  return ENDED_PHASES.has(view.phase) ? errorText(view.error) : joinTexts([errorText(view.error), prompt]);
}
