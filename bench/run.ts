/**
 * `npm run bench`: every benchmark, printed and written to bench/results/<timestamp>.json together with
 * the machine it ran on. Benchmarks never run inside `npm test` (tests assert behaviour, not timings).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchAgent } from "./agent.bench.js";
import { benchCard } from "./card.bench.js";
import { benchFace } from "./face.bench.js";
import { benchKiosk } from "./kiosk.bench.js";
import { killAllChildren } from "./processes.js";
import { benchServer } from "./server.bench.js";

const only = process.argv[2];
const suites: Record<string, () => Promise<Record<string, unknown>>> = { card: benchCard, server: benchServer, face: benchFace, agent: benchAgent, kiosk: benchKiosk };
if (only && !(only in suites)) {
  console.error(`bench: no suite "${only}" (suites: ${Object.keys(suites).join(", ")})`);
  process.exit(2);
}

// A suite that fails is reported and the others still run; whatever processes it started are killed before the next.
const results: Record<string, unknown> = {};
const failed: string[] = [];
for (const [name, run] of Object.entries(suites)) {
  if (only && only !== name) continue;
  try {
    results[name] = await run();
  } catch (e) {
    failed.push(name);
    results[name] = { error: e instanceof Error ? e.message : String(e) };
    console.error(`bench: ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    killAllChildren();
  }
}
const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  results,
};
const dir = join(dirname(fileURLToPath(import.meta.url)), "results");
mkdirSync(dir, { recursive: true });
const file = join(dir, `${out.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify(out, null, 2) + "\n");
writeFileSync(join(dir, "latest.json"), JSON.stringify(out, null, 2) + "\n");
console.log(`written to ${file}`);
if (failed.length) console.error(`bench: failed: ${failed.join(", ")}`);
// Every suite closes what it opened, but native bindings (pcsclite contexts, the face worker's WASM) can keep
// the event loop alive for a while after: the results are written, so end here rather than linger.
process.exit(failed.length ? 1 : 0);
