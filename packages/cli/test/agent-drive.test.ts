/**
 * The scripting path an outside kiosk's test suite uses: `onshi-sim agent --dev` as a process, and
 * `onshi-sim drive` reading JSON-line commands on stdin and printing every event as JSON lines on stdout —
 * a whole reception (insert, PIN, consent, done) against a real mock server.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "@onshi-sim/card-sim";
import { startQualificationServer } from "../../agent/test/support/agent-harness.js";
import type { Harness } from "../../server/test/support/server-harness.js";

const BIN = join(REPO_ROOT, "packages", "cli", "bin", "onshi-sim.js");
const TOKEN = "cli-test-token-abcdef";
const STAFF_PIN = "135790";

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe("onshi-sim agent + onshi-sim drive", () => {
  let server: Harness | undefined;
  let agent: ChildProcessWithoutNullStreams;
  let agentOut = "";
  let url = "";
  const dataDir = mkdtempSync(join(tmpdir(), "onshi-agent-cli-"));
  const env = { ...process.env, ONSHI_SIM_DATA_DIR: dataDir, ONSHI_SIM_AGENT_TOKEN: TOKEN, ONSHI_SIM_STAFF_PIN: STAFF_PIN };

  beforeAll(async () => {
    const started = await startQualificationServer();
    server = started.server;
    agent = spawn(process.execPath, [BIN, "agent", "--dev", "--no-face", "--port", "0", "--server", started.baseUrl], { env, stdio: ["pipe", "pipe", "pipe"] });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the agent did not get ready:\n${agentOut}`)), 20_000);
      agent.stdout.on("data", (b: Buffer) => {
        agentOut += b.toString();
        const m = /onshi-sim agent ready on (http:\/\/\S+)/.exec(agentOut);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      agent.stderr.on("data", (b: Buffer) => (agentOut += b.toString()));
      agent.once("exit", (code) => reject(new Error(`the agent exited (${code}):\n${agentOut}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((resolve) => agent.once("exit", resolve));
      agent.kill("SIGTERM");
      await exited;
    }
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts on loopback and says where the token came from (never the token itself)", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(agentOut).toContain("token from $ONSHI_SIM_AGENT_TOKEN");
    expect(agentOut).not.toContain(TOKEN);
    expect(agentOut).not.toContain(STAFF_PIN);
  });

  it("drives a whole reception from JSON lines and prints every event as JSON lines", async () => {
    const script = [
      { cmd: "insert", card: "yamada-taro" },
      { cmd: "wait", phase: "choose-method" },
      { cmd: "pin", pin: "9085" },
      { cmd: "pin", pin: "1234" },
      { cmd: "wait", phase: ["consent", "error"] },
      { cmd: "consent", comprehensive: true, items: { operation: false } },
      { cmd: "wait", phase: "done" },
      { cmd: "remove" },
      { cmd: "wait", phase: "waiting-for-card" },
    ]
      .map((c) => JSON.stringify(c))
      .join("\n");
    const r = await run(["drive", "--url", url], env, script + "\n");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; event?: string; line?: number; ok?: boolean; phase?: string; data?: { phase?: string; error?: { code: string } | null }; text?: { ja: string; en: string } });
    expect(lines[0]).toMatchObject({ type: "event", event: "agent:snapshot" });
    expect(lines.filter((l) => l.type === "ack").every((l) => l.ok)).toBe(true);
    expect(lines.filter((l) => l.type === "wait").map((l) => l.phase)).toEqual(["choose-method", "consent", "done", "waiting-for-card"]);
    const phases = lines.filter((l) => l.event === "session:state").map((l) => l.data?.phase);
    expect(phases).toEqual(expect.arrayContaining(["reading", "choose-method", "pin", "confirming", "consent", "done", "waiting-for-card"]));
    // The agent sends codes; drive adds what a kiosk would say for them.
    const states = lines.filter((l) => l.event === "session:state");
    expect(states.every((l) => l.text && l.text.ja.length > 0 && l.text.en.length > 0)).toBe(true);
    expect(states.find((l) => l.data?.phase === "choose-method")?.text?.ja).toContain("本人確認の方法を選んでください");
    const wrongPin = states.find((l) => l.data?.error?.code === "pin-wrong");
    expect(wrongPin?.text?.ja).toContain("暗証番号が違います");
    expect(wrongPin?.text?.en).toContain("Wrong PIN");
    expect(states.find((l) => l.data?.phase === "done")?.text?.ja).toContain("受付が完了しました");
    // The PINs typed never come back out.
    expect(r.stdout).not.toMatch(/(?<!\d)(9085|1234)(?!\d)/);
    expect(agentOut).not.toMatch(/(?<!\d)(9085|1234)(?!\d)/);
  });

  it("目視 with the configured staff PIN, and a refused command makes the exit code 1", async () => {
    const script = [
      { cmd: "insert", card: "pin-locked" },
      { cmd: "wait", phase: "choose-method" },
      { cmd: "pin", pin: "1234" },
      { cmd: "visual" },
      { cmd: "wait", phase: "consent" },
      { cmd: "nonsense" },
      { cmd: "remove" },
    ]
      .map((c) => JSON.stringify(c))
      .join("\n");
    const r = await run(["drive", "--url", url], env, script);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toContainEqual(expect.objectContaining({ type: "ack", line: 3, cmd: "pin", ok: false, error: expect.objectContaining({ code: "method-unavailable" }) }));
    const refused = lines.find((l) => l.type === "ack" && l.line === 3) as { text?: { ja: string; en: string } } | undefined;
    expect(refused?.text?.ja).toContain("その方法は利用できません");
    expect(refused?.text?.en).toContain("That method is not available");
    expect(lines).toContainEqual(expect.objectContaining({ type: "ack", line: 4, cmd: "visual", ok: true }));
    expect(lines).toContainEqual(expect.objectContaining({ type: "wait", line: 5, phase: "consent" }));
    expect(lines).toContainEqual(expect.objectContaining({ type: "error", line: 6 }));
    expect(r.stdout).not.toContain(STAFF_PIN);
  });

  it("drive with a wrong token fails with the reason", async () => {
    const r = await run(["drive", "--url", url, "--token", "not-the-token"], env, "");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/missing or wrong agent token/);
  });
});
