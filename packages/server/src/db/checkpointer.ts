/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside whichever COMMIT crosses the
 * threshold and fsyncs there, stalling every request behind it. Here a worker thread with its own connection runs
 * PASSIVE checkpoints (they never block writers): on a timer when the server is quiet, and on request from the
 * group commit under load (see GroupCommit: it holds its next commit until the checkpoint is done, so the WAL
 * is fully copied back and the next commit starts it over instead of growing it). The main connection's
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
const checkpoint = () => {
  try { return db.pragma("wal_checkpoint(PASSIVE)")[0]; } catch { return null; /* busy: next time */ }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m && m.type === "checkpoint") return parentPort.postMessage({ id: m.id, result: checkpoint() });
  clearInterval(timer); db.close(); parentPort.close();
});
`;

/** What wal_checkpoint reports: frames in the WAL and frames copied back (equal = the WAL can start over). */
export interface CheckpointResult {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

export class Checkpointer {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<number, (r: CheckpointResult | null) => void>();
  /** The worker failed or was closed: checkpoints answer null at once. */
  private gone = false;

  constructor(
    db: SqliteDatabase,
    path: string,
    intervalMs = 1000,
    private readonly replyTimeoutMs = 2000,
  ) {
    db.pragma("wal_autocheckpoint = 20000"); // ~80 MB of WAL before the main thread would checkpoint itself
    const module = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(WORKER, { eval: true, workerData: { module, path, intervalMs } });
    this.worker.unref();
    this.worker.on("message", (m: { id: number; result: CheckpointResult | null }) => {
      this.waiting.get(m.id)?.(m.result);
      this.waiting.delete(m.id);
    });
    this.worker.on("error", () => {
      if (db.open) db.pragma("wal_autocheckpoint = 1000"); // fall back to SQLite's own
      this.release();
    });
    this.worker.on("exit", () => this.release());
  }

  /** A PASSIVE checkpoint now, in the worker; null if it failed or did not answer in time (the caller goes on). */
  checkpoint(): Promise<CheckpointResult | null> {
    if (this.gone) return Promise.resolve(null);
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve(null);
      }, this.replyTimeoutMs);
      timer.unref();
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      this.worker.postMessage({ type: "checkpoint", id });
    });
  }

  async close(): Promise<void> {
    if (this.gone) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage({ type: "close" });
    await Promise.race([exited, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
    await this.worker.terminate();
    this.release();
  }

  private release(): void {
    this.gone = true;
    for (const resolve of this.waiting.values()) resolve(null);
    this.waiting.clear();
  }
}
