/**
 * The one place a Problem (the machine's plain-data account of what went wrong) becomes the SessionError a view
 * or a command answer carries.
 */
import { sessionError, staffPinLockedError } from "./messages.js";
import type { Problem } from "./reception-state.js";
import type { SessionError } from "./session-view.js";

export function toSessionError(p: Problem): SessionError {
  if (p.code === "staff-pin-locked" && p.retryAfterMs !== undefined) return staffPinLockedError(p.retryAfterMs);
  return sessionError(p.code, { retryable: p.retryable, ...(p.serverCode ? { serverCode: p.serverCode } : {}) });
}
