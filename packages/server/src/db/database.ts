/**
 * The server's one SQLite file. WAL with synchronous=NORMAL: a COMMIT returns only after its WAL frames are
 * written to the OS, so an acknowledged write survives the process being killed (SIGKILL); what NORMAL gives
 * up is durability against power loss or an OS crash. Consents, the writes that matter to a patient, are
 * committed with synchronous=FULL (fsync of the WAL at commit) — see ConsentService. `durability: "full"`
 * makes every commit FULL.
 */
import Database from "better-sqlite3";
import { lstatSync, mkdirSync, renameSync } from "node:fs";
import { dirname } from "node:path";
import { MIGRATIONS } from "./migrations.js";

export type SqliteDatabase = Database.Database;
export type Durability = "normal" | "full";

export interface OpenDatabaseOptions {
  readonly path: string; // ":memory:" allowed
  readonly durability?: Durability;
}

/** The file is not a database, or its pages fail SQLite's quick_check. */
export class DatabaseDamagedError extends Error {
  override name = "DatabaseDamagedError";
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(
      `database ${path} is damaged (${problem}): start the server with --reseed (npm run server -- --reseed, or ` +
        `onshi-sim start --reseed) to move it aside, with its -wal and -shm, and start afresh from the seed`,
    );
  }
}

/** SQLite's codes for a file that is not, or no longer, a well-formed database. */
const isCorruption = (e: unknown): boolean => {
  const code = (e as { code?: unknown }).code;
  return typeof code === "string" && (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT"));
};

/**
 * `PRAGMA quick_check` (every page and b-tree, without the slower index-content cross-check) on a read-only
 * connection: closing it never checkpoints or deletes the -wal, so a damaged database is left exactly as it
 * was found (its WAL may hold the latest commits). Throws DatabaseDamagedError; false when the check could not
 * run read-only (then the read-write connection checks instead).
 */
function checkReadOnly(path: string): boolean {
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    quickCheck(db, path);
    return true;
  } catch (e) {
    if (e instanceof DatabaseDamagedError) throw e;
    if (isCorruption(e)) throw new DatabaseDamagedError(path, (e as Error).message);
    return false;
  } finally {
    db?.close();
  }
}

function quickCheck(db: SqliteDatabase, path: string): void {
  const problems = (db.pragma("quick_check(3)") as { quick_check: string }[]).map((r) => r.quick_check).filter((m) => m !== "ok");
  if (problems.length) throw new DatabaseDamagedError(path, problems.join("; ").replace(/\s+/g, " ").slice(0, 300));
}

/**
 * Opens (and migrates) the database. An existing file is checked first: a damaged one throws
 * DatabaseDamagedError rather than starting and answering 500 later.
 */
export function openDatabase(options: OpenDatabaseOptions): SqliteDatabase {
  const file = options.path !== ":memory:";
  if (file) mkdirSync(dirname(options.path), { recursive: true });
  const checked = file && (fileSize(options.path) ?? 0) > 0 ? checkReadOnly(options.path) : true;
  const db = new Database(options.path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma(`synchronous = ${options.durability === "full" ? "FULL" : "NORMAL"}`);
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    db.pragma("cache_size = -32000"); // 32 MB of page cache: the working set stays in memory
    if (!checked) quickCheck(db, options.path);
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    if (isCorruption(e)) throw new DatabaseDamagedError(options.path, (e as Error).message);
    throw e;
  }
}

/** Size of the file at `path`, or undefined when there is none. */
function fileSize(path: string): number | undefined {
  try {
    return lstatSync(path).size;
  } catch {
    return undefined;
  }
}

/** A database file of 0 bytes with no WAL behind it: nothing was ever stored in it. */
export function isEmptyDatabaseFile(path: string): boolean {
  return fileSize(path) === 0 && !fileSize(`${path}-wal`);
}

/** Renames a damaged database and its -wal / -shm to `<path>.damaged-<time>…`; returns the new main file name. */
export function moveDatabaseAside(path: string, now: Date = new Date()): string {
  const aside = `${path}.damaged-${now.toISOString().replace(/[:.]/g, "-")}`;
  for (const suffix of ["", "-wal", "-shm"]) {
    try {
      renameSync(`${path}${suffix}`, `${aside}${suffix}`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
  }
  return aside;
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
