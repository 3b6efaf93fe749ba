/**
 * The kiosk's own words, Japanese first. What happened and the way forward come from the agent
 * (`SessionError.ja / .next`, reader-agent/src/session/messages.ts); this adds a screen title per error code and,
 * where the insurers' leaflets say more, their words (REFERENCE.md seeds). `Record<SessionErrorCode, …>`: the
 * typecheck fails when the agent adds a code this table does not cover.
 */
import type { LocalizedText, SessionErrorCode } from "@onshi-sim/agent/protocol";

export type Lang = "ja" | "en";
export const t = (ja: string, en: string): LocalizedText => ({ ja, en });

export const UI = {
  title: t("マイナ保険証 受付", "My Number Card reception"),
  switchLang: t("English", "日本語"),
  switchLangLabel: t("Switch to English", "日本語に切り替える"),
  cancel: t("受付を中止する", "Cancel"),
  connecting: t("カードリーダーに接続しています", "Connecting to the card reader"),
  connectingHint: t("しばらくお待ちください。表示が変わらないときは受付窓口にお声がけください", "Please wait. If nothing changes, please speak to the reception staff"),
  place: t("マイナンバーカードをカードリーダーに置いてください", "Place your My Number Card on the card reader"),
  placeHint: t("カードはケースから出して置いてください。受付が終わるまでカードを動かさないでください", "Take the card out of its cover. Leave it on the reader until reception is complete"),
  placeOther: t("健康保険証・資格確認書をお持ちの方は受付窓口にお出しください", "If you have a health insurance card or a 資格確認書, please hand it to the reception staff"),
  takeCardBanner: t("カードをお取りください", "Please take your card"),
  reading: t("カードを読み取っています", "Reading the card"),
  readingHint: t("カードを動かさないでください", "Please do not move the card"),
  chooseTitle: t("本人確認の方法を選んでください", "How would you like to confirm it is you?"),
  face: t("顔認証", "Face recognition"),
  faceSub: t("カメラで本人確認します", "The camera checks your face"),
  pin: t("暗証番号", "PIN"),
  pinSub: t("4桁の暗証番号を入力します", "Enter your 4-digit PIN"),
  visual: t("係員に確認してもらう", "Ask a staff member to check"),
  visualSub: t("係員がカードの顔写真とご本人を確認します（目視確認）", "Staff compare you with the card photo (visual check)"),
  lockedTitle: t("暗証番号がロックされています", "Your PIN is locked"),
  lockedBody: t(
    "暗証番号がロックされていても、顔認証または係員による目視確認でマイナ保険証として利用できます",
    "Even with a locked PIN the card works as your health insurance card, with face recognition or a visual check by staff",
  ),
  lockedUnlock: t(
    "暗証番号のロックの解除（再設定）は、お住まいの市区町村窓口で行えます",
    "To unlock (reset) the PIN, visit the My Number Card window of your city office (市区町村窓口)",
  ),
  notSetTitle: t("このカードには暗証番号がありません", "This card has no PIN"),
  pinTitle: t("暗証番号（数字4桁）を入力してください", "Enter your 4-digit PIN"),
  pinFamily: t("ご家族など代理の方が入力することもできます", "A family member may enter it for you"),
  triesLeft: (n: number) => t(`残り ${n} 回`, `${n} ${n === 1 ? "try" : "tries"} left`),
  lastTry: t("あと1回間違えるとロックされます", "One more wrong PIN locks the card"),
  pinClear: t("訂正", "Clear"),
  pinBack: t("1文字消す", "Delete"),
  pinOk: t("確定", "OK"),
  pinDigitsLabel: t("入力した桁数", "Digits entered"),
  switchToFace: t("顔認証にする", "Use face recognition"),
  switchToPin: t("暗証番号にする", "Use PIN instead"),
  faceTitle: t("カメラに顔を向けてください", "Please look at the camera"),
  faceHint: t("マスクや帽子を外し、枠の中に顔が入るようにしてください", "Remove mask or hat and keep your face inside the frame"),
  faceShooting: t("撮影しています", "Taking a picture"),
  faceChecking: t("照合しています", "Checking"),
  facePreparing: t("準備しています", "Getting ready"),
  faceAttempt: (n: number, max: number) => t(`照合 ${n} 回目（最大 ${max} 回）`, `Attempt ${n} (up to ${max})`),
  noCamera: t("カメラを利用できません", "The camera is not available"),
  visualTitle: t("係員が確認します", "A staff member will check"),
  visualBody: t("係員をお呼びください。カードの顔写真とご本人を確認します", "Please call a staff member. They will compare you with the card photo"),
  confirming: t("資格を確認しています", "Checking your insurance qualification"),
  confirmingHint: t("しばらくお待ちください。カードを動かさないでください", "Please wait, and do not move the card"),
  consentTitle: t("同意の確認", "Consent"),
  consentQuestion: t(
    "過去の診療情報・薬剤情報・特定健診情報・手術情報を、診察室等で医師・薬剤師に提供することに同意しますか",
    "Do you agree that your past treatment, medication, specific health check-up and surgery information is shown to the doctor or pharmacist?",
  ),
  consentNote: t("同意した情報だけが提供されます。同意していない情報が提供されることはありません", "Only the information you agree to is shown. Nothing you do not agree to is shared"),
  consentAll: t("すべて同意する", "Agree to all"),
  consentChoose: t("個別に選択する", "Choose item by item"),
  consentNone: t("同意しない", "Do not agree"),
  consentItemsTitle: t("提供する情報を選んでください", "Choose what may be shown"),
  agree: t("同意する", "Agree"),
  disagree: t("同意しない", "Do not agree"),
  decide: t("決定", "Confirm"),
  back: t("戻る", "Back"),
  oldFlowStep: (i: number, n: number) => t(`${i} / ${n}`, `${i} of ${n}`),
  itemQuestion: (label: string) => t(`${label}の提供に同意しますか`, `Do you agree to share: ${label}?`),
  limitNote: t(
    "同意すると限度額適用認定証がなくても、窓口での支払いが限度額までになります",
    "If you agree, you pay no more than the high-cost limit at the counter, without a 限度額適用認定証",
  ),
  doneTitle: t("受付完了", "Reception complete"),
  doneBody: t("お呼びするまでお待ちください", "Please wait until you are called"),
  doneCard: t("カードを忘れずに！ カードをお取りください", "Don't forget your card! Please take it now"),
  noticeCertSoon: t("電子証明書の有効期限が近づいています。お住まいの市区町村窓口で更新してください", "Your card's electronic certificate expires soon. Please renew it at your city office"),
  noticeCertExpired: t(
    "電子証明書の有効期限が切れています。お住まいの市区町村窓口で更新してください",
    "Your card's electronic certificate has expired. Please renew it at your city office",
  ),
  retry: t("もう一度確認する", "Check again"),
  errorTitle: t("受付できませんでした", "Reception could not be completed"),
  abortedTitle: t("受付を中止しました", "Reception stopped"),
  returning: t("まもなく最初の画面に戻ります", "Returning to the start screen shortly"),
  busy: t("処理しています", "Working"),
} as const;

