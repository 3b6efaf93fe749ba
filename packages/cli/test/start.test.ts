/** `onshi-sim start` on a data folder another server owns: refused before anything starts, naming that server. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockDataFolder } from "@onshi-sim/server";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "@onshi-sim/card-sim";

const dataDir = mkdtempSync(join(tmpdir(), "onshi-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("onshi-sim start", () => {
  it("exits 1 naming the server (pid, URL) that holds the data folder, and how to use it instead", async () => {
    // This test process stands for a server running on the folder (npm run server, or another onshi-sim start).
    const lock = lockDataFolder(join(dataDir, "server"));
    lock.update({ url: "http://127.0.0.1:18741" });
    try {
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        execFile(
          process.execPath,
          [join(REPO_ROOT, "packages", "cli", "bin", "onshi-sim.js"), "start", "--exit-when-ready", "--no-face", "--server-port", "18799", "--agent-port", "0", "--ui-port", "0"],
          { encoding: "utf8", timeout: 30_000, env: { ...process.env, ONSHI_SIM_DATA_DIR: dataDir } },
          (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr }),
        ),
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`the data folder ${join(dataDir, "server")} is in use by another onshi-sim server (pid ${process.pid} (onshi-sim server), url http://127.0.0.1:18741`);
      expect(r.stderr).toContain("onshi-sim start --server-port 18741");
      expect(r.stdout).not.toContain("qualification server:"); // nothing was started
    } finally {
      lock.release();
    }
  }, 60_000);
});
