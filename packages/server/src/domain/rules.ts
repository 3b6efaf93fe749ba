/**
 * The date rules of docs/domain.md §2 and §4, as pure functions of a simulation date (YYYYMMDD). Dates marked [I]
 * are this simulator's reading where the public record is silent.
 */
import { addDays, addMonths, endOfMonthAfter, type CompactDate } from "../time/jst.js";
import type { NoticeCode, RefusalCode } from "./result-codes.js";
import type { DocumentRecord, QualificationRecord } from "./records.js";

export const RULE_DATES = {
  /** Since this day the kiosk offers 包括同意 and no 限度額 consent screen (provision by law). */
  consentFlowSwitch: "20241007",
  /** No new 健康保険証 from this day; 資格確認書 from this day. */
  legacyCardIssueEnds: "20241202",
  /** A legacy card is usable to its printed expiry, at most this day. */
  legacyCardLastUse: "20251201",
  /** Interim rule [I: the window]: expired card or お知らせ alone accepted after an online lookup by number. */
  interimRuleStart: "20251202",
  interimRuleEnd: "20260331",
} as const;

export type ConsentFlow = "since-2024-10-07" | "before-2024-10-07";

export function defaultConsentFlow(simulationDate: CompactDate): ConsentFlow {
  return simulationDate >= RULE_DATES.consentFlowSwitch ? "since-2024-10-07" : "before-2024-10-07";
}

export function isActiveOn(q: QualificationRecord, d: CompactDate): boolean {
  return q.qualificationDate <= d && (q.disqualificationDate === null || d < q.disqualificationDate);
}

/** 6 有効（未登録）: 医療扶助 before the month's 医療券 is registered (results/benefit-results.ts). */
export type QualificationValidity = "1" | "2" | "3" | "4" | "5" | "6";

export interface ValidityOutcome {
  readonly validity: QualificationValidity;
  readonly qualifications: readonly QualificationRecord[];
}

const latestLost = (qs: readonly QualificationRecord[]) =>
  [...qs].sort((a, b) => (a.disqualificationDate ?? "").localeCompare(b.disqualificationDate ?? ""))[qs.length - 1]!;

/**
 * Card path: the person's qualifications the insurer has linked to the マイナンバー. One active → 1; several → 5
 * (複数該当); none registered → 4 (資格情報なし, e.g. the employer has not submitted the number); only lost → 2.
 */
export function cardPathValidity(all: readonly QualificationRecord[], d: CompactDate): ValidityOutcome {
  const existing = all.filter((q) => q.myNumberLinked && q.qualificationDate <= d);
  const active = existing.filter((q) => isActiveOn(q, d));
  if (active.length === 1) return { validity: "1", qualifications: active };
  if (active.length > 1) return { validity: "5", qualifications: active };
  if (existing.length === 0) return { validity: "4", qualifications: [] };
  return { validity: "2", qualifications: [latestLost(existing)] };
}

export interface NumberMatch {
  readonly qualification: QualificationRecord;
  /** Every qualification of the matched person, to tell 2 from 3. */
  readonly personQualifications: readonly QualificationRecord[];
}

/**
 * Insurance-number path: matches are qualifications with the number and birth date asked for. No match → 4;
 * matches for two or more people (twins with 枝番 left out) → 5; a lost qualification whose person holds a newer
 * active one → 3; lost → 2.
 */
export function numberPathValidity(matches: readonly NumberMatch[], d: CompactDate): ValidityOutcome {
  const existing = matches.filter((m) => m.qualification.qualificationDate <= d);
  const byPerson = new Map<string, NumberMatch[]>();
  for (const m of existing) byPerson.set(m.qualification.personId, [...(byPerson.get(m.qualification.personId) ?? []), m]);
  if (byPerson.size === 0) return { validity: "4", qualifications: [] };
  const chosen = [...byPerson.values()].map((ms) => ms.find((m) => isActiveOn(m.qualification, d)) ?? ms[ms.length - 1]!);
  if (chosen.length > 1) return { validity: "5", qualifications: chosen.map((m) => m.qualification) };
  const only = chosen[0]!;
  const q = only.qualification;
  if (isActiveOn(q, d)) return { validity: "1", qualifications: [q] };
  const newer = only.personQualifications.some(
    (o) => o.qualificationId !== q.qualificationId && isActiveOn(o, d) && o.qualificationDate >= (q.disqualificationDate ?? q.qualificationDate),
  );
  return { validity: newer ? "3" : "2", qualifications: [q] };
}

