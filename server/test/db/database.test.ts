import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
});
