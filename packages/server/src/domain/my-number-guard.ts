/**
 * No endpoint accepts the 12-digit マイナンバー (docs/domain.md §2), and nothing the server writes back carries one.
 *
 * The rule for a value (a string field, an object key, a number): after NFKC (full-width and other compatibility
 * digits become ASCII) and with invisible characters removed (zero-width spaces and joiners, BOM, soft hyphen,
 * bidi marks, variation selectors, Hangul fillers, control characters), it is exactly 12 digits, with nothing else
 * but spaces or hyphens (any dash, the minus sign, ー) around or between them, in any grouping. Such a value is
 * refused before the request is processed or logged. Checking the check digit would let a mistyped number
 * through, so any 12 digits count. Dots, slashes and letters make it something else (a version, a date, an id).
 *
 * Outputs (error messages, result messages, audit details, log lines) go through maskMyNumbers, which replaces
 * every run of exactly 12 digits — the same shape, found inside text — with asterisks.
 */

/** Invisible: format characters (Cf), other default-ignorables, and controls (Cc; tab and newline are spacing anyway). */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]+/gu;
/** Between digits, after NFKC (which has already made full-width spaces and hyphens ASCII). */
const SEPARATOR = String.raw`[\s\p{Pd}\u2212\u30FC]`;
const MY_NUMBER_SHAPE = new RegExp(String.raw`^${SEPARATOR}*\p{Nd}(?:${SEPARATOR}*\p{Nd}){11}${SEPARATOR}*$`, "u");
/**
 * Printable ASCII other than digits, space and "-": NFKC leaves ASCII as it is, so a value holding one of these can
 * never be digits and separators only. This answers most values (base64, names, codes) without normalising them.
 */
const ASCII_NOT_DIGIT_OR_SEPARATOR = /[!-,./:-~]/;
const NON_ASCII = /[^\x00-\x7f]/;

export function looksLikeMyNumber(value: string): boolean {
  if (ASCII_NOT_DIGIT_OR_SEPARATOR.test(value)) return false;
  const visible = value.replace(INVISIBLE, "");
  return MY_NUMBER_SHAPE.test(NON_ASCII.test(visible) ? visible.normalize("NFKC").replace(INVISIBLE, "") : visible);
}

const isMyNumberLikeNumber = (n: number) => Number.isInteger(n) && Math.abs(n) >= 1e11 && Math.abs(n) < 1e12;

interface Visit {
  readonly value: unknown;
  readonly key: string | number;
  readonly parent: Visit | null;
}

function pathOf(v: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Visit | null = v; at?.parent; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * Path of the first field holding a マイナンバー-like value or key, or null. Never returns the value (a key that
 * is one does appear in the path: callers mask what they print). Iterative, with its own stack: a request nested
 * 100,000 deep is walked like a flat one.
 */
export function findMyNumberLikeField(root: unknown): (string | number)[] | null {
  const stack: Visit[] = [{ value: root, key: "", parent: null }];
  for (let v = stack.pop(); v; v = stack.pop()) {
    const value = v.value;
    if (typeof value === "string") {
      if (looksLikeMyNumber(value)) return pathOf(v);
    } else if (typeof value === "number") {
      if (isMyNumberLikeNumber(value)) return pathOf(v);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: v });
    } else if (value !== null && typeof value === "object") {
      const keys = Object.keys(value);
      for (const k of keys) if (looksLikeMyNumber(k)) return pathOf({ value: undefined, key: k, parent: v });
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (value as Record<string, unknown>)[keys[i]!], key: keys[i]!, parent: v });
    }
  }
  return null;
}

/** Digits (any script, any width) with spaces, hyphens or invisible characters between them. */
const DIGIT_RUN = new RegExp(String.raw`\p{Nd}(?:[\s\p{Pd}\u2212\u30FC\uFF70\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]*\p{Nd})*`, "gu");
const DIGIT = /\p{Nd}/gu;
const TWELVE_DIGITS = /(?<!\p{Nd})\p{Nd}{12}(?!\p{Nd})/gu;
export const MY_NUMBER_MASK = "************";

/**
 * Text with every 12-digit run masked: a run of digits that holds exactly 12 of them (grouped or not), and any 12
 * digits standing together inside a longer grouped run ("2026 123456789012"). Longer plain runs — 14-digit
 * timestamps in file names — are not a マイナンバー's shape and are left as they are.
 */
export function maskMyNumbers(text: string): string {
  return text.replace(DIGIT_RUN, (run) => {
    if (run.length < 12) return run;
    const digits = run.match(DIGIT)!.length;
    if (digits === 12) return MY_NUMBER_MASK;
    return digits > 12 ? run.replace(TWELVE_DIGITS, MY_NUMBER_MASK) : run;
  });
}
