/**
 * 照会番号 (ReferenceNumber): the number a clinic gives its patient (its patient number), registered with
 * OQSsiimm01 / OQSmuimm01 and kept per 医療機関コード and person. Every later result for that person at that
 * facility carries it; another facility never sees it. Read on the card path, so reads go through a cache that
 * empties when the data version moves (a registration bumps it).
 */
import type { SqliteDatabase } from "../db/database.js";
import { VersionedCache, type DataVersion } from "./data-version.js";

export class ReferenceNumberStore {
  readonly #cache: VersionedCache<string | null>;
  readonly #get;
  readonly #put;

  constructor(
    db: SqliteDatabase,
    private readonly dataVersion: DataVersion,
  ) {
    this.#cache = new VersionedCache(dataVersion);
    this.#get = db.prepare<[string, string], { reference_number: string }>(
      "SELECT reference_number FROM reference_numbers WHERE medical_institution_code = ? AND person_id = ?",
    );
    this.#put = db.prepare("INSERT OR REPLACE INTO reference_numbers (medical_institution_code, person_id, reference_number, registered_at) VALUES (?, ?, ?, ?)");
  }

  get(facility: string, personId: string): string | null {
    return this.#cache.get(`${facility}|${personId}`, () => this.#get.get(facility, personId)?.reference_number ?? null);
  }

  /** Registers (or replaces) the person's number at that facility. */
  put(facility: string, personId: string, referenceNumber: string, registeredAt: string): void {
    this.#put.run(facility, personId, referenceNumber, registeredAt);
    this.dataVersion.bump();
  }
}
