/**
 * Group commit for the lookup hot path: writes queued during one turn of the event loop are committed in one
 * transaction (one WAL append) at setImmediate, and each caller's promise resolves only after that commit — so
 * a result is still never answered before its audit row and confirmation are durable, but under load dozens of
 * requests share one commit instead of paying for one each.
 */
import type { SqliteDatabase } from "./database.js";

interface Pending {
  readonly write: () => void;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly db: SqliteDatabase) {}

  run(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    this.scheduled = false;
    try {
      this.db.transaction(() => {
        for (const p of batch) p.write();
      })();
      for (const p of batch) p.resolve();
    } catch {
      // One bad write must not fail its neighbours: redo them one by one.
      for (const p of batch) {
        try {
          this.db.transaction(p.write)();
          p.resolve();
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }
}
