/** Reader and PC/SC events (agent:transport) and a refused connection, as staff and trainers read them. */
import type { AgentConnectError, TransportNotice, TransportNoticeKind } from "@onshi-sim/agent/protocol";
import { t, type LocalizedText } from "./text.js";

export const TRANSPORT_NOTICE_WORDS: Record<TransportNoticeKind, LocalizedText> = {
  error: t("カードリーダーでエラーが発生しました", "The card reader reported an error"),
  "context-lost": t(
    "カードリーダーとの接続が切れました（PC/SC サービス再起動中）。復旧を待っています",
    "Lost the connection to the card readers (PC/SC service restarting); waiting for it to come back",
  ),
  recovered: t("カードリーダーとの接続が復旧しました", "The card readers are back"),
  "reader-added": t("カードリーダーが接続されました", "A card reader was connected"),
  "reader-removed": t("カードリーダーが取り外されました", "A card reader was disconnected"),
};

export function noticeText(notice: Pick<TransportNotice, "kind">): LocalizedText {
  return TRANSPORT_NOTICE_WORDS[notice.kind];
}

export const CONNECT_ERROR_WORDS: Record<AgentConnectError["code"], LocalizedText> = {
  unauthorized: t("接続が拒否されました（トークンが違います）", "connection refused: missing or wrong agent token"),
};
