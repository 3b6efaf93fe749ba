/**
 * The smartphone マイナ保険証's words (issue 14 §2; デジタル庁 「スマートフォンのマイナ保険証利用」, 厚生労働省
 * 「マイナ保険証をスマートフォンで利用する」 leaflets, 2025): the kiosk's screens, the prompts, the errors and
 * their ways forward, the staff's and trainer's phase names. Japanese first.
 */
import type { SessionErrorCode, SessionPhase } from "@onshi-sim/agent/protocol";
import { CARD_PIN_DIGITS } from "@onshi-sim/apdu";
import { ASK_STAFF, FALLBACK_DOCUMENTS } from "./phrases.js";
import { t, type LocalizedText } from "./text.js";

type PhonePhase = "phone-os" | "phone-hold" | "phone-reading" | "phone-pin" | "phone-owner-auth";
type PhoneErrorCode = Extract<SessionErrorCode, `phone-${string}`>;

export const CHOOSE_PHONE = t("お使いのスマートフォンを選んでください", "Which smartphone do you have?");
export const HOLD_PHONE = t("スマートフォンをスマホ用読み取り機にかざしてください", "Hold your smartphone over the smartphone reader");
export const READING_PHONE = t("スマートフォンを読み取っています", "Reading your smartphone");
export const ENTER_PHONE_PIN = t(`スマホ用電子証明書の暗証番号（数字${CARD_PIN_DIGITS}桁）を入力してください`, `Enter the ${CARD_PIN_DIGITS}-digit PIN of your smartphone certificate`);
export const AUTH_ON_PHONE = t("スマートフォンで本人確認（Face ID など）をしてください", "Confirm it is you on your iPhone (Face ID or Touch ID)");

export const PHONE_KIOSK = {
  start: t("スマホで受付", "Use my smartphone"),
  startSub: t("マイナ保険証を登録したスマートフォンで受付します", "Reception with the マイナ保険証 on your smartphone"),
  chooseTitle: CHOOSE_PHONE,
  iphone: t("iPhone", "iPhone"),
  iphoneSub: t("iPhone のマイナンバーカード", "My Number Card on iPhone"),
  android: t("Android", "Android"),
  androidSub: t("Android のスマホ用電子証明書", "Smartphone certificate on Android"),
  holdTitle: HOLD_PHONE,
  holdHint: t("カードリーダーではなく、スマートフォン用の読み取り機です。金属の台の上では読み取れないことがあります", "Use the smartphone reader, not the card slot. A metal counter may stop it being read"),
  reading: READING_PHONE,
  pinTitle: ENTER_PHONE_PIN,
  pinHint: t("マイナンバーカードの暗証番号ではなく、スマートフォンに設定した暗証番号です", "The PIN you set on the phone, not your card's PIN"),
  authTitle: AUTH_ON_PHONE,
  authHint: t("本人確認が済んだら、スマートフォンをかざしたまま「続ける」を押してください", "When you have confirmed it on the phone, keep it over the reader and press Continue"),
  continue: t("続ける", "Continue"),
  retry: t("もう一度スマホで受付", "Try the smartphone again"),
  useCard: t("カードで受付する", "Use the card instead"),
  back: t("最初の画面に戻る", "Back to the start"),
} as const;

export const PHONE_PHASE_NAMES: Record<PhonePhase, LocalizedText> = {
  "phone-os": t("スマホの種類の選択", "choosing the smartphone"),
  "phone-hold": t("スマホ待ち", "waiting for the smartphone"),
  "phone-reading": t("スマホ読み取り中", "reading the smartphone"),
  "phone-pin": t("スマホ暗証番号入力", "entering the smartphone PIN"),
  "phone-owner-auth": t("スマホで本人確認中", "confirming on the iPhone"),
};

export const PHONE_PROMPTS: Record<PhonePhase, LocalizedText> = {
  "phone-os": CHOOSE_PHONE,
  "phone-hold": HOLD_PHONE,
  "phone-reading": READING_PHONE,
  "phone-pin": ENTER_PHONE_PIN,
  "phone-owner-auth": AUTH_ON_PHONE,
};

