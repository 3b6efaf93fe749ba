/** /reception's history of today's sessions, its CSV export, the 目視 panel's 券面, and how times are written. */
import { t } from "./text.js";

export const RECEPTION_HISTORY = {
  title: t("本日の受付履歴", "Today's receptions"),
  filter: t("絞り込み（氏名・カナ・番号・リーダー）", "Filter (name, kana, number, reader)"),
  outcome: t("結果", "Outcome"),
  all: t("すべて", "all"),
  valid: t("資格有効", "valid"),
  invalid: t("資格無効・なし", "void or none"),
  failed: t("エラー", "errors"),
  count: (shown: number, all: number) => t(`${all}件中 ${shown}件`, `${shown} of ${all}`),
  exportCsv: t("CSV で保存", "Save as CSV"),
  noMatch: t("条件に合う受付はありません", "No reception matches"),
  showCardFace: t("券面を表示", "Show the card face"),
  cardFaceTitle: t("券面（カードの顔写真と記載事項）", "Card face (the card's photo and what it says)"),
  cardFaceHint: t("ご本人と顔写真を見比べてから「目視確認済み」を押してください", "Compare the patient with the photo, then press 目視確認済み"),
  cardPhoto: t("顔写真", "Photo"),
  birthDate: t("生年月日", "Date of birth"),
  sex: t("性別", "Sex"),
  cardExpires: t("カードの有効期限", "Card valid until"),
  nameOnCard: t("氏名（券面）", "Name (as printed)"),
  addressOnCard: t("住所（券面）", "Address (as printed)"),
} as const;

/** The CSV's header row, in the page's language. */
export const HISTORY_CSV_COLUMNS = [
  t("時刻", "time"),
  t("リーダー", "reader"),
  t("結果", "outcome"),
  t("資格", "validity"),
  t("処理結果コード", "result code"),
  t("氏名", "name"),
  t("カナ", "kana"),
  t("生年月日", "date of birth"),
  t("保険者番号", "insurer number"),
  t("保険者", "insurer"),
  t("記号", "symbol"),
  t("番号", "number"),
  t("枝番", "branch"),
  t("負担割合", "co-payment"),
  t("確認方法", "method"),
  t("同意", "consents"),
  t("エラー", "error"),
] as const;

/** YYYYMMDD → 2026/11/22 (as a date people read); anything else as it is. */
export function formatCompactDate(value: string | null | undefined): string {
  if (!value) return "—";
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  return m ? `${m[1]}/${m[2]}/${m[3]}` : value;
}

/** YYYYMMDDHHmmss (consent times, 同意日時) → 2026/11/22 10:15:03; anything else as it is. */
export function formatCompactTimestamp(value: string | null | undefined): string {
  if (!value) return "—";
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  return m ? `${m[1]}/${m[2]}/${m[3]} ${m[4]}:${m[5]}:${m[6]}` : value;
}