/** Extra lines per error code, in the leaflets' words; the agent's own text and next step come first. */
export interface ErrorScreenText {
  readonly title: LocalizedText;
  readonly more: readonly LocalizedText[];
}

const ASK_STAFF = t("受付窓口にお声がけください", "Please speak to the reception staff");
const DOCS = t(
  "マイナ保険証が読み取れないときは、「資格情報のお知らせ」またはマイナポータルの資格情報画面をマイナンバーカードとあわせてご提示いただくと受診できます。資格確認書をお持ちの方は資格確認書をご提示ください",
  "When the card cannot be read online, show the 資格情報のお知らせ notice or the Mynaportal qualification screen together with your My Number Card. If you have a 資格確認書, show it",
);
const NOT_FOUND_EMPLOYER = t(
  "「資格情報なし」は、勤務先（事業主）へマイナンバーを提出していない、提出が遅れた、番号が間違っていた等で起こります。勤務先にご確認ください",
  "\"No qualification\" happens when the My Number was not submitted to your employer, was submitted late, or was wrong. Please check with your employer",
);
const CITY = t("お住まいの市区町村窓口で手続きができます", "Your city office (市区町村窓口) can help");
const LOST = t("紛失・盗難による一時利用停止は マイナンバー総合フリーダイヤル 0120-95-0178（24時間365日）", "Suspension after loss or theft: My Number toll-free line 0120-95-0178 (24 hours)");
const REGISTER = t(
  "保険証利用登録は、このカードリーダー、マイナポータル、セブン銀行ATMでできます",
  "You can register the card for insurance use at this reader, on Mynaportal or at a Seven Bank ATM",
);

const e = (ja: string, en: string, ...more: LocalizedText[]): ErrorScreenText => ({ title: t(ja, en), more });

