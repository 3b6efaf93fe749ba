import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrate, openDatabase, withFullSync } from "../../src/db/database.js";
import { MIGRATIONS } from "../../src/db/migrations.js";

describe("database", () => {
  it("opens in WAL, applies each migration once, and commits FULL when asked", () => {
    const dir = mkdtempSync(join(tmpdir(), "onshi-db-"));
    try {
      const path = join(dir, "x.sqlite");
      const db = openDatabase({ path });
      expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
      expect(db.pragma("synchronous", { simple: true })).toBe(1);
      expect(migrate(db)).toEqual([]);
      const versions = (db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version);
      expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
      withFullSync(db, () => {
        expect(db.inTransaction).toBe(true);
        db.prepare("INSERT INTO meta (key, value) VALUES ('k', 'v')").run();
      });
      expect(db.pragma("synchronous", { simple: true })).toBe(1);
      db.close();
      const again = openDatabase({ path, durability: "full" });
      expect(again.pragma("synchronous", { simple: true })).toBe(2);
      expect(again.prepare("SELECT value FROM meta WHERE key = 'k'").get()).toEqual({ value: "v" });
      again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("migration 2 keeps every confirmation and audit row of a version-1 database, and audit ids go on from the last", () => {
    const dir = mkdtempSync(join(tmpdir(), "onshi-db-"));
    try {
      const path = join(dir, "v1.sqlite");
      const v1 = new Database(path);
      v1.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
      v1.exec(MIGRATIONS.find((m) => m.version === 1)!.sql);
      v1.prepare("INSERT INTO schema_migrations VALUES (1, 'initial schema', '2026-01-01')").run();
      v1.prepare("INSERT INTO confirmations (confirmation_id, medical_institution_code, person_id, certificate_serial, method, simulation_date, consent_flow, usable, created_at_ms, completed_at_ms, face_file) VALUES ('c1', '1311234567', 'P0001', 'AB', 'pin', '20261129', 'since-2024-10-07', 1, 5, 6, 'f.xml')").run();
      for (const channel of ["card", "insurance", "admin"]) v1.prepare("INSERT INTO audit_log (at, channel) VALUES ('2026-11-29T00:00:00Z', ?)").run(channel);
      v1.close();

      const db = openDatabase({ path });
      expect(db.prepare("SELECT * FROM confirmations").all()).toEqual([
        { confirmation_id: "c1", medical_institution_code: "1311234567", person_id: "P0001", certificate_serial: "AB", method: "pin", simulation_date: "20261129", consent_flow: "since-2024-10-07", usable: 1, created_at_ms: 5, completed_at_ms: 6, face_file: "f.xml" },
      ]);
      expect((db.prepare("SELECT audit_id, channel FROM audit_log ORDER BY audit_id").all() as { audit_id: number }[])).toEqual([
        { audit_id: 1, channel: "card" },
        { audit_id: 2, channel: "insurance" },
        { audit_id: 3, channel: "admin" },
      ]);
      const next = Number(db.prepare("INSERT INTO audit_log (at, channel) VALUES ('2026-11-29T00:00:01Z', 'card')").run().lastInsertRowid);
      expect(next).toBe(4);
      expect(String(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'confirmations'").pluck().get())).toMatch(/WITHOUT ROWID/);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