export const PHONE_TRAINER_NOTES: Record<PhonePhase, LocalizedText> = {
  "phone-os": t(
    "スマホ用の受付。iPhone（2025-06-24〜）か Android（2025-09-19〜）かを選びます。",
    "The smartphone path: iPhone (since 2025-06-24) or Android (since 2025-09-19).",
  ),
  "phone-hold": t(
    "スマホは資格確認端末につないだ汎用カードリーダー（スマホ用読み取り機）で読みます。カードのスロットではありません。",
    "The phone is read on a general-purpose NFC reader beside the card reader, not in the card slot.",
  ),
  "phone-reading": t(
    "JPKI-AP を SELECT し EF 0006 を読みます: Android は JPKIAPGPSETOKEN、iPhone は JPKIAPIOSTOKEN（カードは JPKIAPICCTOKEN2）。",
    "SELECT the JPKI-AP and read EF 0006: JPKIAPGPSETOKEN on Android, JPKIAPIOSTOKEN on iPhone (JPKIAPICCTOKEN2 on a card).",
  ),
  "phone-pin": t(
    "Android のスマホ用利用者証明用電子証明書は、暗証番号の後でないと読めません（69 82）。3回間違えるとロック。",
    "Android's own certificate can be read only after its PIN (69 82 before). Three wrong PINs lock it.",
  ),
  "phone-owner-auth": t(
    "iPhone は読み取り機で暗証番号を入れません。本人がスマホで Face ID などで認証している間だけ署名します。",
    "An iPhone takes no PIN on the reader: it signs only while its owner has authenticated on the phone (Face ID).",
  ),
};

const BRING_CARD = t("次回はマイナンバーカードをお持ちください", "Please bring your My Number Card next time");
const USE_CARD_NOW = t("マイナンバーカードをお持ちの方は、カードで受付できます", "If you have your My Number Card with you, you can use it instead");
const w = (title: LocalizedText, what: LocalizedText | null, ...next: LocalizedText[]) => ({ title, what, next });

export const PHONE_ERROR_WORDS: Record<PhoneErrorCode, { title: LocalizedText; what: LocalizedText | null; next: readonly LocalizedText[] }> = {
  "phone-reader-missing": w(
    t("この医療機関ではスマホで受付できません", "This clinic cannot read smartphones"),
    t("スマートフォン用の読み取り機がありません", "There is no smartphone reader here"),
    USE_CARD_NOW,
    BRING_CARD,
    FALLBACK_DOCUMENTS,
  ),
  "phone-not-held": w(
    t("スマートフォンを読み取れませんでした", "No smartphone was read"),
    t("時間内にスマートフォンがかざされませんでした", "No phone was held over the reader in time"),
    t("スマホ用読み取り機の中央にスマートフォンの背面をかざし、もう一度お試しください", "Hold the back of the phone over the middle of the smartphone reader and try again"),
    USE_CARD_NOW,
  ),
  "phone-removed": w(t("スマートフォンが離れました", "The smartphone was taken away"), null, t("受付が終わるまでスマートフォンをかざしたままにしてください", "Keep the phone over the reader until reception is complete")),
  "phone-unreadable": w(
    t("スマートフォンのマイナ保険証を読み取れませんでした", "The smartphone's マイナ保険証 could not be read"),
    null,
    t("スマートフォンにマイナンバーカードの機能が設定されているかご確認ください。カードはカードリーダーに置いてください", "Check that the My Number Card function is set up on the phone. A card goes on the card reader"),
    USE_CARD_NOW,
  ),
  "phone-pin-locked": w(
    t("スマホ用電子証明書の暗証番号がロックされています", "The smartphone certificate's PIN is locked"),
    null,
    USE_CARD_NOW,
    t("ロックの解除はスマートフォンのマイナポータルアプリで行えます", "Unlock it in the マイナポータル app on your phone"),
  ),
  "phone-not-authenticated": w(
    t("スマートフォンで本人確認ができていません", "You have not confirmed it on your phone yet"),
    null,
    t("iPhone で Face ID（または Touch ID）の本人確認をしてから、もう一度「続ける」を押してください", "Confirm it with Face ID (or Touch ID) on the iPhone, then press Continue again"),
  ),
  "phone-certificate-expired": w(
    t("スマホ用電子証明書の有効期限が切れています", "The smartphone certificate has expired"),
    t("スマートフォンでは、有効期限後の3か月の猶予はありません", "A smartphone gets no 3-month grace after the expiry"),
    t("マイナンバーカードまたは資格確認書をお出しください", "Please use your My Number Card or show a 資格確認書"),
    t("スマホ用電子証明書はマイナポータルで再発行できます", "You can re-issue the smartphone certificate in マイナポータル"),
  ),
  "phone-other-person": w(
    t("このスマートフォンではご本人のマイナ保険証として受付できません", "This phone cannot be used for this person's reception"),
    t("スマートフォンには持ち主ご本人のマイナンバーカードだけを登録できます（お子さまのカードを親のスマホに登録することはできません）", "A phone holds only its owner's own card (a child's card cannot go on a parent's phone)"),
    t("ご本人のマイナンバーカードで受付してください", "Please use that person's own My Number Card"),
    ASK_STAFF,
  ),
};


