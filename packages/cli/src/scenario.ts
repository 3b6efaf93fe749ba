/**
 * `onshi-sim scenario list | run <name…> | run --all [--json]`: the scenario catalogue (fixtures/scenarios), run
 * headless against a real reader agent and a real mock server. Exit code 1 when a scenario fails — usable from an
 * outside project's CI (`--dir` runs that project's own scenario files; `--server` a server it started).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dataDir } from "@onshi-sim/card-sim";
import { loadScenarios, needsFace, SCENARIOS_DIR, scenarioJsonSchema, type Scenario } from "@onshi-sim/scenarios";
import { sourceText } from "@onshi-sim/texts";
import { DEFAULT_FACILITY, formatScenarioResult, formatSummary, ScenarioRunner, type ScenarioResult } from "./scenario-runner.js";
import { UsageError } from "./main.js";
import { formatJunit } from "./scenario/scenario-report.js";

export const SCENARIO_USAGE = `onshi-sim scenario list [--dir DIR] [--json]
onshi-sim scenario run <name>… | --all [--json] [--junit FILE] [--dir DIR] [--server URL] [--facility CODE] [--no-face]
                          [--reader memory|vpcd] [--slot N]
onshi-sim scenario schema
onshi-sim scenario play <name>… | --all [--ui URL] [--gap-ms N] [--json]      (onshi-sim scenario play --help)
onshi-sim scenario handout <name>… | --all --out DIR [--lang ja|en]          (onshi-sim scenario handout --help)
  list          the catalogue: name, title, source (every file is validated)
  play          plays scenarios on the running system (npm start): the kiosk, /reception and /present show each step
  handout       plays each scenario on a system of its own in headless Chromium, writes DIR/<name>.html and .pdf
  schema        the JSON Schema of scenario files (fixtures/scenarios/scenario.schema.json; "$schema" in a file
                points an editor at it)
  run           runs scenarios against a real reader agent (memory reader) and a mock server: by default its own
                server on a temp dir (reseeded per scenario, clock at the scenario's date); --server URL uses a
                running one (admin token: $ONSHI_SIM_ADMIN_TOKEN, else <data>/server/admin-token)
  --dir DIR     scenario files from DIR instead of fixtures/scenarios
  --json        one JSON document on stdout instead of the tables
  --junit FILE  also write the results as JUnit XML (one testsuite per scenario, one testcase per step) for CI
  --no-face     skip scenarios that need face verification (no face models loaded)
  --reader vpcd the cards go through pcscd: a VpcdBridge in "Virtual PCD 00 0N" (--slot N, default 0) and the agent
                on PC/SC (needs pcscd + vsmartcard-vpcd; stop any other agent watching that reader). Default memory
exit code: 0 all passed, 1 a scenario failed, 2 bad usage
`;

export async function runScenarioCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "play") return (await import("./classroom/play-command.js")).runPlay(rest, out);
  if (sub === "handout") return (await import("./classroom/handout-command.js")).runHandout(rest, out);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      all: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      junit: { type: "string" },
      dir: { type: "string" },
      server: { type: "string" },
      facility: { type: "string" },
      "no-face": { type: "boolean", default: false },
      reader: { type: "string", default: "memory" },
      slot: { type: "string", default: "0" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || sub === "help" || sub === "--help") {
    out.write(SCENARIO_USAGE);
    return 0;
  }
  if (sub === "schema") {
    out.write(JSON.stringify(scenarioJsonSchema(), null, 2) + "\n");
    return 0;
  }
  const catalogue = loadScenarios(values.dir ?? SCENARIOS_DIR);
  if (sub === "list") {
    if (values.json) {
      out.write(JSON.stringify({ scenarios: catalogue.map((s) => ({ name: s.name, title: s.title, summary: s.summary, source: s.source, tags: s.tags ?? [], steps: s.steps.length, face: needsFace(s) })) }, null, 2) + "\n");
      return 0;
    }
    const width = Math.max(...catalogue.map((s) => s.name.length), 4);
    for (const s of catalogue) out.write(`${s.name.padEnd(width)}  ${s.title.ja} — ${s.title.en}  [${s.source.map((r) => sourceText(r).ja).join("; ")}]\n`);
    out.write(`${catalogue.length} scenarios\n`);
    return 0;
  }
  if (sub !== "run") throw new UsageError(sub === undefined ? "scenario needs list, run or schema" : `unknown scenario command ${JSON.stringify(sub)}`);

  let selected: Scenario[];
  if (values.all) {
    if (positionals.length) throw new UsageError("give scenario names or --all, not both");
    selected = catalogue;
  } else {
    if (!positionals.length) throw new UsageError("scenario run needs a name (onshi-sim scenario list) or --all");
    selected = positionals.map((name) => {
      const s = catalogue.find((c) => c.name === name);
      if (!s) throw new UsageError(`no scenario ${JSON.stringify(name)} (onshi-sim scenario list)`);
      return s;
    });
  }
  const skippedForFace = values["no-face"] ? selected.filter(needsFace).map((s) => s.name) : [];
  if (values["no-face"]) selected = selected.filter((s) => !needsFace(s));

  if (values.reader !== "memory" && values.reader !== "vpcd") throw new UsageError("--reader must be memory or vpcd");
  const slot = Number(values.slot);
  if (!Number.isInteger(slot) || slot < 0 || slot > 1) throw new UsageError("--slot must be 0 or 1 (the vpcd slots)");
  const facility = values.facility ?? process.env.ONSHI_SIM_FACILITY ?? DEFAULT_FACILITY;
  if (!/^\d{10}$/.test(facility)) throw new UsageError("--facility must be a 10-digit 医療機関コード");
  let server: { url: string; adminToken: string } | undefined;
  if (values.server) {
    const adminToken = process.env.ONSHI_SIM_ADMIN_TOKEN?.trim() || readTokenFile();
    if (!adminToken) throw new UsageError("--server needs the server's admin token: set ONSHI_SIM_ADMIN_TOKEN (or run where <data>/server/admin-token exists)");
    server = { url: values.server, adminToken };
  }

  const started = performance.now();
  const runner = await ScenarioRunner.start({
    scenarios: selected,
    facility,
    reader: values.reader === "vpcd" ? { kind: "vpcd", slot } : { kind: "memory" },
    ...(server ? { server } : {}),
    ...(values["no-face"] ? { faceVerifier: false as const } : {}),
  });
  const results: ScenarioResult[] = [];
  try {
    for (const s of selected) {
      const result = await runner.run(s);
      results.push(result);
      if (!values.json) out.write(formatScenarioResult(result) + "\n\n");
    }
  } finally {
    await runner.close();
  }
  const ms = Math.round(performance.now() - started);
  if (values.junit) writeFileSync(values.junit, formatJunit(results, ms));
  if (values.json) out.write(JSON.stringify({ ok: results.every((r) => r.ok), ms, server: server ? server.url : "own", skipped: skippedForFace, results }, null, 2) + "\n");
  else {
    out.write(formatSummary(results, ms) + "\n");
    if (skippedForFace.length) out.write(`not run (--no-face): ${skippedForFace.join(", ")}\n`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

/**
 * From the command line: as runScenarioCommand, then makes sure the process ends — nfc-pcsc (--reader vpcd) keeps
 * a native handle open after it is closed. The timer is unref'd: a process that can end on its own ends sooner.
 */
export async function runScenarioCli(argv: string[]): Promise<number> {
  const code = await runScenarioCommand(argv);
  const vpcd = argv.some((a, i) => a === "--reader=vpcd" || (a === "--reader" && argv[i + 1] === "vpcd"));
  if (vpcd) setTimeout(() => process.exit(code), 1000).unref();
  return code;
}

function readTokenFile(): string | undefined {
  const file = join(dataDir(), "server", "admin-token");
  return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
}
