/**
 * The words of every session error and command refusal: a title (the screen's heading), what happened (only
 * where it says more than the title) and the way forward (one paragraph each). A screen shows each once, so none
 * of the three repeats another: `Record<SessionErrorCode, …>` makes the compiler find a code without words.
 *
 * Merged from the agent's messages and the kiosk's screen texts (issue 12): the kiosk's titles and the leaflets'
 * longer advice were kept; where the agent said the title again in other words, its sentence was dropped.
 */
import type { SessionError, SessionErrorCode } from "@onshi-sim/agent/protocol";
import { ASK_STAFF, FACE_OR_VISUAL, FALLBACK_DOCUMENTS, REMOVE_AND_RETRY, RENEW_CERTIFICATE } from "./phrases.js";
import { PHONE_ERROR_WORDS } from "./phone.js";
import { BENEFIT_ERROR_WORDS } from "./benefits.js";
import { joinTexts, t, type LocalizedText } from "./text.js";

export interface ErrorWords {
  readonly title: LocalizedText;
  /** What happened, when the title alone does not say it. */
  readonly what: LocalizedText | null;
  /** The way forward, one paragraph each. */
  readonly next: readonly LocalizedText[];
}

const UNLOCK_AT_CITY_OFFICE = t(
  "暗証番号のロックの解除（再設定）は、お住まいの市区町村窓口で行えます",
  "To unlock (reset) the PIN, visit the My Number Card window of your city office (市区町村窓口)",
);
const NOT_ACCEPTED = t("操作を受け付けられませんでした", "That input was not accepted");
const QUALIFICATION_NOT_CHECKED = t("資格を確認できませんでした", "Your qualification could not be checked");

const w = (title: LocalizedText, what: LocalizedText | null, ...next: LocalizedText[]): ErrorWords => ({ title, what, next });

