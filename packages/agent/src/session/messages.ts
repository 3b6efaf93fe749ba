/**
 * The words of a reception session, Japanese and English, in one place: prompts per phase, and for every error
 * code what happened and the way forward. Exact texts of real readers are not public (REFERENCE.md §1 [I]);
 * these follow the insurers' leaflets.
 */
import type { ConsentItem, LocalizedText, SessionError, SessionErrorCode, SessionPhase, VerificationMethod } from "./session-view.js";

const t = (ja: string, en: string): LocalizedText => ({ ja, en });

export const PROMPTS: Record<SessionPhase, LocalizedText> = {
  "waiting-for-card": t("マイナンバーカードをカードリーダーに置いてください（ケースから出してください）", "Place your My Number Card on the reader (out of its cover)"),
  reading: t("カードを読み取っています。カードを動かさないでください", "Reading the card. Please do not move it"),
  "choose-method": t("本人確認の方法を選んでください（顔認証 または 暗証番号）", "Choose how to confirm it is you: face recognition or PIN"),
  pin: t("暗証番号（数字4桁）を入力してください", "Enter your 4-digit PIN"),
  face: t("カメラに顔を向けてください", "Please look at the camera"),
  visual: t("係員が確認します。しばらくお待ちください", "A staff member will check your card photo. Please wait"),
  confirming: t("資格を確認しています", "Checking your insurance qualification"),
  consent: t("過去の診療・お薬・健診・手術の情報を医師等に提供することに同意しますか", "Do you agree to share your past medical, medication, check-up and surgery information with the doctor?"),
  done: t("受付が完了しました。お呼びするまでお待ちください。カードをお取りください", "Reception complete. Please wait until you are called. Don't forget your card"),
  error: t("受付できませんでした。受付窓口にお声がけください", "Reception could not be completed. Please speak to the reception staff"),
  aborted: t("受付を中止しました", "Reception stopped"),
};

const PATIENT_METHOD_NAMES = { face: t("顔認証", "face recognition"), pin: t("暗証番号", "PIN") } as const;

/**
 * The choose-method prompt naming only what this card can still use: a locked PIN or a withdrawn face is not
 * offered. 目視 is the staff's to start, so the patient's prompt names it only when nothing else is left.
 */
export function choosePrompt(methods: readonly VerificationMethod[]): LocalizedText {
  const names = methods.flatMap((m) => (m === "face" || m === "pin" ? [PATIENT_METHOD_NAMES[m]] : []));
  if (names.length === 2) return PROMPTS["choose-method"];
  if (names.length === 1) return t(`本人確認の方法を選んでください（${names[0]!.ja}）`, `Confirm it is you with ${names[0]!.en}`);
  return t("係員がカードの写真で確認します。受付窓口にお声がけください", "A staff member will check your card photo. Please speak to the reception staff");
}

/** `done`, but the result is not usable (無効, 資格情報なし, 複数該当): the patient goes to the counter. */
export const DONE_NOT_USABLE_PROMPT = t(
  "確認が終わりました。受付窓口にお声がけください。カードをお取りください",
  "The check is finished. Please speak to the reception staff. Don't forget your card",
);

const REMOVE_AND_RETRY = t("カードを取り、もう一度置いてください", "Take the card and place it again");
const ASK_STAFF = t("受付窓口にお声がけください", "Please speak to the reception staff");
const FALLBACK_DOCUMENTS = t(
  "資格確認書、または「資格情報のお知らせ」（マイナポータルの資格情報画面）とマイナンバーカードを受付でご提示ください",
  "Show your 資格確認書 (eligibility certificate), or the 資格情報のお知らせ notice (or the Mynaportal screen) together with your My Number Card, at reception",
);
const CITY_OFFICE_RENEWAL = t("お住まいの市区町村窓口で電子証明書を更新してください。本日は受付窓口にお声がけください", "Renew the certificate at your city office. For today, please speak to the reception staff");

interface ErrorText {
  readonly text: LocalizedText;
  readonly next: LocalizedText;
  readonly retryable?: boolean;
}

