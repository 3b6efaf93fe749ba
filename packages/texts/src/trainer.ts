/** /trainer, the trainer's console, and its guided demo: the console's words and a note per phase for the class. */
import { PHONE_TRAINER_NOTES } from "./phone.js";
import type { SessionPhase } from "@onshi-sim/agent/protocol";
import { CARD_PIN_DIGITS } from "@onshi-sim/apdu";
import { BENEFIT_TRAINER_NOTES } from "./benefits.js";
import { t, type LocalizedText } from "./text.js";

export const TRAINER = {
  pageTitle: t("トレーナー", "Trainer"),
  agentNotConnected: t("エージェント未接続", "Agent not connected"),
  card: t("カード", "Card"),
  fixtureCard: t("フィクスチャカード", "Fixture card"),
  insert: t("カードを置く", "Place the card"),
  remove: t("カードを取る", "Take the card"),
  inserted: (card: string) => t(`${card} を置きました`, `${card} placed`),
  removed: t("カードを取りました", "Card taken"),
  readerBrokenOn: t("カードリーダーを故障中にしました", "The card reader is out of order now"),
  readerBrokenOff: t("カードリーダーを復旧しました", "The card reader works again"),
  readerBroken: t("カードリーダー故障中（読み取り不可）", "Card reader out of order (cards are not read)"),
  ownerAuth: t("iPhone で本人確認（Face ID）する", "Confirm on the iPhone (Face ID)"),
  ownerAuthOn: t("iPhone の本人確認が済みました（署名1回分）", "The iPhone's owner is authenticated (for one signature)"),
  readers: t("リーダー", "Readers"),
  cardPresent: t("（カードあり）", " (card in)"),
  devCommandsOff: t(" ・ 開発用コマンド無効（エージェントを --dev で起動）", " · developer commands off (start the agent with --dev)"),
  dateAndFlow: t("シミュレーション日付・同意フロー", "Simulation date and consent flow"),
  today: t("今日（日本時間）", "today (Japan time)"),
  dateSet: (date: string) => t(`シミュレーション日付: ${date}`, `Simulation date: ${date}`),
  date: t("日付", "Date"),
  set: t("設定", "Set"),
  backToToday: t("今日に戻す", "Back to today"),
  consentFlow: t("同意フロー", "Consent flow"),
  flowByDate: t("日付で決める", "by the date"),
  flowSince: t("2024-10-07 以降（包括同意）", "since 2024-10-07 (comprehensive consent)"),
  flowBefore: t("2024-10-07 より前（限度額同意あり）", "before 2024-10-07 (with the 限度額 consent)"),
  current: t("現在: ", "Now: "),
  faultsAndScenarios: t("サーバー障害・シナリオ", "Server faults and scenarios"),
  faultMaintenance: t("メンテナンス（503）", "Maintenance (503)"),
  faultSegment9: t("異常終了（1回）", "Abnormal end (once)"),
  faultLatency: t("応答遅延 3秒", "3 s delay"),
  faultTimeout: t("無応答", "No answer"),
  faultsClear: t("障害を解除", "Clear faults"),
  activeFaults: t("有効な障害: ", "Active faults: "),
  none: t("なし", "none"),
  scenarioApplied: (name: string) => t(`シナリオ ${name} を適用しました`, `Scenario ${name} applied`),
  scenarioNotApplied: (name: string) => t(`シナリオ ${name} を適用できません`, `Scenario ${name} could not be applied`),
  reseed: t("初期状態に戻す", "Reset to the initial state"),
  reseeded: t("初期状態に戻しました", "Back to the initial state"),
  failed: t("失敗しました", "That failed"),
  resultXml: t("レセコンが受け取る結果 XML", "The result XML the レセコン receives"),
  showLatest: t("最新を表示", "Show the latest"),
  resultXmlLabel: t("結果 XML", "Result XML"),
  noneYet: t("まだありません", "None yet"),
  timeline: t("タイムライン", "Timeline"),
  working: t("処理中", "working"),
} as const;