/** 未就学: until the 31 March after the day before the 6th birthday (the legal day one turns 6). */
export function isPreschool(birthdate: CompactDate, d: CompactDate): boolean {
  const turnsSix = addDays(addMonths(birthdate, 72), -1);
  const year = Number(turnsSix.slice(0, 4)) + (Number(turnsSix.slice(4, 6)) > 3 ? 1 : 0);
  return d <= `${year}0331`;
}

export type ExpiryCheck =
  | { readonly ok: true; readonly notice: NoticeCode | null }
  | { readonly ok: false; readonly code: RefusalCode };

/**
 * An electronic certificate or card on day d: refused before its start; expiring within 3 months → notice;
 * expired → still usable as マイナ保険証 until the end of the 3rd month after the expiry month (notice), then refused.
 */
export function expiryCheck(
  window: { readonly notBefore: CompactDate | null; readonly notAfter: CompactDate },
  d: CompactDate,
  codes: { readonly notYet: RefusalCode | null; readonly expiring: NoticeCode; readonly grace: NoticeCode; readonly expired: RefusalCode },
): ExpiryCheck {
  if (window.notBefore !== null && d < window.notBefore && codes.notYet) return { ok: false, code: codes.notYet };
  if (d > window.notAfter) {
    return d <= endOfMonthAfter(window.notAfter, 3) ? { ok: true, notice: codes.grace } : { ok: false, code: codes.expired };
  }
  return { ok: true, notice: addMonths(d, 3) >= window.notAfter ? codes.expiring : null };
}

export type PresentedDocument = "shikaku-kakuninsho" | "legacy-card" | "oshirase-with-card" | "mynaportal-with-card" | "oshirase-only";
export type CardReadFailure = "reader-broken" | "no-reader" | "card-unreadable" | "system-down";

export type DocumentCheck =
  | { readonly ok: true; readonly notice: NoticeCode | null; readonly document: DocumentRecord | null }
  | { readonly ok: false; readonly code: RefusalCode; readonly document: DocumentRecord | null };

const inInterim = (d: CompactDate) => d >= RULE_DATES.interimRuleStart && d <= RULE_DATES.interimRuleEnd;

/** Whether the document shown at the window is acceptable on day d (checked only when the qualification is valid). */
export function documentCheck(
  presented: PresentedDocument,
  documents: readonly DocumentRecord[],
  d: CompactDate,
  cardReadFailure: CardReadFailure | undefined,
): DocumentCheck {
  switch (presented) {
    case "oshirase-with-card":
    case "mynaportal-with-card": {
      if (!cardReadFailure) return { ok: false, code: "E204", document: null };
      // A お知らせ with an expiry (70–74: the 負担割合 period it states) is refused after it; マイナポータル shows today's.
      const doc = presented === "oshirase-with-card" ? latestIssued(documents.filter((x) => x.kind === "oshirase"), d) : null;
      if (doc?.validUntil && d > doc.validUntil) return { ok: false, code: "E207", document: doc };
      return { ok: true, notice: "N203", document: doc };
    }
    case "oshirase-only":
      return inInterim(d) ? { ok: true, notice: "N202", document: null } : { ok: false, code: "E203", document: null };
    case "legacy-card": {
      const doc = latestIssued(documents.filter((x) => x.kind === "legacy-card"), d);
      if (!doc) return { ok: false, code: "E205", document: null };
      if (doc.status !== "active") return { ok: false, code: "E206", document: doc };
      const printed = doc.validUntil ?? RULE_DATES.legacyCardLastUse;
      const end = printed < RULE_DATES.legacyCardLastUse ? printed : RULE_DATES.legacyCardLastUse;
      if (d <= end) return { ok: true, notice: d >= RULE_DATES.legacyCardIssueEnds ? "N201" : null, document: doc };
      if (inInterim(d)) return { ok: true, notice: "N202", document: doc };
      return { ok: false, code: d > RULE_DATES.legacyCardLastUse ? "E202" : "E201", document: doc };
    }
    case "shikaku-kakuninsho": {
      const doc = latestIssued(documents.filter((x) => x.kind === "kakuninsho-paper" || x.kind === "kakuninsho-card"), d);
      if (!doc) return { ok: false, code: "E205", document: null };
      if (doc.status !== "active") return { ok: false, code: "E206", document: doc };
      if (doc.validUntil !== null && d > doc.validUntil) return { ok: false, code: "E201", document: doc };
      return { ok: true, notice: null, document: doc };
    }
  }
}

function latestIssued(docs: readonly DocumentRecord[], d: CompactDate): DocumentRecord | null {
  const issued = docs.filter((x) => x.issuedOn <= d);
  return issued[issued.length - 1] ?? null;
}