const ERRORS: Record<SessionErrorCode, ErrorText> = {
  "card-removed": { text: t("カードが取り外されました", "The card was removed"), next: t("もう一度カードを置いてください", "Place the card again to start over") },
  "not-my-number-card": {
    text: t("マイナンバーカードではありません", "This is not a My Number Card"),
    next: t("マイナンバーカードを置いてください。健康保険証・資格確認書は受付窓口にお出しください", "Place a My Number Card. Hand an insurance card or 資格確認書 to the reception staff"),
  },
  "read-error": { text: t("読み取りに失敗しました", "The card could not be read"), next: REMOVE_AND_RETRY },
  "reader-broken": {
    text: t("このカードリーダーは故障中のため使えません", "This card reader is out of order"),
    next: t(
      "マイナンバーカードと「資格情報のお知らせ」（またはマイナポータルの「健康保険証の資格情報」画面）を受付窓口でご提示ください。資格確認書をお持ちの方は資格確認書をご提示ください",
      "Show your My Number Card together with the 資格情報のお知らせ notice (or the Mynaportal 資格情報 screen) at the reception counter. If you have a 資格確認書, show that instead",
    ),
  },
  "pin-wrong": { text: t("暗証番号が違います", "Wrong PIN"), next: t("もう一度入力してください（残り回数にご注意ください）", "Try again (mind the tries left)") },
  "pin-locked": {
    text: t("暗証番号がロックされています", "The PIN is locked"),
    next: t(
      "顔認証または係員による目視確認で受付できます。ロックの解除はお住まいの市区町村窓口で行えます",
      "You can continue with face recognition or a visual check by staff. The PIN can be unlocked at your city office (市区町村窓口)",
    ),
  },
  "pin-not-set": {
    text: t("このカードには暗証番号が設定されていません（顔認証マイナンバーカード）", "This card has no PIN (face-recognition-only My Number Card)"),
    next: t("顔認証または係員による目視確認で受付できます", "Continue with face recognition or a visual check by staff"),
  },
  "real-card-safety": {
    text: t("カードを守るため暗証番号を送信しませんでした（残り回数が少ないため）", "The PIN was not sent, to protect the card (too few tries left)"),
    next: t("顔認証または係員による目視確認をご利用ください", "Use face recognition or a visual check by staff"),
  },
  "face-no-match": { text: t("顔認証できませんでした", "Your face did not match the card photo"), next: t("もう一度カメラに顔を向けてください。暗証番号でも受付できます", "Look at the camera again, or use your PIN") },
  "face-no-face": { text: t("顔が見つかりません", "No face in the camera image"), next: t("マスクや帽子を外し、カメラの正面に顔を向けてください", "Remove mask or hat and face the camera") },
  "face-uncertain": { text: t("判定できませんでした", "Could not decide"), next: t("もう一度カメラに顔を向けてください", "Please look at the camera again") },
  "face-attempts-exhausted": {
    text: t("顔認証できませんでした", "Face recognition did not succeed"),
    next: t("暗証番号の入力、または係員による目視確認で受付できます", "Continue with your PIN, or a visual check by staff"),
  },
  "face-unavailable": { text: t("顔認証を利用できません", "Face recognition is not available"), next: t("暗証番号、または係員による目視確認をご利用ください", "Use your PIN, or a visual check by staff") },
  "staff-pin-wrong": { text: t("職員用暗証番号が違います", "Wrong staff PIN"), next: t("職員用暗証番号を確認してください", "Check the staff PIN") },
  "staff-pin-locked": {
    text: t("職員用暗証番号は一時的にロックされています", "The staff PIN is locked for now"),
    next: t("続けて間違えたため、しばらく待ってから入力してください", "Too many wrong staff PINs: wait a few minutes, then try again"),
  },
  "staff-not-configured": { text: t("目視確認は設定されていません", "Visual check is not configured"), next: ASK_STAFF },
  "match-number-b-wrong": { text: t("照合番号Bが違います", "Wrong 照合番号B"), next: t("券面の生年月日・有効期限・セキュリティコードを確認してください", "Check birth date, expiry year and security code on the card") },
  "server-down": {
    text: t("オンライン資格確認システムに接続できません", "The online qualification system cannot be reached"),
    next: FALLBACK_DOCUMENTS,
    retryable: true,
  },
  "server-timeout": { text: t("オンライン資格確認システムの応答がありません", "The online qualification system did not answer in time"), next: FALLBACK_DOCUMENTS, retryable: true },
  "server-error": { text: t("オンライン資格確認システムでエラーが発生しました", "The online qualification system reported an error"), next: FALLBACK_DOCUMENTS, retryable: true },
  "certificate-expired": { text: t("電子証明書の有効期限が切れています", "The card's electronic certificate has expired"), next: CITY_OFFICE_RENEWAL },
  "certificate-not-yet-valid": { text: t("電子証明書の有効期間の開始前です", "The card's electronic certificate is not valid yet"), next: ASK_STAFF },
  "certificate-suspended": {
    text: t("このカードは一時利用停止中です", "This card is suspended (reported lost)"),
    next: t("受付窓口にお声がけください。利用停止の解除は市区町村窓口またはコールセンターへ", "Please speak to the reception staff; to lift the suspension contact your city office"),
  },
  "certificate-revoked": { text: t("電子証明書は失効しています", "The card's electronic certificate is revoked"), next: CITY_OFFICE_RENEWAL },
  "certificate-untrusted": { text: t("電子証明書を確認できません", "The card's certificate cannot be verified"), next: ASK_STAFF },
  "card-expired": { text: t("マイナンバーカードの有効期限が切れています", "The My Number Card has expired"), next: CITY_OFFICE_RENEWAL },
  "not-registered": {
    text: t("健康保険証としての利用登録がされていません", "The card is not registered for use as a health insurance card"),
    next: t("受付窓口にお声がけください（利用登録はカードリーダーやマイナポータルでできます）", "Please speak to the reception staff (registration can be done at the reader or on Mynaportal)"),
  },
  "person-unknown": { text: t("利用者を特定できません", "The card holder could not be identified"), next: ASK_STAFF },
  "device-refused": { text: t("カードリーダーの認証に失敗しました", "The card reader's registration was refused"), next: ASK_STAFF },
  "signature-invalid": { text: t("電子署名の検証に失敗しました", "The card's signature did not verify"), next: REMOVE_AND_RETRY },
  "qualification-invalid": { text: t("資格が無効です", "The insurance qualification is not valid"), next: ASK_STAFF },
  "qualification-not-found": {
    text: t("資格情報がありません", "No insurance qualification was found"),
    next: t("資格確認書などをお持ちでしたら受付窓口でご提示ください", "If you have a 資格確認書 or similar, show it at reception"),
  },
  "qualification-multiple": { text: t("複数の資格が見つかりました", "More than one qualification was found"), next: ASK_STAFF },
  "consent-rejected": { text: t("同意の内容を記録できませんでした", "The consent answer could not be recorded"), next: ASK_STAFF },
  "idle-timeout": { text: t("一定時間操作がなかったため受付を中止しました", "Reception stopped: no input for a while"), next: REMOVE_AND_RETRY },
  cancelled: { text: t("受付を中止しました", "Reception was cancelled"), next: REMOVE_AND_RETRY },
  "no-method": { text: t("このカードで利用できる本人確認の方法がありません", "No way to confirm the holder is available for this card"), next: ASK_STAFF },
  "bad-request": { text: t("要求の形式が正しくありません", "The request is malformed"), next: t("送信内容を確認してください", "Check what was sent") },
  "unknown-session": { text: t("この受付はすでに終了しています", "That session is over"), next: t("画面を最新の状態にしてください", "Refresh the screen") },
  "wrong-phase": { text: t("今はその操作はできません", "That is not possible at this step"), next: t("画面の案内に従ってください", "Follow the screen") },
  busy: { text: t("処理中です", "Still working"), next: t("しばらくお待ちください", "Please wait a moment") },
  "method-unavailable": { text: t("その方法は利用できません", "That method is not available"), next: t("表示されている方法から選んでください", "Choose one of the methods shown") },
  "dev-disabled": { text: t("開発用コマンドは無効です", "Developer commands are disabled"), next: t("エージェントを --dev で起動してください", "Start the agent with --dev") },
  "unknown-card": { text: t("そのカードはありません", "No such card"), next: t("onshi-sim card list で確認してください", "See onshi-sim card list") },
  "card-in-use": { text: t("そのカードは別の読み取り機にあります", "That card is in another reader"), next: t("そちらから取り出してから置いてください", "Remove it there first") },
  "unknown-reader": { text: t("そのカードリーダーはありません", "No such reader"), next: t("接続されているカードリーダーを確認してください", "Check the readers connected") },
  "unknown-event": { text: t("その操作はありません", "There is no such event"), next: t("イベント名を確認してください（packages/agent/src/socket/events.ts）", "Check the event name (packages/agent/src/socket/events.ts)") },
  "payload-too-large": {
    text: t("送信内容が大きすぎます", "The payload is too large"),
    next: t("カメラ画像は 8 MiB まで、その他の操作は 64 KiB までです", "Camera frames may be up to 8 MiB, every other command up to 64 KiB"),
  },
  internal: { text: t("内部エラーが発生しました", "Internal error"), next: ASK_STAFF },
};