export const ERROR_SCREENS: Record<SessionErrorCode, ErrorScreenText> = {
  "card-removed": e("カードが取り外されました", "The card was removed"),
  "not-my-number-card": e("マイナンバーカードではありません", "This is not a My Number Card"),
  "read-error": e("読み取りに失敗しました", "The card could not be read", t("カードはケースから出して、カードリーダーの中央に置いてください", "Take the card out of its cover and place it in the middle of the reader")),
  "reader-broken": e(
    "このカードリーダーは故障中です",
    "This card reader is out of order",
    t("カードは置かずに、受付窓口にお声がけください", "Do not place your card here; please go to the reception counter"),
  ),
  "pin-wrong": e("暗証番号が違います", "Wrong PIN"),
  "pin-locked": e("暗証番号がロックされています", "Your PIN is locked", UI.lockedUnlock),
  "pin-not-set": e("暗証番号が設定されていないカードです", "This card has no PIN"),
  "real-card-safety": e("暗証番号を送信しませんでした", "The PIN was not sent"),
  "face-no-match": e("顔認証できませんでした", "Face recognition failed"),
  "face-no-face": e("顔が見つかりません", "No face found"),
  "face-uncertain": e("判定できませんでした", "Could not decide"),
  "face-attempts-exhausted": e("顔認証できませんでした", "Face recognition did not succeed", t("係員をお呼びください（目視確認）", "Please call a staff member (visual check)")),
  "face-unavailable": e("顔認証を利用できません", "Face recognition is not available"),
  "staff-pin-wrong": e("職員用暗証番号が違います", "Wrong staff PIN"),
  "staff-pin-locked": e("職員用暗証番号は一時的にロックされています", "The staff PIN is locked for now", t("しばらく待ってから、係員が入力してください", "Staff: wait a few minutes, then try again")),
  "staff-not-configured": e("目視確認を利用できません", "Visual check is not available", ASK_STAFF),
  "match-number-b-wrong": e("カードの券面を読み取れませんでした", "The card face could not be read"),
  "server-down": e("資格を確認できませんでした", "Your qualification could not be checked", DOCS),
  "server-timeout": e("資格を確認できませんでした", "Your qualification could not be checked", DOCS),
  "server-error": e("資格を確認できませんでした", "Your qualification could not be checked", DOCS),
  "certificate-expired": e("電子証明書の有効期限が切れています", "The electronic certificate has expired", DOCS),
  "certificate-not-yet-valid": e("電子証明書がまだ有効ではありません", "The electronic certificate is not valid yet", DOCS),
  "certificate-suspended": e("このカードは一時利用停止中です", "This card is suspended", LOST),
  "certificate-revoked": e("電子証明書が失効しています", "The electronic certificate is revoked", CITY, DOCS),
  "certificate-untrusted": e("電子証明書を確認できません", "The electronic certificate cannot be verified", DOCS),
  "card-expired": e("マイナンバーカードの有効期限が切れています", "The My Number Card has expired", CITY, DOCS),
  "not-registered": e("保険証利用登録がされていません", "Not registered for insurance use", REGISTER),
  "person-unknown": e("資格を確認できませんでした", "Your qualification could not be checked", DOCS),
  "device-refused": e("カードリーダーの認証に失敗しました", "The card reader was refused", DOCS),
  "signature-invalid": e("読み取りに失敗しました", "The card could not be read"),
  "qualification-invalid": e(
    "資格無効",
    "Qualification not valid",
    ASK_STAFF,
    t("ご加入の健康保険の資格が確認できませんでした（退職などで資格を喪失している場合があります）", "Your health insurance qualification is not valid (it may have ended, e.g. after leaving a job)"),
    t("新しい健康保険に加入している方は、資格確認書または「資格情報のお知らせ」とマイナンバーカードをご提示ください", "If you joined a new insurer, show your 資格確認書, or the 資格情報のお知らせ together with the card"),
  ),
  "qualification-not-found": e("資格情報なし", "No qualification found", ASK_STAFF, DOCS, NOT_FOUND_EMPLOYER),
  "qualification-multiple": e("複数の資格が見つかりました", "More than one qualification was found", ASK_STAFF),
  "consent-rejected": e("同意の内容を記録できませんでした", "Your consent could not be recorded"),
  "idle-timeout": e("一定時間操作がなかったため受付を中止しました", "Reception stopped: no input for a while"),
  cancelled: e("受付を中止しました", "Reception stopped"),
  "no-method": e("本人確認ができません", "Your identity cannot be confirmed here", ASK_STAFF, DOCS),
  "bad-request": e("操作を受け付けられませんでした", "That input was not accepted"),
  "unknown-session": e("この受付はすでに終了しています", "This reception is over"),
  "wrong-phase": e("今はその操作はできません", "Not possible now"),
  busy: e("処理中です", "Still working"),
  "method-unavailable": e("その方法は利用できません", "That method is not available"),
  "dev-disabled": e("開発用コマンドは無効です", "Developer commands are off"),
  "unknown-card": e("そのカードはありません", "No such card"),
  "card-in-use": e("そのカードは別の読み取り機にあります", "That card is in another reader"),
  "unknown-reader": e("そのカードリーダーはありません", "No such reader"),
  "unknown-event": e("操作を受け付けられませんでした", "That input was not accepted"),
  "payload-too-large": e("操作を受け付けられませんでした", "That input was not accepted"),
  internal: e("エラーが発生しました", "Something went wrong", ASK_STAFF),
};
