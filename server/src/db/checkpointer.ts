/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT crosses the
 * threshold and fsyncs there, stalling every request behind it for milliseconds. Here a worker thread with its
 * own connection runs PASSIVE checkpoints on a timer (they never block writers), and the main connection's
 * automatic checkpoint is kept only as a high safety limit.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { SqliteDatabase } from "./database.js";

const WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma("busy_timeout = 1000");
const timer = setInterval(() => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch { /* busy: next tick */ }
}, workerData.intervalMs);
parentPort.on("message", () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export class Checkpointer {
  private readonly worker: Worker;

  constructor(db: SqliteDatabase, path: string, intervalMs = 1000) {
    db.pragma("wal_autocheckpoint = 20000"); // ~80 MB of WAL before the main thread would checkpoint itself
    const module = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER, { eval: true, workerData: { module, path, intervalMs } });
    this.worker.unref();
    this.worker.on("error", () => db.pragma("wal_autocheckpoint = 1000")); // fall back to SQLite's own
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage("close");
    await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
    await this.worker.terminate();
  }
}
