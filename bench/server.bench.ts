/**
 * Issue 3 benchmark: card-path confirmations per second and p50/p99 latency, against a bare express endpoint on
 * the same machine as the ceiling (and bare node http, the floor under the card path, which skips express's
 * router), and the server's RSS. The server and the load generator are separate
 * processes on loopback; nonces are fetched and signed before the clock starts (the card's RSA signature is
 * not the server's work). Target: ≥ 2,000 confirmations/s with p99 ≤ 25 ms on a 2-core machine.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processMemory, ROOT, startProcess, stopProcess } from "./processes.js";
import { summarize } from "./stats.js";

const FACILITY = "1311234567";
const CONNECTIONS = 16;
const CLOSED_MS = 5_000;
const CLOSED_MAX = 12_000;
const OPEN_RATE = 2_000;
const OPEN_MS = 4_000;
const OPEN_ROUNDS = 5;
const WARMUP = 1_000;

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
}
interface LoadResult {
  prepSeconds: number;
  closed: Phase;
  /** The open-loop round with the median p99. */
  open: Phase;
  openRounds: Phase[];
}

function runLoad(url: string, mode: "card" | "bare", serverPid: number | undefined): Promise<LoadResult> {
  const cfg = { url, mode, serverPid, connections: CONNECTIONS, closedMs: CLOSED_MS, closedMax: CLOSED_MAX, openRate: OPEN_RATE, openMs: OPEN_MS, openRounds: OPEN_ROUNDS, warmup: WARMUP, facility: FACILITY };
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "server-load.ts"), JSON.stringify(cfg)], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("load generator timed out"));
    }, 180_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`load generator exited ${code}`));
      resolve(JSON.parse(out.trim().split("\n").pop()!) as LoadResult);
    });
  });
}

const fmt = (p: Phase) =>
  `${p.perSecond}/s p50 ${p.p50Ms} ms p99 ${p.p99Ms} ms (n=${p.requests}, errors ${p.errors}${p.notUsable ? `, not usable ${p.notUsable}` : ""}${p.serverCpuUsPerRequest ? `, server event loop ${p.serverCpuUsPerRequest} µs/request` : ""})`;
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
      ["--import", "tsx", join(ROOT, "server", "src", "main.ts"), "--port", "0", "--quiet"],
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
    const ratio = ratioOf(card.closed.perSecond, ceiling.closed.perSecond);
    const nodeRatio = ratioOf(card.closed.perSecond, nodeCeiling.closed.perSecond);
    console.log(`server/card path, closed loop ${CONNECTIONS} connections: ${fmt(card.closed)}`);
    const p99s = (r: LoadResult) => r.openRounds.map((p) => p.p99Ms).join(" / ");
    console.log(`server/card path, open loop at ${OPEN_RATE}/s, median of ${OPEN_ROUNDS} rounds: ${fmt(card.open)} (p99 per round ${p99s(card)} ms)`);
    console.log(`server/bare express, closed loop: ${fmt(ceiling.closed)}; open loop at ${OPEN_RATE}/s: ${fmt(ceiling.open)} (p99 per round ${p99s(ceiling)} ms)`);
    console.log(`server/bare node http, closed loop: ${fmt(nodeCeiling.closed)}; open loop at ${OPEN_RATE}/s: ${fmt(nodeCeiling.open)} (p99 per round ${p99s(nodeCeiling)} ms)`);
    const cpuRatio = ratioOf(openCpu(card), openCpu(ceiling));
    console.log(`server/event-loop CPU per request at ${OPEN_RATE}/s (median round): card path ${openCpu(card)} µs, bare express ${openCpu(ceiling)} µs (ratio ${cpuRatio}), bare node http ${openCpu(nodeCeiling)} µs`);
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
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchServer(), null, 2));
}
