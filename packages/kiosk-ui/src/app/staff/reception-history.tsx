/**
 * /reception's history: every session of today that ended (done or error), newest first, with a filter (text:
 * name, kana, number, reader; outcome) and a CSV export of what is shown. Kept in this page's memory only, as
 * the receptionist's screen of a 顔認証付きカードリーダー keeps the day's list; no PIN or マイナンバー exists in it.
 */
import { useState } from "preact/hooks";
import type { SessionView } from "@onshi-sim/agent/protocol";
import { CONSENT_ITEM_SHORT, errorWords, formatCompactTimestamp, HISTORY_CSV_COLUMNS, METHOD_NAMES, RECEPTION as R, RECEPTION_HISTORY as W, validityLabel } from "@onshi-sim/texts";

export type OutcomeFilter = "all" | "valid" | "invalid" | "failed";

export function outcomeOf(v: SessionView): Exclude<OutcomeFilter, "all"> {
  if (v.result?.validity === "1" && v.phase === "done") return "valid";
  if (v.result) return "invalid";
  return "failed";
}

/** Newest first; only sessions that ended on the same local day as `today`. */
export function todaysHistory(list: readonly SessionView[], today: Date): SessionView[] {
  const day = today.toDateString();
  return list.filter((v) => new Date(v.updatedAt).toDateString() === day).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

export function matches(v: SessionView, text: string, outcome: OutcomeFilter): boolean {
  if (outcome !== "all" && outcomeOf(v) !== outcome) return false;
  const q = text.trim().toLowerCase();
  if (!q) return true;
  const i = v.result?.insured;
  return [v.reader, i?.name, i?.nameKana, i?.insuredIdentificationNumber, i?.insuredCardSymbol, i?.insurerNumber].some((s) => s?.toLowerCase().includes(q));
}

const cell = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** The rows as CSV (RFC 4180 quoting, CRLF), with a BOM so spreadsheet programs read the Japanese right. */
export function historyCsv(list: readonly SessionView[], lang: "ja" | "en"): string {
  const rows = list.map((v) => {
    const r = v.result;
    const i = r?.insured;
    return [
      new Date(v.updatedAt).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB"),
      v.reader,
      W[outcomeOf(v)][lang],
      r ? validityLabel(r.validity)[lang] : "",
      r?.processingResultCode ?? "",
      i?.name ?? "",
      i?.nameKana ?? "",
      i?.birthdate ?? "",
      i?.insurerNumber.trim() ?? "",
      i?.insurerName ?? "",
      i?.insuredCardSymbol ?? "",
      i?.insuredIdentificationNumber ?? "",
      i?.insuredBranchNumber ?? "",
      i?.contributionRatio ?? "",
      r ? METHOD_NAMES[r.method][lang] : "",
      (r?.consents ?? []).map((c) => `${CONSENT_ITEM_SHORT[c.item][lang]}:${(c.consented ? R.consented : R.declined)[lang]} ${formatCompactTimestamp(c.consTime)}`).join(" / "),
      v.error ? errorWords(v.error).title[lang] : "",
    ];
  });
  return "\uFEFF" + [HISTORY_CSV_COLUMNS.map((c) => c[lang]), ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

export function HistoryFilter({ all, shown, onChange, onExport }: { all: number; shown: number; onChange: (text: string, outcome: OutcomeFilter) => void; onExport: () => void }) {
  const [text, setText] = useState("");
  const [outcome, setOutcome] = useState<OutcomeFilter>("all");
  return (
    <form class="row" data-form="history-filter" onSubmit={(e) => e.preventDefault()}>
      <label>
        {W.filter.ja}
        <input
          name="historyText"
          value={text}
          onInput={(e) => {
            const v = (e.target as HTMLInputElement).value;
            setText(v);
            onChange(v, outcome);
          }}
        />
      </label>
      <label>
        {W.outcome.ja}
        <select
          name="historyOutcome"
          value={outcome}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value as OutcomeFilter;
            setOutcome(v);
            onChange(text, v);
          }}
        >
          {(["all", "valid", "invalid", "failed"] as const).map((o) => (
            <option value={o} key={o}>
              {W[o].ja}
            </option>
          ))}
        </select>
      </label>
      <span class="note" data-history-count>
        {W.count(shown, all).ja}
      </span>
      <button type="button" data-action="export-csv" disabled={shown === 0} onClick={onExport}>
        {W.exportCsv.ja}
      </button>
    </form>
  );
}

/** Offers `csv` as a file download (nothing leaves the machine). */
export function downloadCsv(csv: string, name: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
