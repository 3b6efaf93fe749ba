/**
 * Group commit for the lookup hot path: writes queued during one turn of the event loop are committed in one
 * transaction (one WAL append) at setImmediate, and each caller's promise resolves only after that commit — so
 * a result is still never answered before its audit row and confirmation are durable, but under load dozens of
 * requests share one commit instead of paying for one each.
 *
 * It also keeps the WAL from growing without end. Under a steady stream of commits a PASSIVE checkpoint never
 * catches up (new frames land while it copies), so the WAL only grows — ~16 MB/s at 2,000 lookups/s — until
 * SQLite's own checkpoint fires inside a commit on the event loop. So every `checkpointEveryMs` at most, the
 * Checkpointer's worker copies the WAL back and then, with commits held (the event loop is not), copies what was
 * written meanwhile; with nothing written in between, the commit after that starts the WAL over.
 */
import type { CheckpointResult } from "./checkpointer.js";
import type { SqliteDatabase } from "./database.js";

interface Pending {
  readonly write: () => void;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export interface GroupCommitOptions {
  /** Runs a checkpoint off the event loop (Checkpointer.checkpoint); without it the WAL is left to SQLite. */
  readonly checkpoint?: () => Promise<CheckpointResult | null>;
  /**
   * Least time between two checkpoints the group commit waits for (default 2 s: at 2,000 lookups/s the WAL then
   * stays under ~50 MB, below the main connection's safety limit, and a wait of a few ms is rare).
   */
  readonly checkpointEveryMs?: number;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private scheduled = false;
  /** idle; "bulk": the first pass runs, commits go on; "holding": the second pass runs, commits wait for it. */
  private checkpointPass: "idle" | "bulk" | "holding" = "idle";
  private lastCheckpointMs = performance.now();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: GroupCommitOptions = {},
  ) {}

  run(write: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.checkpointPass === "holding" || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
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
    this.maybeCheckpoint();
  }

  /**
   * Two passes: the first copies the bulk of the WAL back while commits go on; the second, with commits held,
   * only has the frames written meanwhile, so the hold lasts a few ms (two fsyncs) rather than a whole copy.
   */
  private maybeCheckpoint(): void {
    const { checkpoint, checkpointEveryMs = 2000 } = this.options;
    if (!checkpoint || this.checkpointPass !== "idle" || performance.now() - this.lastCheckpointMs < checkpointEveryMs) return;
    this.checkpointPass = "bulk";
    checkpoint()
      .then(() => {
        this.checkpointPass = "holding";
        return checkpoint();
      })
      .catch(() => null)
      .finally(() => {
        this.checkpointPass = "idle";
        this.lastCheckpointMs = performance.now();
        this.schedule();
      });
  }
}
