/** The agent's readers and transports as the views carry them (split from session-view.ts; re-exported there). */

/** memory: virtual cards in the agent process; pcsc: any PC/SC reader (real, or pcscd's vpcd slot). */
export type TransportKind = "memory" | "pcsc";

export interface ReaderInfo {
  readonly name: string;
  readonly transport: TransportKind;
  readonly cardPresent: boolean;
}

export type TransportNoticeKind =
  /** A transport-level error (not tied to one exchange). */
  | "error"
  /** The PC/SC context died (pcscd stopped or restarted): its readers are gone until it comes back. */
  | "context-lost"
  /** Readers are reported again after the context was lost. */
  | "recovered"
  | "reader-added"
  | "reader-removed";

export interface TransportNotice {
  readonly transport: TransportKind;
  readonly kind: TransportNoticeKind;
  readonly reader: string | null;
  /** The underlying message (English, technical). */
  readonly detail: string | null;
  readonly at: string;
}

export interface TransportStatus {
  readonly kind: TransportKind;
  readonly state: "running" | "context-lost" | "stopped";
}

