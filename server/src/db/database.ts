/**
 * The server's one SQLite file. WAL with synchronous=NORMAL: a COMMIT returns only after its WAL frames are
 * written to the OS, so an acknowledged write survives the process being killed (SIGKILL); what NORMAL gives
 * up is durability against power loss or an OS crash. Consents, the writes that matter to a patient, are
 * committed with synchronous=FULL (fsync of the WAL at commit) — see ConsentService. `durability: "full"`
 * makes every commit FULL.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { MIGRATIONS } from "./migrations.js";

export type SqliteDatabase = Database.Database;
export type Durability = "normal" | "full";

export interface OpenDatabaseOptions {
  readonly path: string; // ":memory:" allowed
  readonly durability?: Durability;
}

export function openDatabase(options: OpenDatabaseOptions): SqliteDatabase {
  if (options.path !== ":memory:") mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.durability === "full" ? "FULL" : "NORMAL"}`);
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  db.pragma("cache_size = -32000"); // 32 MB of page cache: the working set stays in memory
  migrate(db);
  return db;
}

export function migrate(db: SqliteDatabase): number[] {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const applied = new Set((db.prepare("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version));
  const done: number[] = [];
  for (const m of [...MIGRATIONS].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, new Date().toISOString());
    })();
    done.push(m.version);
  }
  return done;
}

/** Runs fn as one transaction committed with synchronous=FULL (fsync), whatever the connection's default. */
export function withFullSync<T>(db: SqliteDatabase, fn: () => T): T {
  const previous = db.pragma("synchronous", { simple: true });
  if (previous === 2) return db.transaction(fn)();
  db.pragma("synchronous = FULL");
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma(`synchronous = ${previous}`);
  }
}
