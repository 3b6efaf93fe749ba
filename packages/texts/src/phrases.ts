/**
 * Sentences more than one table uses (a prompt, a screen, an error's way forward): written here once, so the
 * kiosk, /reception and `drive` say them the same way. Exact texts of real readers are not public; these follow
 * the insurers' and the MHLW's leaflets for patients.
 */
import { CARD_PIN_DIGITS } from "@onshi-sim/apdu";
import { t } from "./text.js";

export const PLACE_CARD = t("マイナンバーカードをカードリーダーに置いてください", "Place your My Number Card on the card reader");
export const OUT_OF_COVER = t("カードはケースから出して置いてください", "Take the card out of its cover");
export const READING = t("カードを読み取っています", "Reading the card");
export const DO_NOT_MOVE = t("カードを動かさないでください", "Please do not move the card");
export const CHOOSE_METHOD = t("本人確認の方法を選んでください", "How would you like to confirm it is you?");
export const ENTER_PIN = t(`暗証番号（数字${CARD_PIN_DIGITS}桁）を入力してください`, `Enter your ${CARD_PIN_DIGITS}-digit PIN`);
export const LOOK_AT_CAMERA = t("カメラに顔を向けてください", "Please look at the camera");
export const STAFF_WILL_CHECK = t("係員が確認します", "A staff member will check");
export const CHECKING = t("資格を確認しています", "Checking your insurance qualification");
export const CONSENT_QUESTION = t(
  "過去の診療情報・薬剤情報・特定健診情報・手術情報を、診察室等で医師・薬剤師に提供することに同意しますか",
  "Do you agree that your past treatment, medication, specific health check-up and surgery information is shown to the doctor or pharmacist?",
);
export const WAIT_TO_BE_CALLED = t("お呼びするまでお待ちください", "Please wait until you are called");
export const PLEASE_WAIT = t("しばらくお待ちください", "Please wait");
export const TAKE_CARD = t("カードをお取りください", "Please take your card");
export const ASK_STAFF = t("受付窓口にお声がけください", "Please speak to the reception staff");
export const RECEPTION_FAILED = t("受付できませんでした", "Reception could not be completed");
export const RECEPTION_STOPPED = t("受付を中止しました", "Reception stopped");
export const REMOVE_AND_RETRY = t("カードを取り、もう一度置いてください", "Take the card and place it again");
export const FACE_OR_VISUAL = t("顔認証または係員による目視確認で受付できます", "You can continue with face recognition or a visual check by staff");

/** What to show when the card cannot be checked online (the leaflets: お知らせ or マイナポータル with the card, or 資格確認書). */
export const FALLBACK_DOCUMENTS = t(
  "「資格情報のお知らせ」またはマイナポータルの資格情報画面を、マイナンバーカードとあわせて受付でご提示ください。資格確認書をお持ちの方は資格確認書をご提示ください",
  "Show the 資格情報のお知らせ notice or the Mynaportal qualification screen together with your My Number Card at reception. If you have a 資格確認書, show that instead",
);
export const RENEW_CERTIFICATE = t("お住まいの市区町村窓口で電子証明書を更新してください", "Renew the certificate at your city office (市区町村窓口)");