export const GUIDED_DEMO = {
  title: t("ガイド付きデモ", "Guided demo"),
  scenario: t("シナリオ", "Scenario"),
  choose: t("選んでください", "Choose one"),
  cannotLoad: (why: string) => t(`シナリオを読み込めません: ${why}`, `Cannot load the scenarios: ${why}`),
  date: (date: string) => t(` ・ 日付 ${date}`, ` · date ${date}`),
  prev: t("前へ", "Back"),
  next: t("次へ", "Next"),
} as const;

/** What the real system does at each step, for the class (the timeline's note). */
export const TRAINER_NOTES: Record<SessionPhase, LocalizedText> = {
  ...BENEFIT_TRAINER_NOTES,
  "waiting-for-card": t("カードリーダーは待機中。患者がカードをケースから出して置くのを待ちます。", "The reader waits for the patient to take the card out of its cover and place it."),
  reading: t(
    "カードを検出。JPKI-AP を SELECT し、利用者証明用電子証明書（PIN 不要）と暗証番号の残り回数（試行を使わない VERIFY）を読みます。",
    "A card: SELECT the JPKI-AP, read the user-authentication certificate (no PIN needed) and the PIN's tries left (a VERIFY that uses no try).",
  ),
  "choose-method": t(
    "顔認証か暗証番号かを選びます。顔認証用に券面AP（照合番号B）から顔写真を裏で読み始めています。",
    "Face recognition or PIN. For the face, the card photo is already being read from the 券面AP (照合番号B) in the background.",
  ),
  pin: t(
    `暗証番号（${CARD_PIN_DIGITS}桁）はカードにだけ送られます。3回間違えるとロック（63 C0 → 69 84）。`,
    `The ${CARD_PIN_DIGITS}-digit PIN goes to the card only. Three wrong ones lock it (63 C0 → 69 84).`,
  ),
  face: t(
    "カメラ画像とカードの顔写真（JPEG 2000）を照合します。一致すると特定機関認証（リーダー機器の鍵）で本人確認済みとして照会します。",
    "The camera image is compared with the card photo (JPEG 2000). On a match, the lookup is signed by the reader device's key as verified.",
  ),
  visual: t("係員がカードの顔写真とご本人を目視で確認します。失敗回数はリセットされません。", "Staff compare the patient with the card photo. No counter is reset."),
  confirming: t(
    "オンライン資格確認等システムへ照会中：ナンス取得 → カードで署名（暗証番号）または機器の証明（顔認証・目視）→ 資格照会。",
    "Asking the オンライン資格確認等システム: a nonce → signed by the card (PIN) or attested by the device (face, visual) → the lookup.",
  ),
  consent: t(
    "同意の確認。2024-10-07 以降は包括同意（個別選択も可）。それ以前は限度額情報の同意画面もありました。",
    "Consent. Since 2024-10-07 one comprehensive answer (or item by item); before, there was also a 限度額 screen.",
  ),
  done: t(
    "完了。結果はレセコンの face フォルダに OQSsiquc01res_face_*.xml として届きます。患者にはカードの取り忘れを案内します。",
    "Done. The result reaches the レセコン's face folder as OQSsiquc01res_face_*.xml. The patient is reminded to take the card.",
  ),
  error: t(
    "エラー。患者には次の手順（資格確認書・資格情報のお知らせ＋カード等）を案内します。カードリーダー故障中も同じく、資格情報のお知らせ（またはマイナポータルの資格情報画面）とカードを窓口で提示して受診できます。",
    "An error. The patient is told what to show instead (資格確認書, 資格情報のお知らせ with the card…). With the reader out of order too, the お知らせ (or the Mynaportal screen) with the card at the counter is enough.",
  ),
  aborted: t("中止（カードが外された／キャンセル／無操作）。", "Stopped (card taken, cancelled or idle)."),
  ...PHONE_TRAINER_NOTES,
};
