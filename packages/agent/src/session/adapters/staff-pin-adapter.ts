/** The staff PIN, for the reception: judged by the agent's StaffPinGuard; the machine only ever sees the verdict. */
import type { StaffPinVerdict } from "../reception-events.js";
import type { StaffPinGuard } from "../staff-pin-guard.js";

export function staffPinChecker(staffPin: string | undefined, guard: StaffPinGuard | undefined): (given: string) => StaffPinVerdict {
  return (given) => (staffPin && guard ? guard.check(given) : { ok: false, code: "staff-not-configured", retryAfterMs: null });
}
