import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Checkpointer } from "../../src/db/checkpointer.js";
import { openDatabase, type SqliteDatabase } from "../../src/db/database.js";
import { GroupCommit } from "../../src/db/group-commit.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freshDb(): { db: SqliteDatabase; path: string } {
  const dir = mkdtempSync(join(tmpdir(), "onshi-gc-"));
  dirs.push(dir);
  const path = join(dir, "x.sqlite");
  return { db: openDatabase({ path }), path };
}

/** Commits `n` lookups' worth of rows one after the other (each waits for its commit, as a request does). */
async function commitMany(db: SqliteDatabase, commits: GroupCommit, n: number): Promise<void> {
  const insert = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
  for (let i = 0; i < n; i++) await commits.run(() => insert.run(`k${i}`, "x".repeat(3000)));
}

describe("GroupCommit", () => {
  it("answers only after the commit, and shares one commit among the writes of one turn", async () => {
    const { db } = freshDb();
    const commits = new GroupCommit(db);
    const insert = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    const seen: number[] = [];
    await Promise.all(
      [1, 2, 3].map((i) =>
        commits.run(() => insert.run(`k${i}`, "v")).then(() => seen.push((db.prepare("SELECT COUNT(*) AS n FROM meta").get() as { n: number }).n)),
      ),
    );
    expect(seen).toEqual([3, 3, 3]);
    db.close();
  });

  it("a failing write is redone alone: its neighbours still commit", async () => {
    const { db } = freshDb();
    const commits = new GroupCommit(db);
    const insert = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    const results = await Promise.allSettled([commits.run(() => insert.run("a", "1")), commits.run(() => insert.run("a", "dup")), commits.run(() => insert.run("b", "2"))]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(db.prepare("SELECT key, value FROM meta ORDER BY key").all()).toEqual([
      { key: "a", value: "1" },
      { key: "b", value: "2" },
    ]);
    db.close();
  });

  it("keeps the WAL from growing under a steady stream of commits: after the checkpointer's two passes the next commit starts it over", async () => {
    const plain = freshDb();
    await commitMany(plain.db, new GroupCommit(plain.db), 300);
    const grown = statSync(`${plain.path}-wal`).size;

    const managed = freshDb();
    const checkpointer = new Checkpointer(managed.db, managed.path, 60_000);
    try {
      const pending: Promise<unknown>[] = [];
      const commits = new GroupCommit(managed.db, {
        checkpointEveryMs: 0,
        checkpoint: () => {
          const p = checkpointer.checkpoint();
          pending.push(p);
          return p;
        },
      });
      const insert = managed.db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
      let calls = 0;
      for (let i = 0; i < 300; i++) {
        await commits.run(() => insert.run(`k${i}`, "x".repeat(3000)));
        // Let both passes finish before the next request arrives.
        for (let p = pending.shift(); p; p = pending.shift()) {
          calls++;
          await p;
          await new Promise((r) => setImmediate(r));
        }
      }
      expect(calls).toBe(600);
      expect(statSync(`${managed.path}-wal`).size).toBeLessThan(grown / 10);
      expect((managed.db.prepare("SELECT COUNT(*) AS n FROM meta").get() as { n: number }).n).toBe(300);
    } finally {
      await checkpointer.close();
      managed.db.close();
      plain.db.close();
    }
  });

  it("holds commits during the checkpoint's second pass only, and answers them once it is done", async () => {
    const { db } = freshDb();
    let releaseSecond: () => void = () => {};
    const passes: string[] = [];
    const commits = new GroupCommit(db, {
      checkpointEveryMs: 0,
      checkpoint: () => {
        passes.push(passes.length === 0 ? "bulk" : "catch-up");
        if (passes.length === 1) return Promise.resolve({ busy: 0, log: 1, checkpointed: 1 });
        return new Promise((resolve) => (releaseSecond = () => resolve({ busy: 0, log: 0, checkpointed: 0 })));
      },
    });
    const insert = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    const count = () => (db.prepare("SELECT COUNT(*) AS n FROM meta").get() as { n: number }).n;
    await commits.run(() => insert.run("a", "1")); // its flush starts the bulk pass
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    expect(passes).toEqual(["bulk", "catch-up"]);
    let answered = false;
    const held = commits.run(() => insert.run("b", "2")).then(() => (answered = true));
    for (let i = 0; i < 5; i++) await tick();
    expect([count(), answered]).toEqual([1, false]);
    releaseSecond();
    await held;
    expect(count()).toBe(2);
    db.close();
  });

  it("goes on committing when the checkpointer is gone", async () => {
    const { db, path } = freshDb();
    const checkpointer = new Checkpointer(db, path);
    await checkpointer.close();
    const commits = new GroupCommit(db, { checkpointEveryMs: 0, checkpoint: () => checkpointer.checkpoint() });
    await commitMany(db, commits, 5);
    expect((db.prepare("SELECT COUNT(*) AS n FROM meta").get() as { n: number }).n).toBe(5);
    db.close();
  });
});
