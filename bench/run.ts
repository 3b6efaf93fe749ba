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
import { benchServer } from "./server.bench.js";

const only = process.argv[2];
const suites: Record<string, () => Promise<Record<string, unknown>>> = { card: benchCard, server: benchServer, face: benchFace, agent: benchAgent, kiosk: benchKiosk };

const results: Record<string, unknown> = {};
for (const [name, run] of Object.entries(suites)) {
  if (only && only !== name) continue;
  results[name] = await run();
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
// Every suite closes what it opened, but native bindings (pcsclite contexts, the face worker's WASM) can keep
// the event loop alive for a while after: the results are written, so end here rather than linger.
process.exit(0);
