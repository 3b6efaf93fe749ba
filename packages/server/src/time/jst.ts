/**
 * Japan-time dates and times. The interface speaks YYYYMMDD / YYYYMMDDHHmmss in Asia/Tokyo (UTC+9, no DST)
 * while this machine runs in UTC, so every conversion goes through an explicit +9 h shift, never local time.
 */
const JST_OFFSET_MS = 9 * 3600_000;

/** A calendar date as the interface writes it: YYYYMMDD (sorts and compares as a string). */
export type CompactDate = string;
/** A timestamp as the interface writes it: YYYYMMDDHHmmss, Japan time. */
export type CompactTimestamp = string;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function shifted(d: Date): Date {
  return new Date(d.getTime() + JST_OFFSET_MS);
}

export function jstDate(d: Date): CompactDate {
  const t = shifted(d);
  return `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}`;
}

export function jstTimestamp(d: Date): CompactTimestamp {
  const t = shifted(d);
  return `${jstDate(d)}${pad(t.getUTCHours())}${pad(t.getUTCMinutes())}${pad(t.getUTCSeconds())}`;
}

/** Whether s is a real calendar date in YYYYMMDD form. */
export function isCompactDate(s: string): boolean {
  if (!/^\d{8}$/.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const day = Number(s.slice(6, 8));
  if (y < 1868 || m < 1 || m > 12 || day < 1) return false;
  return day <= daysInMonth(y, m);
}

export function isCompactTimestamp(s: string): boolean {
  if (!/^\d{14}$/.test(s) || !isCompactDate(s.slice(0, 8))) return false;
  return Number(s.slice(8, 10)) < 24 && Number(s.slice(10, 12)) < 60 && Number(s.slice(12, 14)) < 60;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parts(d: CompactDate): [number, number, number] {
  return [Number(d.slice(0, 4)), Number(d.slice(4, 6)), Number(d.slice(6, 8))];
}

function fromUtcDate(t: Date): CompactDate {
  return `${t.getUTCFullYear()}${pad(t.getUTCMonth() + 1)}${pad(t.getUTCDate())}`;
}

/** "2025-12-01" or "20251201" → "20251201". */
export function toCompactDate(s: string): CompactDate {
  return s.replaceAll("-", "");
}

/** "20251201" → "2025-12-01". */
export function toIsoDate(d: CompactDate): string {
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
}

export function addDays(d: CompactDate, days: number): CompactDate {
  const [y, m, day] = parts(d);
  return fromUtcDate(new Date(Date.UTC(y, m - 1, day + days)));
}

/** Calendar months, clamped to the month's last day (20250131 + 1 month = 20250228). */
export function addMonths(d: CompactDate, months: number): CompactDate {
  const [y, m, day] = parts(d);
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = daysInMonth(first.getUTCFullYear(), first.getUTCMonth() + 1);
  return fromUtcDate(new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(day, last))));
}

/** The last day of the n-th month after d's month (n = 0: d's own month). */
export function endOfMonthAfter(d: CompactDate, n: number): CompactDate {
  const [y, m] = parts(d);
  return fromUtcDate(new Date(Date.UTC(y, m + n, 0)));
}

/** Age in whole years on date `on` (the birthday counts from its own day). */
export function ageOn(birth: CompactDate, on: CompactDate): number {
  const [by, bm, bd] = parts(birth);
  const [y, m, d] = parts(on);
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** The instant a JST wall-clock timestamp denotes. */
export function instantOfJstTimestamp(ts: CompactTimestamp): Date {
  const [y, mo, d] = parts(ts.slice(0, 8));
  const h = Number(ts.slice(8, 10));
  const mi = Number(ts.slice(10, 12));
  const s = Number(ts.slice(12, 14));
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - JST_OFFSET_MS);
}

export function addHoursToTimestamp(ts: CompactTimestamp, hours: number): CompactTimestamp {
  return jstTimestamp(new Date(instantOfJstTimestamp(ts).getTime() + hours * 3600_000));
}

/**
 * A timestamp on the simulation date: the simulated day with the real Japan-time time of day, so results
 * and consents made "on 2025-01-10" carry that date.
 */
export function simulationTimestamp(simulationDate: CompactDate, now: Date): CompactTimestamp {
  return simulationDate + jstTimestamp(now).slice(8);
}
