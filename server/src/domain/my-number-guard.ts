/**
 * No endpoint accepts the 12-digit マイナンバー (REFERENCE §2). Any string value that is 12 digits, bare or
 * grouped 4-4-4 with spaces or hyphens, is refused before a request is processed or logged — checking the
 * check digit would let a mistyped number through, so any 12-digit value counts.
 */
const MY_NUMBER_LIKE = /^\s*\d{4}[\s-]?\d{4}[\s-]?\d{4}\s*$/;

export function looksLikeMyNumber(value: string): boolean {
  return MY_NUMBER_LIKE.test(value) || /^[\s]*[０-９]{12}[\s]*$/.test(value);
}

/** Path of the first field holding a マイナンバー-like value (numbers too), or null. Never returns the value. */
export function findMyNumberLikeField(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === "string") return looksLikeMyNumber(value) ? path : null;
  if (typeof value === "number") return Number.isInteger(value) && value >= 1e11 && value < 1e12 ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findMyNumberLikeField(value[i], [...path, i]);
      if (hit) return hit;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const hit = findMyNumberLikeField(v, [...path, k]);
      if (hit) return hit;
    }
  }
  return null;
}
