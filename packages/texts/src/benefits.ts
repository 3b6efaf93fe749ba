/**
 * The words of the 2025–2026 additions (issue 14 §4–7): the 医療費助成 (PMH) consent screen, 医療扶助, the grace
 * period's "qualification only", and 保険証利用登録 at the reader. Spread into the shared records (labels.ts,
 * session-errors.ts, trainer.ts) so each code still has its words in one place; the kiosk's and /reception's
 * screen words are BENEFITS_KIOSK and BENEFITS_RECEPTION.
 */
import type { SessionPhase } from "@onshi-sim/agent/protocol";
import { ASK_STAFF, FALLBACK_DOCUMENTS, RENEW_CERTIFICATE } from "./phrases.js";
import { t, type LocalizedText } from "./text.js";

type Words = { readonly title: LocalizedText; readonly what: LocalizedText | null; readonly next: readonly LocalizedText[] };
type RegistrationPhase = Extract<SessionPhase, "register-offer" | "register-pin" | "register-consent">;

export const PMH_QUESTION = t("医療費助成の各種受給者証を利用しますか", "Use your medical expense subsidy certificates (医療費助成の受給者証)?");

export const BENEFIT_CONSENT_LABELS = { publicExpense: t("医療費助成の受給者証情報", "Medical expense subsidy certificate information") } as const;
export const BENEFIT_CONSENT_SHORT = { publicExpense: t("医療費助成", "subsidy") } as const;

export const BENEFIT_ERROR_WORDS = {
  "registration-failed": {
    title: t("保険証利用登録ができませんでした", "The card could not be registered for insurance use"),
    what: null,
    next: [ASK_STAFF, t("マイナポータルやセブン銀行ATMでも登録できます", "You can also register on Mynaportal or at a Seven Bank ATM")],
  },
  "medical-ticket-unregistered": {
    title: t("今月の医療券が確認できません", "This month's 医療券 (medical ticket) is not registered yet"),
    what: t("医療扶助の資格は有効ですが、福祉事務所による今月の医療券の登録がまだです（有効（未登録））", "Your 医療扶助 (public medical assistance) is valid, but the welfare office has not yet registered this month's ticket"),
    next: [ASK_STAFF],
  },
  "qualification-only": {
    title: t("電子証明書の有効期限が切れています", "Your card's certificate has expired"),
    what: t("期限切れ後の猶予期間中のため、資格情報のみ提供します。薬剤情報などの同意画面は表示されません", "During the grace period after the expiry only your qualification is provided: no consent screens for medication and other information"),
    next: [RENEW_CERTIFICATE],
  },
} as const satisfies Record<string, Words>;

export const BENEFIT_PHASE_NAMES: Record<RegistrationPhase, LocalizedText> = {
  "register-offer": t("保険証利用登録の案内", "offering insurance registration"),
  "register-pin": t("利用登録の暗証番号入力", "PIN for the registration"),
  "register-consent": t("利用登録の同意", "registration consent"),
};

export const BENEFIT_TRAINER_NOTES: Record<RegistrationPhase, LocalizedText> = {
  "register-offer": t(
    "E131（保険証利用登録なし）。顔認証付きカードリーダーはその場で利用登録を案内できます（リーフレット: 医療機関の顔認証端末からも登録可能）。",
    "E131 (not registered). The face-recognition reader can offer the registration on the spot (leaflets: registration is possible at the clinic's reader).",
  ),
  "register-pin": t("利用登録は暗証番号で署名します（顔認証・目視の方も暗証番号を入力）。", "The registration is PIN-signed (a patient verified by face or 目視 types the PIN)."),
  "register-consent": t(
    "同意すると nonce をカードが署名し、POST /api/v1/registrations。登録後、同じ来院のまま資格を照会します。",
    "On consent the card signs a nonce and the reader calls POST /api/v1/registrations; then the qualification is looked up in the same visit.",
  ),
};

