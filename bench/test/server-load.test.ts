/**
 * The load generator (bench/server-load.ts) as the bench runs it — its own process — against servers that misbehave:
 * it must count what they do as errors and always print its one JSON line, never exit silently.
 */
import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

function runLoad(cfg: Record<string, unknown>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "server-load.ts"), JSON.stringify(cfg)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
}

const small = { mode: "bare", connections: 4, closedMs: 10_000, closedMax: 60, openRate: 200, openMs: 300, openRounds: 1, warmup: 10, facility: "1311234567", settleMs: [0, 0], requestTimeoutMs: 5_000 };

/** Answers like the bare ceiling, except that every third request has its connection closed unanswered. */
let rude: Server;
let requests = 0;
beforeAll(async () => {
  rude = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      if (++requests % 3 === 0) return void req.socket.destroy();
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": 2 });
      res.end("{}");
    });
  });
  await new Promise<void>((r) => rude.listen(0, "127.0.0.1", r));
});
afterAll(() => new Promise<void>((r) => rude.close(() => r())));

describe.concurrent("bench load generator", () => {
  it("counts connections the server closes as errors, reconnects, and prints its result", async () => {
    const url = `http://127.0.0.1:${(rude.address() as AddressInfo).port}`;
    const { code, stdout, stderr } = await runLoad({ ...small, url });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(result.error).toBeUndefined();
    for (const phase of [result.closed, result.open]) {
      expect(phase.errors).toBeGreaterThan(0);
      expect(phase.requests).toBeGreaterThan(phase.errors); // the others were answered, on reopened connections too
    }
    expect(result.open.requests + result.open.errors).toBe(60);
  });

  it("prints a result with the error when it cannot run at all, and exits 1", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r())); // nothing listens there now
    const { code, stdout } = await runLoad({ ...small, url: `http://127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(JSON.parse(stdout.trim().split("\n").pop()!).error).toMatch(/ECONNREFUSED/);
  });
});
