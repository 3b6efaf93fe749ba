/** /reception, the receptionist's screen (Japanese on screen; English for scripts and a translated page). */
import type { InsuranceQualificationRequest } from "@onshi-sim/server/protocol";
import { t, type LocalizedText } from "./text.js";

type PresentedDocument = NonNullable<InsuranceQualificationRequest["presentedDocument"]>;
type CardReadFailure = NonNullable<InsuranceQualificationRequest["cardReadFailure"]>;

export const RECEPTION = {
  pageTitle: t("受付（職員用）", "Reception (staff)"),
  notConnected: t("カードリーダーに未接続", "Not connected to the card reader"),
  readers: t("カードリーダー", "Card readers"),
  reader: t("リーダー", "Reader"),
  state: t("状態", "State"),
  prompt: t("案内", "The screen says"),
  visualCheck: t("目視確認", "Visual check"),
  working: t("（処理中）", " (working)"),
  results: t("確認結果", "Results"),
  noneYet: t("まだありません", "None yet"),
  finished: t("完了", "done"),
  failed: (what: string) => t(`エラー: ${what}`, `error: ${what}`),
  qualification: t("資格", "Qualification"),
  name: t("氏名", "Name"),
  number: t("記号・番号・枝番", "Symbol · number · branch"),
  insurer: t("保険者", "Insurer"),
  ratio: t("負担割合", "Co-payment"),
  preschool: t("（未就学）", " (preschool)"),
  elderly: t("高齢受給者", "Elderly recipient"),
  elderlyYes: (ratio: string) => t(`該当（${ratio}）`, `yes (${ratio})`),
  limitBracket: t("限度額区分", "Limit bracket"),
  specificDiseases: t("特定疾病", "Specific diseases"),
  disqualificationDate: t("資格喪失日", "Qualification ended"),
  consents: t("同意", "Consent"),
  consented: t("同意", "agreed"),
  declined: t("不同意", "declined"),
  notices: t("お知らせ", "Notices"),
  check: t("確認", "Check"),
  lookupDate: t("照会日", "lookup date"),
  staffPin: t("職員用暗証番号", "Staff PIN"),
  visualConfirmed: t("目視確認済み", "Visually confirmed"),
  visualSent: t("目視確認を送信しました", "Visual check sent"),
  lookupTitle: t("保険証番号での確認（資格確認書・資格情報のお知らせ・健康保険証）", "Look up by insurance number (資格確認書, 資格情報のお知らせ, legacy card)"),
  insurerNumber: t("保険者番号", "Insurer number"),
  symbol: t("記号", "Symbol"),
  identification: t("番号", "Number"),
  branch: t("枝番", "Branch"),
  birthdate: t("生年月日", "Date of birth"),
  presentedDocument: t("提示された書類", "Document shown"),
  numberOnly: t("（番号のみで照会）", "(look up by number only)"),
  cardReadFailure: t("カードを読めない理由", "Why the card cannot be read"),
  simulationDate: t("照会日（任意）", "Lookup date (optional)"),
  lookup: t("照会", "Look up"),
} as const;

export const PRESENTED_DOCUMENT_NAMES: Record<PresentedDocument, LocalizedText> = {
  "shikaku-kakuninsho": t("資格確認書", "資格確認書 (eligibility certificate)"),
  "legacy-card": t("健康保険証", "health insurance card (legacy)"),
  "oshirase-with-card": t("資格情報のお知らせ＋マイナンバーカード", "資格情報のお知らせ + My Number Card"),
  "mynaportal-with-card": t("マイナポータル資格情報画面＋マイナンバーカード", "Mynaportal qualification screen + My Number Card"),
  "oshirase-only": t("資格情報のお知らせのみ", "資格情報のお知らせ only"),
};

export const CARD_READ_FAILURE_NAMES: Record<CardReadFailure, LocalizedText> = {
  "reader-broken": t("カードリーダー故障", "card reader out of order"),
  "no-reader": t("カードリーダーなし", "no card reader"),
  "card-unreadable": t("カードが読めない", "card cannot be read"),
  "system-down": t("システム障害", "system down"),
};