export function sessionError(code: SessionErrorCode, extra: { serverCode?: string; retryable?: boolean } = {}): SessionError {
  const e = ERRORS[code];
  return {
    code,
    ja: e.text.ja,
    en: e.text.en,
    next: e.next,
    retryable: extra.retryable ?? e.retryable ?? false,
    ...(extra.serverCode ? { serverCode: extra.serverCode } : {}),
  };
}

/** staff-pin-locked with how long is left (whole minutes, at least 1): the lock's length is configurable. */
export function staffPinLockedError(retryAfterMs: number): SessionError {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
  return {
    ...sessionError("staff-pin-locked"),
    next: t(`続けて間違えたため、あと約${minutes}分待ってから入力してください`, `Too many wrong staff PINs: wait about ${minutes} minute${minutes === 1 ? "" : "s"}, then try again`),
  };
}

/** card-in-use naming where the card is (e.g. "pid 123 (onshi-sim card insert --via vpcd --slot 0), since …"). */
export function cardInUseError(holder: string): SessionError {
  const e = sessionError("card-in-use");
  return { ...e, ja: `${e.ja}（${holder}）`, en: `${e.en} (${holder})` };
}

export const CONSENT_ITEM_LABELS: Record<ConsentItem, LocalizedText> = {
  diagnosis: t("診療情報", "Medical treatment information"),
  pharmacists: t("薬剤情報", "Medication information"),
  specificHealthCheckups: t("特定健診情報", "Specific health check-up information"),
  operation: t("手術情報", "Surgery information"),
  limitApplication: t("限度額情報", "High-cost medical expense limit information"),
  specificDiseases: t("特定疾病療養受療証情報", "Specific disease treatment certificate information"),
};

export const VALIDITY_LABELS: Record<string, LocalizedText> = {
  "1": t("有効", "valid"),
  "2": t("無効", "not valid"),
  "3": t("無効（新しい資格あり）", "not valid (a newer qualification exists)"),
  "4": t("該当資格なし", "no qualification found"),
  "5": t("複数該当", "more than one qualification"),
};

export const SEX_LABELS: Record<string, LocalizedText> = { "1": t("男", "male"), "2": t("女", "female"), "3": t("未設定", "not set") };
export const PERSONAL_FAMILY_LABELS: Record<string, LocalizedText> = { "1": t("本人", "insured person"), "2": t("家族", "dependant") };

/** "030" → 3割 / 30 %. */
export function contributionLabel(ratio: string): LocalizedText {
  const n = Number(ratio);
  return Number.isInteger(n) && n > 0 ? t(`${n / 10}割`, `${n} %`) : t(ratio, ratio);
}
