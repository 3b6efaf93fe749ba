/**
 * Start-up checks the database: a damaged file stops the server with its path and the way out (--reseed),
 * --reseed moves it aside (with its -wal and -shm) and starts from the seed, and an empty file is seeded.
 */
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createServerClient, ServerApiError } from "../src/protocol/index.js";
import { serverExit, startServerProcess, stopServerProcess, type ServerProcess } from "./support/server-process.js";

const root = mkdtempSync(join(tmpdir(), "onshi-dbhealth-"));
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const p of running) await stopServerProcess(p, "SIGKILL");
  rmSync(root, { recursive: true, force: true });
});

const PAGE = 4096;

function dataFolder(name: string): { dataDir: string; dbPath: string } {
  const dataDir = join(root, name);
  mkdirSync(join(dataDir, "server"), { recursive: true });
  return { dataDir, dbPath: join(dataDir, "server", "onshi.sqlite") };
}

async function nonceStatus(p: ServerProcess): Promise<number> {
  return createServerClient({ baseUrl: p.url })
    .nonce({ body: { medicalInstitutionCode: "1311234567" } })
    .then(
      () => 200,
      (e: unknown) => {
        if (e instanceof ServerApiError && e.status !== undefined) return e.status;
        throw e;
      },
    );
}

/** The fresh database the --reseed test leaves behind (the tests of a file run in order): a good one to damage. */
let seeded: string | undefined;

describe("npm run server: database health at start-up", () => {
  it("a garbage file: exits 1 naming it and --reseed, touching nothing; --reseed moves it aside with its -wal/-shm and starts from the seed", async () => {
    const { dataDir, dbPath } = dataFolder("garbage");
    writeFileSync(dbPath, Buffer.alloc(3 * PAGE, 0x5a));
    writeFileSync(`${dbPath}-wal`, "not a wal");
    writeFileSync(`${dbPath}-shm`, "");

    const refused = await serverExit(dataDir, ["--quiet"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`database ${dbPath} is damaged`);
    expect(refused.stderr).toContain("--reseed");
    expect(refused.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(existsSync(`${dbPath}-wal`)).toBe(true); // the WAL may hold the latest commits: left as found

    const p = await startServerProcess(dataDir, ["--reseed"]);
    running.push(p);
    expect(await nonceStatus(p)).toBe(200);
    const aside = readdirSync(join(dataDir, "server")).filter((f) => f.includes(".damaged-")).sort();
    expect(aside).toHaveLength(3);
    expect(aside[0]).toMatch(/^onshi\.sqlite\.damaged-\S+$/);
    expect(aside.slice(1)).toEqual([`${aside[0]}-shm`, `${aside[0]}-wal`]);
    expect(p.stderr()).toContain(`moved it aside to ${join(dataDir, "server", aside[0]!)}`);
    expect(await stopServerProcess(p)).toBe(0);
    seeded = dbPath;
  }, 60_000);

  it("a database with zeroed pages: exits 1 naming the file and --reseed, no stack trace", async () => {
    const { dataDir, dbPath } = dataFolder("zeroed");
    copyFileSync(seeded!, dbPath);
    const fd = openSync(dbPath, "r+");
    writeSync(fd, Buffer.alloc(3 * PAGE), 0, 3 * PAGE, 4 * PAGE); // pages 5–7: table and index roots
    closeSync(fd);

    const r = await serverExit(dataDir, ["--quiet"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`database ${dbPath} is damaged (`);
    expect(r.stderr).toContain("--reseed");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("a 0-byte file is seeded, with a log line saying so", async () => {
    const { dataDir, dbPath } = dataFolder("empty");
    writeFileSync(dbPath, "");
    const p = await startServerProcess(dataDir);
    running.push(p);
    expect(p.stderr()).toContain(`database ${dbPath} is empty (0 bytes): seeding it`);
    expect(await nonceStatus(p)).toBe(200);
    expect(await stopServerProcess(p)).toBe(0);
  }, 60_000);
});