export const ERROR_WORDS: Record<SessionErrorCode, ErrorWords> = {
  ...BENEFIT_ERROR_WORDS,
  // the card
  "card-removed": w(t("カードが取り外されました", "The card was removed"), null, t("もう一度カードを置いてください", "Place the card again to start over")),
  "not-my-number-card": w(
    t("マイナンバーカードではありません", "This is not a My Number Card"),
    null,
    t("マイナンバーカードを置いてください", "Place a My Number Card"),
    t("健康保険証・資格確認書は受付窓口にお出しください", "Hand an insurance card or 資格確認書 to the reception staff"),
  ),
  "read-error": w(
    t("読み取りに失敗しました", "The card could not be read"),
    null,
    REMOVE_AND_RETRY,
    t("カードはケースから出して、カードリーダーの中央に置いてください", "Take the card out of its cover and place it in the middle of the reader"),
  ),
  "reader-broken": w(
    t("このカードリーダーは故障中です", "This card reader is out of order"),
    null,
    t("カードは置かずに、受付窓口にお声がけください", "Do not place your card here; please go to the reception counter"),
    t(
      "マイナンバーカードと「資格情報のお知らせ」（またはマイナポータルの「健康保険証の資格情報」画面）を受付窓口でご提示ください。資格確認書をお持ちの方は資格確認書をご提示ください",
      "Show your My Number Card together with the 資格情報のお知らせ notice (or the Mynaportal 資格情報 screen) at the reception counter. If you have a 資格確認書, show that instead",
    ),
  ),
  // PIN
  "pin-wrong": w(t("暗証番号が違います", "Wrong PIN"), null, t("もう一度入力してください（残り回数にご注意ください）", "Try again (mind the tries left)")),
  "pin-locked": w(
    t("暗証番号がロックされています", "Your PIN is locked"),
    t(
      "暗証番号がロックされていても、顔認証または係員による目視確認でマイナ保険証として利用できます",
      "Even with a locked PIN the card works as your health insurance card, with face recognition or a visual check by staff",
    ),
    UNLOCK_AT_CITY_OFFICE,
  ),
  "pin-not-set": w(
    t("このカードには暗証番号がありません", "This card has no PIN"),
    t("顔認証マイナンバーカードです", "It is a face-recognition-only My Number Card"),
    FACE_OR_VISUAL,
  ),
  "real-card-safety": w(
    t("暗証番号を送信しませんでした", "The PIN was not sent"),
    t("残り回数が少ないため、カードを守るために送信をやめました", "Too few tries were left: the PIN was held back to protect the card"),
    t("顔認証または係員による目視確認をご利用ください", "Use face recognition or a visual check by staff"),
  ),
  // face
  "face-no-match": w(
    t("顔認証できませんでした", "Your face did not match the card photo"),
    null,
    t("もう一度カメラに顔を向けてください。暗証番号でも受付できます", "Look at the camera again, or use your PIN"),
  ),
  "face-no-face": w(t("顔が見つかりません", "No face in the camera image"), null, t("カメラの正面に顔を向けてください", "Face the camera straight on")),
  "face-uncertain": w(t("判定できませんでした", "Could not decide"), null, t("もう一度カメラに顔を向けてください", "Please look at the camera again")),
  "face-attempts-exhausted": w(
    t("顔認証できませんでした", "Face recognition did not succeed"),
    null,
    t("暗証番号の入力、または係員による目視確認で受付できます", "Continue with your PIN, or a visual check by staff"),
  ),
  "face-unavailable": w(t("顔認証を利用できません", "Face recognition is not available"), null, t("暗証番号、または係員による目視確認をご利用ください", "Use your PIN, or a visual check by staff")),
  // 目視 / staff
  "staff-pin-wrong": w(t("職員用暗証番号が違います", "Wrong staff PIN"), null, t("職員用暗証番号を確認してください", "Check the staff PIN")),
  "staff-pin-locked": w(
    t("職員用暗証番号は一時的にロックされています", "The staff PIN is locked for now"),
    null,
    t("続けて間違えたため、しばらく待ってから入力してください", "Too many wrong staff PINs: wait a few minutes, then try again"),
  ),
  "staff-not-configured": w(
    t("目視確認を利用できません", "Visual check is not available"),
    t("職員用暗証番号が設定されていません", "No staff PIN is configured"),
    ASK_STAFF,
  ),
  "match-number-b-wrong": w(
    t("カードの券面を読み取れませんでした", "The card face could not be read"),
    t("照合番号Bが違います", "Wrong 照合番号B"),
    t("券面の生年月日・有効期限・セキュリティコードを確認してください", "Check birth date, expiry year and security code on the card"),
  ),
  // server and qualification
  "server-down": w(QUALIFICATION_NOT_CHECKED, t("オンライン資格確認システムに接続できません", "The online qualification system cannot be reached"), FALLBACK_DOCUMENTS),
  "server-timeout": w(QUALIFICATION_NOT_CHECKED, t("オンライン資格確認システムの応答がありません", "The online qualification system did not answer in time"), FALLBACK_DOCUMENTS),
  "server-error": w(QUALIFICATION_NOT_CHECKED, t("オンライン資格確認システムでエラーが発生しました", "The online qualification system reported an error"), FALLBACK_DOCUMENTS),
  "certificate-expired": w(t("電子証明書の有効期限が切れています", "The card's electronic certificate has expired"), null, RENEW_CERTIFICATE, FALLBACK_DOCUMENTS),
  "certificate-not-yet-valid": w(t("電子証明書がまだ有効ではありません", "The card's electronic certificate is not valid yet"), null, FALLBACK_DOCUMENTS),
  "certificate-suspended": w(
    t("このカードは一時利用停止中です", "This card is suspended (reported lost)"),
    null,
    ASK_STAFF,
    t(
      "一時利用停止の解除は、お住まいの市区町村窓口、またはマイナンバー総合フリーダイヤル 0120-95-0178（24時間365日）へ",
      "To lift the suspension, contact your city office or the My Number toll-free line 0120-95-0178 (24 hours)",
    ),
  ),
  "certificate-revoked": w(t("電子証明書が失効しています", "The card's electronic certificate is revoked"), null, RENEW_CERTIFICATE, FALLBACK_DOCUMENTS),
  "certificate-untrusted": w(t("電子証明書を確認できません", "The card's certificate cannot be verified"), null, FALLBACK_DOCUMENTS),
  "card-expired": w(
    t("マイナンバーカードの有効期限が切れています", "The My Number Card has expired"),
    null,
    t("カードの更新は、お住まいの市区町村窓口で手続きができます", "Your city office (市区町村窓口) can renew the card"),
    FALLBACK_DOCUMENTS,
  ),
  "not-registered": w(
    t("保険証利用登録がされていません", "The card is not registered for use as a health insurance card"),
    null,
    ASK_STAFF,
    t("保険証利用登録は、このカードリーダー、マイナポータル、セブン銀行ATMでできます", "You can register the card for insurance use at this reader, on Mynaportal or at a Seven Bank ATM"),
  ),
  "person-unknown": w(QUALIFICATION_NOT_CHECKED, t("利用者を特定できません", "The card holder could not be identified"), FALLBACK_DOCUMENTS),
  "device-refused": w(t("カードリーダーの認証に失敗しました", "The card reader's registration was refused"), null, FALLBACK_DOCUMENTS),
  "signature-invalid": w(t("読み取りに失敗しました", "The card could not be read"), t("電子署名の検証に失敗しました", "The card's signature did not verify"), REMOVE_AND_RETRY),
  "qualification-invalid": w(
    t("資格無効", "Qualification not valid"),
    t("ご加入の健康保険の資格が確認できませんでした（退職などで資格を喪失している場合があります）", "Your health insurance qualification is not valid (it may have ended, e.g. after leaving a job)"),
    ASK_STAFF,
    t(
      "新しい健康保険に加入している方は、資格確認書または「資格情報のお知らせ」とマイナンバーカードをご提示ください",
      "If you joined a new insurer, show your 資格確認書, or the 資格情報のお知らせ together with the card",
    ),
  ),
  "qualification-not-found": w(
    t("資格情報なし", "No qualification found"),
    t(
      "「資格情報なし」は、勤務先（事業主）へマイナンバーを提出していない、提出が遅れた、番号が間違っていた等で起こります",
      "\"No qualification\" happens when the My Number was not submitted to your employer, was submitted late, or was wrong",
    ),
    ASK_STAFF,
    FALLBACK_DOCUMENTS,
    t("マイナンバーの提出については、勤務先にご確認ください", "Please check the My Number submission with your employer"),
  ),
  "qualification-multiple": w(t("複数の資格が見つかりました", "More than one qualification was found"), null, ASK_STAFF),
  "consent-rejected": w(t("同意の内容を記録できませんでした", "Your consent could not be recorded"), null, ASK_STAFF),
  // the session
  "idle-timeout": w(t("一定時間操作がなかったため受付を中止しました", "Reception stopped: no input for a while"), null, REMOVE_AND_RETRY),
  cancelled: w(t("受付を中止しました", "Reception was cancelled"), null, REMOVE_AND_RETRY),
  "no-method": w(t("本人確認ができません", "Your identity cannot be confirmed here"), t("このカードで利用できる本人確認の方法がありません", "No way to confirm the holder is available for this card"), ASK_STAFF, FALLBACK_DOCUMENTS),
  // commands (acks)
  "bad-request": w(NOT_ACCEPTED, t("要求の形式が正しくありません", "The request is malformed"), t("送信内容を確認してください", "Check what was sent")),
  "unknown-session": w(t("この受付はすでに終了しています", "That session is over"), null, t("画面を最新の状態にしてください", "Refresh the screen")),
  "wrong-phase": w(t("今はその操作はできません", "That is not possible at this step"), null, t("画面の案内に従ってください", "Follow the screen")),
  busy: w(t("処理中です", "Still working"), null, t("しばらくお待ちください", "Please wait a moment")),
  "method-unavailable": w(t("その方法は利用できません", "That method is not available"), null, t("表示されている方法から選んでください", "Choose one of the methods shown")),
  "dev-disabled": w(t("開発用コマンドは無効です", "Developer commands are disabled"), null, t("エージェントを --dev で起動してください", "Start the agent with --dev")),
  "unknown-card": w(t("そのカードはありません", "No such card"), null, t("onshi-sim card list で確認してください", "See onshi-sim card list")),
  "card-in-use": w(t("そのカードは別の読み取り機にあります", "That card is in another reader"), null, t("そちらから取り出してから置いてください", "Remove it there first")),
  "unknown-reader": w(t("そのカードリーダーはありません", "No such reader"), null, t("接続されているカードリーダーを確認してください", "Check the readers connected")),
  "unknown-event": w(NOT_ACCEPTED, t("その操作はありません", "There is no such event"), t("イベント名を確認してください（packages/agent/src/socket/events.ts）", "Check the event name (packages/agent/src/socket/events.ts)")),
  "payload-too-large": w(
    NOT_ACCEPTED,
    t("送信内容が大きすぎます", "The payload is too large"),
    t("カメラ画像は 8 MiB まで、その他の操作は 64 KiB までです", "Camera frames may be up to 8 MiB, every other command up to 64 KiB"),
  ),
  "no-answer": w(t("カードリーダーから応答がありません", "No answer from the card reader"), null, ASK_STAFF),
  internal: w(t("内部エラーが発生しました", "Something went wrong"), null, ASK_STAFF),
  // the smartphone (phone.ts)
  ...PHONE_ERROR_WORDS,
};

