/**
 * The server's own simulation date: what every request without a date of its own is answered on — folder files,
 * XML over HTTP, JSON lookups without `simulationDate`, 一括照会, 薬剤・特定健診情報. Set by `PUT /api/admin/clock`
 * (the trainer's date setting and the scenario runner call it), kept in the data folder's SQLite (table meta), so
 * a restarted server keeps the trainer's day. Null = real time: today in Japan time. Only the date is simulated;
 * the time of day stays the real Japan-time one (as for a request's own simulationDate).
 */
import type { SqliteDatabase } from "../db/database.js";
import { jstDate, simulationTimestamp, type CompactDate, type CompactTimestamp } from "../time/jst.js";

const KEY = "simulation_date";

export interface ClockView {
  /** The date set, or null (real time). */
  readonly date: CompactDate | null;
  /** The date requests without one are answered on now. */
  readonly effectiveDate: CompactDate;
  readonly source: "set" | "real-time";
}

export class SimulationClock {
  #date: CompactDate | null;
  readonly #write;
  readonly #clear;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => Date,
  ) {
    const row = db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?").get(KEY);
    this.#date = row?.value ?? null;
    this.#write = db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
    this.#clear = db.prepare("DELETE FROM meta WHERE key = ?");
  }

  /** The simulation date for a request that brings none. */
  today(now: Date = this.now()): CompactDate {
    return this.#date ?? jstDate(now);
  }

  /** A timestamp on the simulation date (real Japan-time time of day). */
  timestamp(now: Date = this.now()): CompactTimestamp {
    return simulationTimestamp(this.today(now), now);
  }

  set(date: CompactDate | null): ClockView {
    if (date === null) this.#clear.run(KEY);
    else this.#write.run(KEY, date);
    this.#date = date;
    return this.view();
  }

  view(): ClockView {
    return { date: this.#date, effectiveDate: this.today(), source: this.#date === null ? "real-time" : "set" };
  }
}
