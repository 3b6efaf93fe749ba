/** Names and labels keyed by codes: phases, verification methods, consent items, and the result's fields. */
import type { ConsentFlow, ConsentItem, SessionPhase, VerificationMethod } from "@onshi-sim/agent/protocol";
import { PHONE_PHASE_NAMES } from "./phone.js";
import { BENEFIT_CONSENT_LABELS, BENEFIT_CONSENT_SHORT, BENEFIT_PHASE_NAMES } from "./benefits.js";
import { t, type LocalizedText } from "./text.js";

/** What staff call each phase (/reception's state column). */
export const PHASE_NAMES: Record<SessionPhase, LocalizedText> = {
  "waiting-for-card": t("カード待ち", "waiting for a card"),
  reading: t("読み取り中", "reading"),
  "choose-method": t("本人確認方法の選択", "choosing how to confirm"),
  pin: t("暗証番号入力", "entering the PIN"),
  face: t("顔認証", "face recognition"),
  visual: t("目視確認待ち", "waiting for the visual check"),
  confirming: t("資格確認中", "checking the qualification"),
  consent: t("同意の確認", "consent"),
  done: t("完了", "done"),
  error: t("エラー", "error"),
  aborted: t("中止", "stopped"),
  ...PHONE_PHASE_NAMES,
  ...BENEFIT_PHASE_NAMES,
};

/** 顔認証, 暗証番号, 目視 (staff). */
export const METHOD_NAMES: Record<VerificationMethod, LocalizedText> = {
  face: t("顔認証", "face recognition"),
  pin: t("暗証番号", "PIN"),
  visual: t("目視", "visual check"),
};

/** The consent screens' item names. */
export const CONSENT_ITEM_LABELS: Record<ConsentItem, LocalizedText> = {
  diagnosis: t("診療情報", "Medical treatment information"),
  pharmacists: t("薬剤情報", "Medication information"),
  specificHealthCheckups: t("特定健診情報", "Specific health check-up information"),
  operation: t("手術情報", "Surgery information"),
  limitApplication: t("限度額情報", "High-cost medical expense limit information"),
  specificDiseases: t("特定疾病療養受療証情報", "Specific disease treatment certificate information"),
  ...BENEFIT_CONSENT_LABELS,
};

/** The same items in a result table's few characters. */
export const CONSENT_ITEM_SHORT: Record<ConsentItem, LocalizedText> = {
  diagnosis: t("診療", "treatment"),
  pharmacists: t("薬剤", "medication"),
  specificHealthCheckups: t("特定健診", "check-ups"),
  operation: t("手術", "surgery"),
  limitApplication: t("限度額", "limit"),
  specificDiseases: t("特定疾病", "specific diseases"),
  ...BENEFIT_CONSENT_SHORT,
};

export const CONSENT_FLOW_NAMES: Record<ConsentFlow, LocalizedText> = {
  "since-2024-10-07": t("包括同意フロー", "comprehensive-consent flow"),
  "before-2024-10-07": t("旧フロー（限度額同意あり）", "older flow (with the 限度額 consent)"),
};

/**
 * QualificationValidity (1 有効, 2 無効, 3 無効（新しい資格あり）, 4 該当資格なし, 5 複数該当) as staff read it,
 * in the leaflets' words (資格無効, 資格情報なし). The agent's short labels (有効, 該当資格なし) were merged into these.
 */
export const VALIDITY_LABELS: Record<string, LocalizedText> = {
  "1": t("資格有効", "valid"),
  "2": t("資格無効", "not valid"),
  "3": t("資格無効（新しい資格あり）", "not valid (a newer qualification exists)"),
  "4": t("資格情報なし", "no qualification found"),
  "5": t("複数該当", "more than one qualification"),
  "6": t("有効（未登録）", "valid (medical ticket not registered)"),
};
/** No validity in the answer (the server refused or failed). */
export const VALIDITY_UNKNOWN = t("確認できず", "not confirmed");

export function validityLabel(validity: string | null | undefined): LocalizedText {
  return (validity ? VALIDITY_LABELS[validity] : undefined) ?? VALIDITY_UNKNOWN;
}

/** Sex1: 1 男, 2 女, 3 未設定. */
export const SEX_LABELS: Record<string, LocalizedText> = { "1": t("男", "male"), "2": t("女", "female"), "3": t("未設定", "not set") };
/** PersonalFamilyClassification: 1 本人, 2 家族. */
export const PERSONAL_FAMILY_LABELS: Record<string, LocalizedText> = { "1": t("本人", "insured person"), "2": t("家族", "dependant") };

/** A code's label, or the code itself when it has none. */
export function labelOf(labels: Record<string, LocalizedText>, code: string): LocalizedText {
  return labels[code] ?? t(code, code);
}

/** 負担割合 as the result states it ("030") → 3割 / 30 %; anything else as it is. */
export function contributionLabel(ratio: string | null | undefined): LocalizedText | null {
  if (!ratio) return null;
  const n = Number(ratio);
  return Number.isInteger(n) && n > 0 ? t(`${n / 10}割`, `${n} %`) : t(ratio, ratio);
}
