/**
 * What a reader's screen asks of the patient now, derived from the session view (phase, the methods left, whether
 * the result is usable): the agent sends codes, this says them. /reception shows it per reader, `drive` prints it.
 */
import type { SessionView, VerificationMethod } from "@onshi-sim/agent/protocol";
import { METHOD_NAMES } from "./labels.js";
import {
  ASK_STAFF,
  CHECKING,
  CHOOSE_METHOD,
  CONSENT_QUESTION,
  DO_NOT_MOVE,
  ENTER_PIN,
  LOOK_AT_CAMERA,
  OUT_OF_COVER,
  PLACE_CARD,
  PLEASE_WAIT,
  READING,
  RECEPTION_FAILED,
  RECEPTION_STOPPED,
  STAFF_WILL_CHECK,
  TAKE_CARD,
  WAIT_TO_BE_CALLED,
} from "./phrases.js";
import { PHONE_PROMPTS } from "./phone.js";
import { BENEFIT_PROMPTS } from "./benefits.js";
import { joinTexts, t, type LocalizedText } from "./text.js";

export const RECEPTION_COMPLETE = t("受付が完了しました", "Reception complete");
export const CHECK_FINISHED = t("確認が終わりました", "The check is finished");

/**
 * The choose-method prompt naming only what this card can still use: a locked PIN or a withdrawn face is not
 * offered. 目視 is the staff's to start, so the patient's prompt names it only when nothing else is left.
 */
export function choosePrompt(methods: readonly VerificationMethod[]): LocalizedText {
  const names = methods.flatMap((m) => (m === "face" || m === "pin" ? [METHOD_NAMES[m]] : []));
  if (names.length === 2) return t(`${CHOOSE_METHOD.ja}（顔認証 または 暗証番号）`, "Choose how to confirm it is you: face recognition or PIN");
  if (names.length === 1) return t(`${CHOOSE_METHOD.ja}（${names[0]!.ja}）`, `Confirm it is you with ${names[0]!.en}`);
  return joinTexts([t("係員がカードの写真で確認します", "A staff member will check your card photo"), ASK_STAFF]);
}

export function promptFor(view: Pick<SessionView, "phase" | "methods" | "result">): LocalizedText {
  switch (view.phase) {
    case "waiting-for-card":
      return joinTexts([PLACE_CARD, OUT_OF_COVER]);
    case "reading":
      return joinTexts([READING, DO_NOT_MOVE]);
    case "choose-method":
      return choosePrompt(view.methods);
    case "pin":
      return ENTER_PIN;
    case "face":
      return LOOK_AT_CAMERA;
    case "visual":
      return joinTexts([STAFF_WILL_CHECK, PLEASE_WAIT]);
    case "confirming":
      return CHECKING;
    case "consent":
      return CONSENT_QUESTION;
    case "done":
      // Not usable (無効, 資格情報なし, 複数該当): the patient goes to the counter.
      return view.result && !view.result.usable ? joinTexts([CHECK_FINISHED, ASK_STAFF, TAKE_CARD]) : joinTexts([RECEPTION_COMPLETE, WAIT_TO_BE_CALLED, TAKE_CARD]);
    case "error":
      return joinTexts([RECEPTION_FAILED, ASK_STAFF]);
    case "aborted":
      return RECEPTION_STOPPED;
    case "phone-os":
    case "phone-hold":
    case "phone-reading":
    case "phone-pin":
    case "phone-owner-auth":
      return PHONE_PROMPTS[view.phase];
    case "register-offer":
    case "register-pin":
    case "register-consent":
      return BENEFIT_PROMPTS[view.phase];
  }
}
