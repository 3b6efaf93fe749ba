/**
 * Issue 3 benchmark: card-path confirmations per second and p50/p99 latency, against a bare express endpoint on
 * the same machine as the ceiling (and bare node http, the floor under the card path, which skips express's
 * router), and the server's RSS. The server and the load generator are separate
 * processes on loopback; nonces are fetched and signed before the clock starts (the card's RSA signature is
 * not the server's work). Target: ≥ 2,000 confirmations/s with p99 ≤ 25 ms on a 2-core machine.
 *
 * Then the folder interface under a batch (issue 11): a fresh server, nonce + card requests at a moderate rate,
 * their p99 with the folders idle and while 5,000 request files dropped at once are answered. Target p99 ≤ 50 ms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processMemory, ROOT, spawnNode, startProcess, stopProcess } from "./processes.js";
import { summarize } from "./stats.js";

const FACILITY = "1311234567";
const CONNECTIONS = 16;
const CLOSED_MS = 5_000;
const CLOSED_MAX = 12_000;
const OPEN_RATE = 2_000;
const OPEN_MS = 4_000;
const OPEN_ROUNDS = 5;
const WARMUP = 1_000;
const BATCH_FILES = 5_000;
/** Requests per second during the batch phase, half nonces (another facility's) and half card confirmations. */
const BATCH_RATE = 200;
const BATCH_BASELINE_MS = 3_000;
const BATCH_MAX_MS = 90_000;
const OTHER_FACILITY = "1341234567";

interface Phase {
  requests: number;
  errors: number;
  notUsable: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  serverCpuUsPerRequest?: number | null;
  byKind?: Record<string, { requests: number; p50Ms: number; p99Ms: number; maxMs: number }>;
  serverRunShare?: number;
  serverRunqueueWaitShare?: number;
}
interface LoadResult {
  prepSeconds: number;
  closed: Phase;
  /** The open-loop round with the median p99. */
  open: Phase;
  openRounds: Phase[];
}
interface BatchResult {
  prepSeconds: number;
  /** Nonce + card requests with the folders idle… */
  idle: Phase;
  /** …and while the batch is answered. */
  duringBatch: Phase;
  batch: { files: number; answered: number; movedToError: number; seconds: number; complete: boolean };
}

/**
 * Runs bench/server-load.ts with `cfg` (see its LoadConfig) and returns its JSON line; its `error` fails the bench.
 * The timeout is only a safety net: preparing 50,000 signed card requests takes minutes on a busy 2-core machine.
 */
