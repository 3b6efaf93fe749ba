/**
 * The classroom's words: the trainer console's language switch and camera face, playing a scenario on the live
 * system (/trainer, `onshi-sim scenario play`), the presenter view (/present) and the printed handouts.
 */
import { t } from "./text.js";

export const CLASSROOM = {
  language: t("表示言語", "Language"),
  japanese: t("日本語", "日本語"),
  english: t("English", "English"),
  cameraFace: t("キオスクのカメラに映る顔", "The face the kiosk camera sees"),
  realCamera: t("実際のカメラ", "The real camera"),
  uploadPhoto: t("写真をアップロード（JPEG/PNG、2 MB まで）", "Upload a photo (JPEG/PNG, up to 2 MB)"),
  cameraFaceSet: (name: string) => t(`カメラの顔: ${name}`, `Camera face: ${name}`),
  cameraFaceReal: t("カメラの顔: 実際のカメラ", "Camera face: the real camera"),
  cameraFaceRefused: (why: string) => t(`設定できません: ${why}`, `Not set: ${why}`),
  xmlFor: (reader: string, time: string) => t(`${reader} の受付（${time}）`, `Reception at ${reader} (${time})`),
  xmlWaiting: t("この受付の結果 XML を待っています…", "Waiting for this reception's result XML…"),
  xmlNone: t("この受付では結果 XML は作られません（エラーで終了）", "This reception made no result XML (it ended with an error)"),
  // ── playing a scenario ──
  play: t("シナリオを再生", "Play a scenario"),
  playHint: t(
    "シナリオの準備（日付・サーバー状態・障害・同意フロー・カードの回数）を実際のシステムに適用し、各ステップをキオスクで実演します。",
    "Applies the scenario's setup (date, server state, faults, consent flow, card counters) to the running system and performs each step on the kiosk.",
  ),
  start: t("準備して開始", "Set up and start"),
  next: t("次のステップ ▶", "Next step ▶"),
  prev: t("◀ 前のステップ", "◀ Previous step"),
  pause: t("一時停止", "Pause"),
  auto: t("自動で進める", "Auto-advance"),
  stop: t("終了", "Stop"),
  stepOf: (n: number, of: number) => t(`ステップ ${n} / ${of}`, `Step ${n} of ${of}`),
  expected: t("期待される結果", "Expected"),
  observed: t("実際の結果", "What happened"),
  matched: t("✓ 一致", "✓ matched"),
  mismatched: t("✗ 不一致", "✗ did not match"),
  pending: t("未実行", "not played yet"),
  rule: t("ルール", "Rule"),
  source: t("出典", "Source"),
  playing: t("実演中…", "Playing…"),
  finished: (ok: boolean) => (ok ? t("シナリオ完了: すべて一致", "Scenario done: every step matched") : t("シナリオ完了: 不一致あり", "Scenario done: some steps did not match")),
  // ── presenter ──
  presentTitle: t("プレゼンター表示", "Presenter view"),
  kioskScreen: t("患者のキオスク画面", "The patient's kiosk screen"),
  receptionView: t("受付の画面", "The receptionist's view"),
  keys: t("→ 次へ ・ ← 前へ ・ スペース 一時停止／再開", "→ next · ← back · space pause / resume"),
  noScenario: t("/trainer でシナリオを選んで開始してください", "Choose and start a scenario on /trainer"),
  // ── handouts ──
  handoutIndex: t("シナリオ配布資料", "Scenario handouts"),
  handoutStep: (n: number) => t(`ステップ ${n}`, `Step ${n}`),
  handoutKiosk: t("キオスク", "Kiosk"),
  handoutReception: t("受付", "Reception"),
  handoutMade: (date: string) => t(`onshi-sim で実際に再生して作成（${date}）`, `Made by playing it on onshi-sim (${date})`),
} as const;
