/** /reception's "what the doctor can see now": 薬剤情報 and 特定健診情報 behind the patient's consent. */
import { t, type LocalizedText } from "./text.js";

export const MEDICAL_INFO = {
  title: t("医師が今見られる情報", "What the doctor can see now"),
  drugs: t("薬剤情報", "Medication history"),
  checkups: t("特定健診情報", "Health checkups"),
  none: t("記録はありません", "No records"),
  loading: t("確認中…", "Checking…"),
  unreachable: t("確認できませんでした", "Could not be checked"),
  dispensed: (date: string) => t(`調剤日 ${date}`, `dispensed ${date}`),
  days: (n: string) => t(`${n}日分`, `${n} days`),
  checkupDate: (date: string) => t(`実施日 ${date}`, `taken ${date}`),
} as const;

/** Why nothing can be shown, by the server's code. */
export const MEDICAL_INFO_REFUSALS: Readonly<Record<string, LocalizedText>> = {
  E411: t("該当する被保険者がいません", "No insured person with these numbers"),
  E412: t("複数の被保険者が該当します（枝番が必要です）", "Several insured people match (the branch number is needed)"),
  E501: t("本人の同意がありません（カードリーダーで同意すると見られます）", "No consent (the patient can consent at the card reader)"),
  E502: t("同意の有効期限（24時間）が切れています", "The consent has expired (it lasts 24 hours)"),
  E503: t("電子証明書の有効期限切れ後の猶予期間中のため、資格情報のみ提供されます", "The certificate is in its grace period after expiry: only the qualification is provided"),
};

export function medicalInfoRefusal(code: string | undefined): LocalizedText {
  return (code && MEDICAL_INFO_REFUSALS[code]) || t(`見られません（${code ?? "?"}）`, `Not available (${code ?? "?"})`);
}
