import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createServerClient } from "../src/protocol/index.js";
import { startServerProcess, stopServerProcess, type ServerProcess } from "./support/server-process.js";

const dataDir = mkdtempSync(join(tmpdir(), "onshi-main-"));
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const p of running) await stopServerProcess(p, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm run server (src/main.ts)", () => {
  it("prints one line on stdout, keeps its admin token, reseeds on --reseed, exits cleanly on SIGTERM", async () => {
    const first = await startServerProcess(dataDir);
    running.push(first);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.stdout().trim().split("\n")).toEqual([`onshi-sim server listening on ${first.url}`]);
    const token = readFileSync(join(dataDir, "server", "admin-token"), "utf8").trim();
    expect(first.stderr()).toContain(token);
    const lose = await createServerClient({ baseUrl: first.url, adminToken: token }).personAction({ params: { personId: "P1009" }, body: { action: "lose-qualification" } });
    expect(lose.cardPathValidityToday).toBe("2");
    expect(await stopServerProcess(first)).toBe(0);

    // Same data folder: the change persisted and the token is reused.
    const second = await startServerProcess(dataDir);
    running.push(second);
    const state = await createServerClient({ baseUrl: second.url, adminToken: token }).person({ params: { personId: "P1009" } });
    expect(state.qualifications[0]!.disqualificationDate).not.toBeNull();
    expect(await stopServerProcess(second)).toBe(0);

    const reseeded = await startServerProcess(dataDir, ["--reseed"]);
    running.push(reseeded);
    const restored = await createServerClient({ baseUrl: reseeded.url, adminToken: token }).person({ params: { personId: "P1009" } });
    expect(restored.qualifications[0]!.disqualificationDate).toBeNull();
    const docs = await fetch(`${reseeded.url}/api/docs/openapi.json`);
    expect(docs.status).toBe(200);
    expect(await stopServerProcess(reseeded)).toBe(0);
  }, 60_000);
});