/** The words of one error, with its parameters filled in (minutes left, the card's holder). */
export function errorWords(error: Pick<SessionError, "code" | "params">): ErrorWords {
  const base = ERROR_WORDS[error.code];
  const p = error.params;
  if (error.code === "staff-pin-locked" && p?.minutesLeft !== undefined) {
    const m = p.minutesLeft;
    return { ...base, next: [t(`続けて間違えたため、あと約${m}分待ってから入力してください`, `Too many wrong staff PINs: wait about ${m} minute${m === 1 ? "" : "s"}, then try again`)] };
  }
  if (error.code === "staff-pin-wrong" && p?.triesLeft !== undefined) {
    const n = p.triesLeft;
    return { ...base, next: [...base.next, t(`あと${n}回間違えるとロックされます`, `${n} more wrong ${n === 1 ? "try" : "tries"} and it locks`)] };
  }
  if (error.code === "card-in-use" && p?.holder) return { ...base, title: t(`${base.title.ja}（${p.holder}）`, `${base.title.en} (${p.holder})`) };
  return base;
}

/** An error as one line (title, what happened, the way forward), e.g. for `drive` and the staff pages. */
export function errorText(error: Pick<SessionError, "code" | "params" | "serverCode">): LocalizedText {
  const words = errorWords(error);
  const title = error.serverCode ? t(`${words.title.ja}（${error.serverCode}）`, `${words.title.en} (${error.serverCode})`) : words.title;
  return joinTexts([title, words.what, ...words.next]);
}

/** The way forward as one text. */
export function nextText(error: Pick<SessionError, "code" | "params">): LocalizedText {
  return joinTexts(errorWords(error).next);
}
