/**
 * Session errors as the agent sends them: a code, whether `session:retry` may help, and the parameters the
 * words need. The words themselves are @onshi-sim/texts' (the agent sends no sentence).
 */
import type { Problem } from "./reception-state.js";
import type { SessionError, SessionErrorCode } from "./session-view.js";

/** A server that is down, slow or failing may answer the next try. */
const RETRYABLE: ReadonlySet<SessionErrorCode> = new Set<SessionErrorCode>(["server-down", "server-timeout", "server-error"]);

export function sessionError(code: SessionErrorCode, extra: { serverCode?: string | undefined; retryable?: boolean | undefined } = {}): SessionError {
  return {
    code,
    retryable: extra.retryable ?? RETRYABLE.has(code),
    ...(extra.serverCode ? { serverCode: extra.serverCode } : {}),
  };
}

/** staff-pin-locked with how long is left (whole minutes, at least 1): the lock's length is configurable. */
export function staffPinLockedError(retryAfterMs: number): SessionError {
  return { ...sessionError("staff-pin-locked"), params: { minutesLeft: Math.max(1, Math.ceil(retryAfterMs / 60_000)) } };
}

/** card-in-use naming where the card is (e.g. "pid 123 (onshi-sim card insert --via vpcd --slot 0), since …"). */
export function cardInUseError(holder: string): SessionError {
  return { ...sessionError("card-in-use"), params: { holder } };
}

/** The one place a Problem (the machine's plain-data account of what went wrong) becomes the SessionError a view
 * or a command answer carries. */
export function toSessionError(p: Problem): SessionError {
  if (p.code === "staff-pin-locked" && p.retryAfterMs !== undefined) return staffPinLockedError(p.retryAfterMs);
  if (p.code === "staff-pin-wrong" && p.triesLeft !== undefined) return { ...sessionError(p.code), params: { triesLeft: p.triesLeft } };
  return sessionError(p.code, { retryable: p.retryable, ...(p.serverCode ? { serverCode: p.serverCode } : {}) });
}