export function runLoadGenerator<T>(cfg: Record<string, unknown>, timeoutMs = 600_000): Promise<T> {
  const child = spawnNode(["--import", "tsx", join(ROOT, "bench", "server-load.ts"), JSON.stringify(cfg)], {}, ["ignore", "pipe", "inherit"]);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopProcess(child);
      reject(new Error(`load generator (${cfg.mode}) timed out after ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      void stopProcess(child);
      const line = out.trim().split("\n").pop() ?? "";
      let parsed: (T & { error?: string }) | null = null;
      try {
        parsed = JSON.parse(line) as T & { error?: string };
      } catch {
        // reported below
      }
      if (parsed?.error) reject(new Error(`load generator (${cfg.mode}): ${parsed.error}`));
      else if (code !== 0 || !parsed) reject(new Error(`load generator (${cfg.mode}) exited ${code ?? signal} with ${line ? `unreadable output: ${line.slice(0, 200)}` : "no output"}`));
      else resolve(parsed);
    });
  });
}

function runLoad(url: string, mode: "card" | "bare", serverPid: number | undefined): Promise<LoadResult> {
  return runLoadGenerator<LoadResult>({ url, mode, serverPid, connections: CONNECTIONS, closedMs: CLOSED_MS, closedMax: CLOSED_MAX, openRate: OPEN_RATE, openMs: OPEN_MS, openRounds: OPEN_ROUNDS, warmup: WARMUP, facility: FACILITY });
}

/** An insurance-number lookup (P1001, 有効) as a レセコン drops it into req. */
function requestFile(i: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<XmlMsg><MessageHeader><QualificationConfirmationDate>20261122</QualificationConfirmationDate><MedicalInstitutionCode>${FACILITY}</MedicalInstitutionCode><ArbitraryFileIdentifier>batch-${i}</ArbitraryFileIdentifier><CharacterCodeIdentifier>0</CharacterCodeIdentifier></MessageHeader>
<MessageBody><QualificationConfirmSearchInfo><InsurerNumber>01130012</InsurerNumber><InsuredCardSymbol>13010001</InsuredCardSymbol><InsuredIdentificationNumber>101</InsuredIdentificationNumber><InsuredBranchNumber>01</InsuredBranchNumber><Birthdate>19820914</Birthdate></QualificationConfirmSearchInfo></MessageBody></XmlMsg>
`;
}

/** A fresh server; the API's p99 idle and while BATCH_FILES request files, moved into req at once, are answered. */
export async function batchLoad(): Promise<BatchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "onshi-bench-batch-"));
  try {
    const oqs = join(dataDir, "server", "oqs");
    const staging = join(dataDir, "staging");
    mkdirSync(staging);
    for (let i = 0; i < BATCH_FILES; i++) writeFileSync(join(staging, `OQSsiquc01req_batch${i}.xml`), requestFile(i));
    const server = await startProcess(
      ["--import", "tsx", join(ROOT, "packages", "server", "src", "main.ts"), "--port", "0", "--quiet"],
      { ONSHI_SIM_DATA_DIR: dataDir, ONSHI_SIM_ADMIN_TOKEN: "bench", ONSHI_SIM_NONCE_TTL_MS: "600000", ONSHI_SIM_NONCE_MAX_PER_FACILITY: "100000" },
      /listening on (http:\/\/\S+)/,
    );
    try {
      return await runLoadGenerator<BatchResult>({
        url: server.url,
        mode: "batch",
        serverPid: server.child.pid,
        connections: CONNECTIONS,
        openRate: BATCH_RATE,
        warmup: 200,
        facility: FACILITY,
        batch: { staging, req: join(oqs, "req"), res: join(oqs, "res"), error: join(oqs, "error"), baselineMs: BATCH_BASELINE_MS, maxMs: BATCH_MAX_MS, otherFacility: OTHER_FACILITY },
      });
    } finally {
      await stopProcess(server.child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const fmt = (p: Phase) =>
  `${p.perSecond}/s p50 ${p.p50Ms} ms p99 ${p.p99Ms} ms (n=${p.requests}, errors ${p.errors}${p.notUsable ? `, not usable ${p.notUsable}` : ""}${p.serverCpuUsPerRequest ? `, server event loop ${p.serverCpuUsPerRequest} µs/request` : ""}${p.serverRunqueueWaitShare !== undefined ? `, server main thread ran ${Math.round(p.serverRunShare! * 100)}% and waited for a CPU ${Math.round(p.serverRunqueueWaitShare * 100)}% of the time` : ""})`;
/** Median over the open-loop rounds of the server's event-loop CPU per request. */
const openCpu = (r: LoadResult) => summarize(r.openRounds.map((p) => p.serverCpuUsPerRequest ?? NaN).filter((v) => !Number.isNaN(v))).median;

const ratioOf = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** A ceiling server (a script in bench/ printing "listening on <url>") under the same load as the card path. */
async function ceilingLoad(script: string): Promise<LoadResult> {
  const { child, url } = await startProcess(["--import", "tsx", join(ROOT, "bench", script)], {}, /listening on (http:\/\/\S+)/);
  try {
    return await runLoad(url, "bare", child.pid);
  } finally {
    await stopProcess(child);
  }
}

export async function benchServer(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), "onshi-bench-"));
  try {
    const server = await startProcess(
      ["--import", "tsx", join(ROOT, "packages", "server", "src", "main.ts"), "--port", "0", "--quiet"],
      // The load generator fetches every nonce before the clock starts (53,000 for one facility): above the default share.
      { ONSHI_SIM_DATA_DIR: dataDir, ONSHI_SIM_ADMIN_TOKEN: "bench", ONSHI_SIM_NONCE_TTL_MS: "600000", ONSHI_SIM_NONCE_MAX_PER_FACILITY: "100000" },
      /listening on (http:\/\/\S+)/,
    );
    const idle = processMemory(server.child.pid!);
    let card: LoadResult;
    let serverMemory;
    try {
      card = await runLoad(server.url, "card", server.child.pid);
      serverMemory = processMemory(server.child.pid!);
    } finally {
      await stopProcess(server.child);
    }
    const ceiling = await ceilingLoad("server-bare.ts");
    const nodeCeiling = await ceilingLoad("server-bare-node.ts");
    const batch = await batchLoad();
    const ratio = ratioOf(card.closed.perSecond, ceiling.closed.perSecond);
    const nodeRatio = ratioOf(card.closed.perSecond, nodeCeiling.closed.perSecond);
    console.log(`server/card path, closed loop ${CONNECTIONS} connections: ${fmt(card.closed)}`);
    const p99s = (r: LoadResult) => r.openRounds.map((p) => p.p99Ms).join(" / ");
    console.log(`server/card path, open loop at ${OPEN_RATE}/s, median of ${OPEN_ROUNDS} rounds: ${fmt(card.open)} (p99 per round ${p99s(card)} ms)`);
    console.log(`server/bare express, closed loop: ${fmt(ceiling.closed)}; open loop at ${OPEN_RATE}/s: ${fmt(ceiling.open)} (p99 per round ${p99s(ceiling)} ms)`);
    console.log(`server/bare node http, closed loop: ${fmt(nodeCeiling.closed)}; open loop at ${OPEN_RATE}/s: ${fmt(nodeCeiling.open)} (p99 per round ${p99s(nodeCeiling)} ms)`);
    const cpuRatio = ratioOf(openCpu(card), openCpu(ceiling));
    console.log(`server/event-loop CPU per request at ${OPEN_RATE}/s (median round): card path ${openCpu(card)} µs, bare express ${openCpu(ceiling)} µs (ratio ${cpuRatio}), bare node http ${openCpu(nodeCeiling)} µs`);
    const batchMet = batch.batch.complete && batch.duringBatch.p99Ms <= 50 && batch.duringBatch.errors === 0;
    console.log(
      `server/folder batch: ${batch.batch.answered} of ${batch.batch.files} request files answered in ${batch.batch.seconds} s (2 s quiet period included; ${batch.batch.movedToError} moved to error); ` +
        `nonce + card at ${BATCH_RATE}/s — idle folders: ${fmt(batch.idle)}; during the batch: ${fmt(batch.duringBatch)}, p99 nonce ${batch.duringBatch.byKind?.nonce?.p99Ms} ms, card ${batch.duringBatch.byKind?.card?.p99Ms} ms (target p99 ≤ 50 ms: ${batchMet ? "met" : "NOT met"})`,
    );
    console.log(`server/closed-loop ratio to the bare-express ceiling ${ratio} (the card path skips express's router, so it can pass 1), to bare node http ${nodeRatio}; server RSS idle ${idle?.rssMiB} MiB, after load ${serverMemory?.rssMiB} MiB (peak ${serverMemory?.peakMiB} MiB)`);
    return {
      connections: CONNECTIONS,
      cardPath: card,
      bareExpress: ceiling,
      bareNodeHttp: nodeCeiling,
      ratioToCeiling: ratio,
      ratioToNodeHttp: nodeRatio,
      eventLoopCpuUsPerRequest: { cardPath: openCpu(card), bareExpress: openCpu(ceiling), ratio: cpuRatio, bareNodeHttp: openCpu(nodeCeiling) },
      serverRss: { idle, afterLoad: serverMemory },
      target: { perSecond: 2000, p99Ms: 25, met: card.closed.perSecond >= 2000 && card.open.p99Ms <= 25 },
      folderBatch: { ratePerSecond: BATCH_RATE, ...batch, target: { p99Ms: 50, met: batchMet } },
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchServer(), null, 2));
}
