/** One server per data folder: a second one on the same folder refuses to start; a killed one's lock is taken over. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createServerClient } from "../src/protocol/index.js";
import { serverExit, startServerProcess, stopServerProcess, type ServerProcess } from "./support/server-process.js";

const dataDir = mkdtempSync(join(tmpdir(), "onshi-owner-"));
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const p of running) await stopServerProcess(p, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run server: one server per data folder", () => {
  it("a second server on the same folder exits 1 naming the first (pid, URL); after SIGKILL of the first, a new one starts", async () => {
    const first = await startServerProcess(dataDir, ["--quiet"]);
    running.push(first);

    const second = await serverExit(dataDir, ["--quiet"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`the data folder ${join(dataDir, "server")} is in use by another onshi-sim server (pid ${first.child.pid} (onshi-sim server), url ${first.url}`);
    expect(second.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace

    expect(await stopServerProcess(first, "SIGKILL")).toBe(null);
    const third = await startServerProcess(dataDir, ["--quiet"]);
    running.push(third);
    expect((await createServerClient({ baseUrl: third.url }).health()).status).toBe("ok"); // resolves on 200 only
    expect(await stopServerProcess(third)).toBe(0);
  }, 60_000);
});
