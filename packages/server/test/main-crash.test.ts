/**
 * The server process is killed with SIGKILL while it records consents under load; after a restart on the
 * same database, every consent it acknowledged (2xx) is there, whole.
 */
import type { ChildProcess } from "node:child_process";
import { sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { createServerClient } from "../src/protocol/index.js";
import { card, FACILITY } from "./support/server-harness.js";
import { startServerProcess } from "./support/server-process.js";

const dataDir = mkdtempSync(join(tmpdir(), "onshi-crash-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

const startServer = () => startServerProcess(dataDir, ["--quiet"], { ONSHI_SIM_ADMIN_TOKEN: "crash-test" }).then((p) => (children.push(p.child), p));

async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown> };
}

describe("crash safety", () => {
  it("keeps every acknowledged consent across SIGKILL", async () => {
    const first = await startServer();
    const c = await card("P0001");
    const certificate = Buffer.from(c.userAuthCertificateDer).toString("base64");
    const confirmations: string[] = [];
    for (let i = 0; i < 240; i++) {
      const n = await postJson(`${first.url}/api/v1/nonces`, { medicalInstitutionCode: FACILITY });
      const nonce = n.json.nonce as string;
      const signature = sign("sha256", Buffer.from(nonce, "base64url"), c.userAuthKey).toString("base64");
      const r = await postJson(`${first.url}/api/v1/qualifications/card`, { medicalInstitutionCode: FACILITY, nonce, certificate, method: "pin", signature });
      confirmations.push((r.json.simulator as { confirmationId: string }).confirmationId);
    }

    const acknowledged: string[] = [];
    let inFlightAtKill = 0;
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (!killed && next < confirmations.length) {
        const id = confirmations[next++]!;
        try {
          const r = await postJson(`${first.url}/api/v1/consents`, { confirmationId: id, comprehensive: true, items: { operation: next % 2 === 0 } });
          if (r.status === 200) acknowledged.push(id);
          if (acknowledged.length >= 120 && !killed) {
            killed = true;
            first.child.kill("SIGKILL");
          }
        } catch {
          inFlightAtKill++; // in flight when the process died: never acknowledged
        }
      }
    };
    const exited = new Promise((resolve) => first.child.once("exit", resolve));
    await Promise.all(Array.from({ length: 12 }, worker));
    await exited;
    expect(killed).toBe(true);
    expect(first.child.signalCode).toBe("SIGKILL");
    expect(acknowledged.length).toBeGreaterThanOrEqual(120);
    expect(inFlightAtKill).toBeGreaterThan(0); // killed mid-stream, not between requests

    const second = await startServer();
    const health = await createServerClient({ baseUrl: second.url }).health(); // resolves on 200 with a valid body
    expect(health.status).toBe("ok");
    const db = new Database(join(dataDir, "server", "onshi.sqlite"), { readonly: true, fileMustExist: true });
    try {
      const rows = db.prepare("SELECT confirmation_id AS id, COUNT(*) AS n FROM consents GROUP BY confirmation_id").all() as { id: string; n: number }[];
      const stored = new Map(rows.map((r) => [r.id, r.n]));
      const missing = acknowledged.filter((id) => stored.get(id) !== 4);
      expect(missing).toEqual([]);
    } finally {
      db.close();
    }
    second.child.kill("SIGTERM");
    await new Promise((resolve) => second.child.once("exit", resolve));
  }, 60_000);
});