export const BENEFITS_KIOSK = {
  pmhTitle: t("医療費助成の受給者証", "Medical expense subsidy certificates"),
  pmhQuestion: PMH_QUESTION,
  pmhNote: t(
    "こども医療費助成などの受給者証の情報を、この医療機関に提供するかどうかを選んでください。提供すると紙の受給者証の提示は不要になります",
    "Choose whether this clinic may see your subsidy certificates (e.g. children's medical expense subsidy). If you share them you need not show the paper certificate",
  ),
  pmhProvide: t("提供する", "Share"),
  pmhDecline: t("提供しない", "Do not share"),
  registerTitle: t("保険証利用登録がされていません", "Your card is not registered for use as a health insurance card"),
  registerQuestion: t("このカードリーダーで、今すぐ保険証利用登録をしますか", "Register it for insurance use now, at this reader?"),
  registerNow: t("登録する", "Register now"),
  registerLater: t("登録しない", "Not now"),
  registerPinTitle: t("利用登録のため、暗証番号（数字4桁）を入力してください", "Enter your 4-digit PIN for the registration"),
  registerConsentTitle: t("保険証利用登録の同意", "Consent to the registration"),
  registerConsentBody: t(
    "マイナンバーカードを健康保険証として利用することに同意し、利用の申込みをします",
    "I agree to use my My Number Card as my health insurance card and apply for it",
  ),
  registerAgree: t("同意して登録する", "Agree and register"),
  registerDisagree: t("同意しない", "Do not agree"),
  registering: t("登録しています", "Registering"),
  registeredNow: t("保険証利用登録が完了しました", "Your card is now registered for insurance use"),
  qualificationOnlyTitle: t("資格情報のみで受付しました", "Checked in with your qualification only"),
} as const;

export const BENEFITS_RECEPTION = {
  publicExpense: t("医療費助成", "Subsidy certificates"),
  publicExpenseRow: (number: string, recipient: string, share: string, cap: number | null) =>
    t(`公費 ${number}／受給者 ${recipient}（負担 ${share}${cap !== null ? `・上限 ${cap}円` : ""}）`, `public expense ${number} / recipient ${recipient} (share ${share}${cap !== null ? `, cap ¥${cap}` : ""})`),
  medicalAssistance: t("医療扶助", "Medical assistance (生活保護)"),
  medicalAssistanceRow: (number: string, beneficiary: string, office: string) => t(`公費 ${number}／受給者 ${beneficiary}（${office}）`, `public expense ${number} / beneficiary ${beneficiary} (${office})`),
  ticket: (type: string, month: string, own: boolean) =>
    t(`${type === "02" ? "調剤券" : "医療券"} ${month}${own ? "" : "（他院宛）"}`, `${type === "02" ? "dispensing ticket" : "medical ticket"} ${month}${own ? "" : " (for another facility)"}`),
  noTicket: t("今月の医療券なし（未登録）", "no ticket this month (not registered)"),
  registeredNow: t("この来院で保険証利用登録", "registered for insurance use in this visit"),
} as const;

/** /trainer: the 医療費助成 (PMH) screen switch (a municipality not yet on PMH). */
export const BENEFITS_TRAINER = {
  pmh: t("医療費助成の画面", "Subsidy (PMH) screen"),
  pmhByDate: t("日付で決める（2026-04-01から）", "by the date (from 2026-04-01)"),
  pmhOn: t("表示する", "show"),
  pmhOff: t("表示しない（PMH未参加の自治体）", "off (municipality not on PMH)"),
} as const;

/** Where the words stand for every new phase's prompt. */
export const BENEFIT_PROMPTS: Record<RegistrationPhase, LocalizedText> = {
  "register-offer": BENEFITS_KIOSK.registerQuestion,
  "register-pin": BENEFITS_KIOSK.registerPinTitle,
  "register-consent": BENEFITS_KIOSK.registerConsentBody,
};

export { FALLBACK_DOCUMENTS as BENEFIT_FALLBACK };
