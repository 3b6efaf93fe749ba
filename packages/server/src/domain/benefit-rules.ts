/**
 * The 2025–2026 rules of REFERENCE §6 as pure functions of a simulation date (YYYYMMDD): when the 医療費助成
 * (PMH) consent screen is offered, which 受給者証 are current, the 医療扶助 validity 6 (有効（未登録）), and the
 * 後期高齢者 資格確認書 issued from 2026-08-01. [I] marks this simulator's choices where the record is silent.
 */
import { ageOn, type CompactDate } from "../time/jst.js";
import type { ConsentFlow } from "./rules.js";

export const BENEFIT_DATES = {
  /** FY2026: municipalities put 医療費助成 受給者証 online (PMH) [C: e.g. 八王子市, 湖西市 from 2026-04]. [I] default on from here. */
  pmhStart: "20260401",
  /** Every 後期高齢者 held a 資格確認書 to this day [C]. */
  koukiUniversalEnd: "20260731",
  /** From this day a 資格確認書 goes automatically to 85+ and to those without a usable マイナ保険証 [C Saitama; R nationwide]. */
  koukiSelective: "20260801",
  /** [I] The 資格確認書 issued on 2026-08-01 runs one year, like the 広域連合's yearly renewals. */
  koukiSelectiveUntil: "20270731",
} as const;

/** The PMH screen: only in the since-2024-10-07 flow, and by default from FY2026; a setting may force it off (or on). */
export function pmhScreenOn(d: CompactDate, flow: ConsentFlow, setting: boolean | undefined): boolean {
  if (flow !== "since-2024-10-07") return false;
  return setting ?? d >= BENEFIT_DATES.pmhStart;
}

export interface DatedBenefit {
  readonly validStartDate: CompactDate;
  readonly validEndDate: CompactDate | null;
}

export function isCurrent(b: DatedBenefit, d: CompactDate): boolean {
  return b.validStartDate <= d && (b.validEndDate === null || d <= b.validEndDate);
}

/** yyyyMM of a date. */
export const monthOf = (d: CompactDate): string => d.slice(0, 6);

export interface TicketLike {
  readonly month: string; // yyyyMM
  readonly ticketType: "01" | "02";
}

/**
 * 医療扶助: 有効 (1) once the 福祉事務所 registered the month's 医療券 (01) — or 調剤券 (02) for a pharmacy [I: any ticket
 * of the month counts]; before that 有効（未登録） (6).
 */
export function medicalAssistanceValidity(tickets: readonly TicketLike[], d: CompactDate): "1" | "6" {
  return tickets.some((t) => t.month === monthOf(d)) ? "1" : "6";
}

export interface KoukiDocumentFacts {
  readonly birthdate: CompactDate;
  readonly qualificationDate: CompactDate;
  /** A registered, active, unexpired マイナ保険証. */
  readonly hasUsableMynaCard: boolean;
  /** The person applied for a 資格確認書 (anyone may). */
  readonly requested: boolean;
}

export interface IssuedDocument {
  readonly issuedOn: CompactDate;
  readonly validUntil: CompactDate;
}

/**
 * The 資格確認書 the 広域連合 sends a 後期高齢者 automatically, as of day d: to everyone until 2026-07-31; from
 * 2026-08-01 a new one only to those 85 or over on that day, those without a usable マイナ保険証, or on request.
 */
export function koukiKakuninsho(f: KoukiDocumentFacts, d: CompactDate): IssuedDocument[] {
  const out: IssuedDocument[] = [];
  const firstIssue = f.qualificationDate > "20241202" ? f.qualificationDate : "20241202";
  if (firstIssue <= BENEFIT_DATES.koukiUniversalEnd && firstIssue <= d) out.push({ issuedOn: firstIssue, validUntil: BENEFIT_DATES.koukiUniversalEnd });
  const selective = BENEFIT_DATES.koukiSelective;
  const eligible = ageOn(f.birthdate, selective) >= 85 || !f.hasUsableMynaCard || f.requested;
  const issue = f.qualificationDate > selective ? f.qualificationDate : selective;
  if (eligible && issue <= d && issue <= BENEFIT_DATES.koukiSelectiveUntil) out.push({ issuedOn: issue, validUntil: BENEFIT_DATES.koukiSelectiveUntil });
  return out;
}
