/**
 * 和暦 (Japanese era) YYMMDD, as used in 照合番号B. Era boundaries (docs/domain.md §2):
 * 昭和 to 1989-01-07, 平成 1989-01-08 to 2019-04-30, 令和 from 2019-05-01. Earlier eras (大正 1912-07-30 …) for old holders.
 */
const ERAS = [
  { name: "令和", start: "2019-05-01", firstYear: 2019 },
  { name: "平成", start: "1989-01-08", firstYear: 1989 },
  { name: "昭和", start: "1926-12-25", firstYear: 1926 },
  { name: "大正", start: "1912-07-30", firstYear: 1912 },
] as const;

/** `isoDate` is YYYY-MM-DD (a calendar date, no time zone). */
export function warekiYYMMDD(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${isoDate}`);
  const era = ERAS.find((e) => isoDate >= e.start);
  if (!era) throw new RangeError(`date before 大正: ${isoDate}`);
  const eraYear = Number(m[1]) - era.firstYear + 1;
  return String(eraYear).padStart(2, "0") + (m[2] as string) + (m[3] as string);
}

/** 照合番号B: 和暦 birth YYMMDD + card expiry year (西暦, 4 digits) + 4-digit security code = 14 digits. */
export function matchNumberB(birthDate: string, cardExpiresOn: string, securityCode: string): string {
  return warekiYYMMDD(birthDate) + cardExpiresOn.slice(0, 4) + securityCode;
}
