/**
 * `onshi-sim scenario list | run`: the table, --json, the exit code an outside CI relies on, --dir with the
 * README's example file, and --server against a server started elsewhere (with its admin token).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ADMIN_TOKEN, startHarness } from "../../../server/test/support/server-harness.js";
import { main } from "../../src/main.js";
import { runScenarioCommand } from "../../src/scenario.js";
import { REPO_ROOT } from "@onshi-sim/card-sim";
import { loadScenarios } from "@onshi-sim/scenarios";

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const s = sink();
  const code = await runScenarioCommand(argv, s.stream);
  return { code, out: s.text() };
}

const dir = mkdtempSync(join(tmpdir(), "onshi-scenario-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The example in the README's "Adding a scenario" section, as a user would copy it. */
function readmeExample(): { name: string; text: string } {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("### Adding a scenario"));
  const json = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!json) throw new Error("no JSON example in the README's Adding a scenario section");
  return { name: (JSON.parse(json) as { name: string }).name, text: json };
}

describe("onshi-sim scenario", () => {
  it("list: every catalogue scenario, with its title", async () => {
    const { code, out } = await run(["list"]);
    expect(code).toBe(0);
    const catalogue = loadScenarios();
    for (const s of catalogue) expect(out).toContain(s.name);
    expect(out).toContain(`${catalogue.length} scenarios`);
    const json = JSON.parse((await run(["list", "--json"])).out) as { scenarios: { name: string; face: boolean }[] };
    expect(json.scenarios.map((s) => s.name)).toEqual(catalogue.map((s) => s.name));
    expect(json.scenarios.find((s) => s.name === "mynacard-face")?.face).toBe(true);
  });

  it("run: the README's example file works as documented (--dir, --json)", async () => {
    const example = readmeExample();
    const own = join(dir, "readme");
    rmSync(own, { recursive: true, force: true });
    await import("node:fs").then((fs) => fs.mkdirSync(own));
    writeFileSync(join(own, `${example.name}.json`), example.text);
    const { code, out } = await run(["run", "--all", "--dir", own, "--json"]);
    const report = JSON.parse(out) as { ok: boolean; results: { name: string; ok: boolean; steps: { status: string }[] }[] };
    expect(report.ok, out).toBe(true);
    expect(code).toBe(0);
    expect(report.results.map((r) => r.name)).toEqual([example.name]);
    expect(report.results[0]?.steps.every((s) => s.status === "pass")).toBe(true);
  });

  it("schema: the JSON Schema from the zod schema, the same as fixtures/scenarios/scenario.schema.json, named by every file", async () => {
    const { code, out } = await run(["schema"]);
    expect(code).toBe(0);
    const schema = JSON.parse(out) as { $schema: string; properties: Record<string, unknown>; required: string[] };
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.required).toEqual(expect.arrayContaining(["name", "title", "summary", "source", "steps"]));
    const committed = readFileSync(join(REPO_ROOT, "fixtures", "scenarios", "scenario.schema.json"), "utf8");
    expect(committed, "regenerate: onshi-sim scenario schema > fixtures/scenarios/scenario.schema.json").toBe(out);
    for (const s of loadScenarios()) {
      const raw = JSON.parse(readFileSync(join(REPO_ROOT, "fixtures", "scenarios", `${s.name}.json`), "utf8")) as { $schema?: string };
      expect(raw.$schema, s.name).toBe("./scenario.schema.json");
    }
  });

  it("run --junit FILE: JUnit XML, one testsuite per scenario and one testcase per step, failures with their reason", async () => {
    const own = join(dir, "junit");
    await import("node:fs").then((fs) => fs.mkdirSync(own, { recursive: true }));
    const example = readmeExample();
    writeFileSync(join(own, `${example.name}.json`), example.text);
    const broken = JSON.parse(example.text) as { name: string; steps: { expect?: Record<string, unknown> }[] };
    broken.name = "junit-failing";
    broken.steps[0] = { ...broken.steps[0], expect: { phase: "consent" } };
    writeFileSync(join(own, "junit-failing.json"), JSON.stringify(broken));
    const file = join(own, "report.xml");
    const { code } = await run(["run", "--all", "--dir", own, "--junit", file]);
    expect(code).toBe(1);
    const xml = readFileSync(file, "utf8");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="onshi-sim scenarios" tests="\d+" failures="1" errors="0"/);
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
    expect(xml).toContain(`<testsuite name="${example.name}"`);
    expect(xml).toMatch(/<testcase classname="junit-failing" name="01 insert" time="[\d.]+"><failure message="phase: expected &quot;consent&quot;/);
    expect(xml).toContain("<skipped/>");
  });

  it("run: a failing step prints FAIL with the reason, skips the rest, exits 1", async () => {
    const own = join(dir, "failing");
    await import("node:fs").then((fs) => fs.mkdirSync(own, { recursive: true }));
    writeFileSync(
      join(own, "wrong-expectation.json"),
      JSON.stringify({
        name: "wrong-expectation",
        title: { ja: "期待値の誤り", en: "A wrong expectation" },
        summary: { ja: "失敗する例。", en: "Fails on purpose." },
        source: [{ issuer: "onshi-sim", title: "docs/domain.md" }],
        setup: { date: "2026-11-22", serverScenario: "card-lost" },
        steps: [
          { do: "insert", card: "one-try-left", narration: { ja: "置く", en: "place" } },
          { do: "visual", narration: { ja: "目視", en: "visual" }, expect: { phase: "consent", validity: "1" } },
          { do: "remove", narration: { ja: "取る", en: "take" } },
        ],
      }),
    );
    const { code, out } = await run(["run", "wrong-expectation", "--dir", own]);
    expect(code).toBe(1);
    expect(out).toMatch(/FAIL {2}wrong-expectation/);
    expect(out).toMatch(/phase: expected "consent", got "error"/);
    expect(out).toMatch(/3 {2}remove {3}skip/);
    expect(out).toContain("0 passed, 1 failed");
  });

  it("run --server: against a server started elsewhere, with its admin token", async () => {
    const harness = await startHarness();
    const { url } = await harness.server.listen(0, "127.0.0.1");
    const saved = process.env.ONSHI_SIM_ADMIN_TOKEN;
    process.env.ONSHI_SIM_ADMIN_TOKEN = ADMIN_TOKEN;
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    // The trainer's day on that server: each scenario runs on its own date, and the trainer's comes back after.
    await harness.http.put("/api/admin/clock").set(auth).send({ date: "20250101" });
    try {
      const { code, out } = await run(["run", "mynacard-pin", "card-lost-suspended", "--server", url]);
      expect(out).toContain("2 passed, 0 failed");
      expect(code).toBe(0);
      expect((await harness.http.get("/api/admin/clock").set(auth)).body.date).toBe("20250101");
      const clockChanges = (await harness.http.get("/api/admin/audit?channel=admin&limit=50").set(auth)).body.entries.filter((e: { detail: { action?: string } | null }) => e.detail?.action === "clock");
      expect(clockChanges.length).toBeGreaterThanOrEqual(5); // the trainer's, then per scenario: its date, and back
    } finally {
      if (saved === undefined) delete process.env.ONSHI_SIM_ADMIN_TOKEN;
      else process.env.ONSHI_SIM_ADMIN_TOKEN = saved;
      await harness.close();
    }
  });

  it("bad usage exits 2; a bad scenario file exits 1 naming the file", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      expect(await main(["scenario", "run", "no-such-scenario"])).toBe(2);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/no scenario "no-such-scenario"/);
      expect(await main(["scenario", "run"])).toBe(2);
      const bad = join(dir, "bad");
      await import("node:fs").then((fs) => fs.mkdirSync(bad, { recursive: true }));
      writeFileSync(join(bad, "broken.json"), "{}");
      expect(await main(["scenario", "list", "--dir", bad])).toBe(1);
      expect(String(stderr.mock.calls.at(-1)?.[0])).toMatch(/broken\.json: name: /);
    } finally {
      stderr.mockRestore();
    }
  });
});
