/**
 * ISO 7816-4 status words the My Number Card answers (docs/domain.md §2).
 * Kept as numbers (SW1 << 8 | SW2) so a switch over them stays exhaustive and cheap.
 */
export const SW = {
  OK: 0x9000,
  /** 63 Cx: verification failed, x tries left (also the answer to a VERIFY status query). */
  VERIFY_FAILED_BASE: 0x63c0,
  WRONG_LENGTH: 0x6700,
  SECURITY_STATUS_NOT_SATISFIED: 0x6982,
  /** Authentication method blocked: what some drivers expect for a locked PIN. */
  AUTH_METHOD_BLOCKED: 0x6983,
  /** Reference data not usable: what real cards answer for a locked PIN (measured). */
  REFERENCE_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED_NO_EF: 0x6986,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  INCORRECT_P1P2_PARAMS: 0x6a86,
  LC_INCONSISTENT_WITH_P1P2: 0x6a87,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  NO_PRECISE_DIAGNOSIS: 0x6f00,
} as const;

export type StatusWord = number;

export function verifyFailed(triesLeft: number): StatusWord {
  return SW.VERIFY_FAILED_BASE | (triesLeft & 0x0f);
}

export function isVerifyFailed(sw: StatusWord): boolean {
  return (sw & 0xfff0) === SW.VERIFY_FAILED_BASE;
}

/** Tries left from a `63 Cx` answer, or undefined when the SW is something else. */
export function triesLeftOf(sw: StatusWord): number | undefined {
  return isVerifyFailed(sw) ? sw & 0x0f : undefined;
}

const NAMES: Record<number, string> = {
  [SW.OK]: "OK",
  [SW.WRONG_LENGTH]: "wrong length",
  [SW.SECURITY_STATUS_NOT_SATISFIED]: "security status not satisfied",
  [SW.AUTH_METHOD_BLOCKED]: "authentication method blocked",
  [SW.REFERENCE_DATA_NOT_USABLE]: "reference data not usable (blocked)",
  [SW.CONDITIONS_NOT_SATISFIED]: "conditions of use not satisfied",
  [SW.COMMAND_NOT_ALLOWED_NO_EF]: "command not allowed (no current EF)",
  [SW.WRONG_DATA]: "incorrect data field",
  [SW.FUNCTION_NOT_SUPPORTED]: "function not supported",
  [SW.FILE_NOT_FOUND]: "file or application not found",
  [SW.INCORRECT_P1P2_PARAMS]: "incorrect P1/P2",
  [SW.LC_INCONSISTENT_WITH_P1P2]: "Lc inconsistent with P1/P2",
  [SW.WRONG_P1P2]: "wrong P1/P2 (offset outside the EF)",
  [SW.INS_NOT_SUPPORTED]: "INS not supported",
  [SW.CLA_NOT_SUPPORTED]: "CLA not supported",
  [SW.NO_PRECISE_DIAGNOSIS]: "no precise diagnosis",
};

export function describeStatusWord(sw: StatusWord): string {
  const hex = sw.toString(16).padStart(4, "0").toUpperCase();
  const named = NAMES[sw];
  if (named) return `${hex} ${named}`;
  const tries = triesLeftOf(sw);
  if (tries !== undefined) return `${hex} verification failed, ${tries} tries left`;
  return hex;
}
