/**
 * Load generator for bench/server.bench.ts, run as its own process so it does not share an event loop with the
 * server. Card mode fetches nonces and has the card sign them (worker threads) before the clock starts — RSA
 * signing stands for the card, which is not what is being measured. Then: a closed loop (C connections, each
 * sending its next request when the previous answer arrives) for the throughput, and an open loop at a fixed
 * rate whose latencies count from the scheduled send time (so queueing is not hidden). The timed phases use a
 * minimal keep-alive HTTP/1.1 client (RawConnection) so the load process takes as little of the shared two cores
 * as possible; the ceiling (bare express) is driven by the same client. Batch mode instead measures the API
 * (nonce + card requests at a moderate rate) before and while a batch of request files is answered through the
 * folder interface.
 *
 * A connection the server closes fails the request in flight (counted as an error) and is reopened for the next
 * one; a request unanswered for `requestTimeoutMs` is an error too. Always prints one JSON line — with `error`
 * and whatever phases finished when something fatal happened (then it exits 1).
 */
import { readdirSync, readFileSync, renameSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { Worker } from "node:worker_threads";
import { percentile } from "./stats.js";

/** What the card does after the PIN: PKCS#1 v1.5 over the SHA-256 DigestInfo of the nonce bytes (plain JS: runs in a worker). */
const SIGNER = `
const { parentPort, workerData } = require("node:worker_threads");
const { createPrivateKey, sign } = require("node:crypto");
const key = createPrivateKey(workerData.keyPem);
parentPort.postMessage(workerData.nonces.map((n) => sign("sha256", Buffer.from(n, "base64url"), key).toString("base64")));
`;

export interface LoadConfig {
  readonly url: string;
  readonly mode: "card" | "bare" | "batch";
  readonly connections: number;
  readonly closedMs: number;
  readonly closedMax: number;
  readonly openRate: number;
  readonly openMs: number;
  /** Open-loop rounds; the result is the round with the median p99 (one 4 s round is at the mercy of a stall). */
  readonly openRounds: number;
  readonly warmup: number;
  readonly facility: string;
  /** The server's pid, to read its main thread's CPU time around each phase (Linux /proc; omitted elsewhere). */
  readonly serverPid?: number;
  /** Pause before the first open-loop round and between rounds (default 2000 / 500 ms). */
  readonly settleMs?: readonly [number, number];
  /** A request with no answer after this long fails (default 30 s): a silent server cannot hang the bench. */
  readonly requestTimeoutMs?: number;
  /** Batch mode: request files staged in `staging` are moved into `req` at once; the phase lasts until `res` holds an answer for each (at most `maxMs`). */
  readonly batch?: { readonly staging: string; readonly req: string; readonly res: string; readonly error: string; readonly baselineMs: number; readonly maxMs: number; readonly otherFacility: string };
}

interface Phase {
  readonly requests: number;
  readonly errors: number;
  readonly notUsable: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** CPU time of the server's event-loop thread per request in this phase, µs (null where /proc cannot tell). */
  readonly serverCpuUsPerRequest?: number | null;
  /** Shares of the phase's wall time the server's main thread ran, and waited runnable for a CPU (Linux). */
  readonly serverRunShare?: number;
  readonly serverRunqueueWaitShare?: number;
  /** Mixed phases: the latency of each kind of request apart. */
  readonly byKind?: Record<string, { readonly requests: number; readonly p50Ms: number; readonly p99Ms: number; readonly maxMs: number }>;
}

function post(agent: Agent, url: URL, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, hostname: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * A minimal keep-alive HTTP/1.1 client for the timed phases: one request at a time per socket, the request bytes
 * prebuilt, the response framed by Content-Length. It costs the load process a fraction of node:http, which
 * matters when client and server share two cores; the same client drives both the card path and the ceiling.
 */
class RawConnection {
  private buf: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: { status: number; text: string }) => void; reject: (e: Error) => void } | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** The server closed it (or it failed): a request sent on it now would never be answered. */
  closed = false;
  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (d: Buffer) => this.onData(d));
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new Error("connection closed by the server")));
  }

  static open(url: URL, timeoutMs: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = connect(Number(url.port), url.hostname, () => resolve(new RawConnection(s, timeoutMs)));
      s.once("error", reject);
    });
  }

  send(bytes: Buffer): Promise<{ status: number; text: string }> {
    if (this.closed) return Promise.reject(new Error("connection closed by the server"));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.timer = setTimeout(() => {
        this.fail(new Error(`no answer in ${this.timeoutMs} ms`));
        this.socket.destroy();
      }, this.timeoutMs);
      this.socket.write(bytes);
    });
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    const end = this.buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    const head = this.buf.toString("latin1", 0, end);
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buf.length < end + 4 + length) return;
    const status = Number(head.slice(9, 12));
    const text = this.buf.toString("utf8", end + 4, end + 4 + length);
    this.buf = this.buf.subarray(end + 4 + length);
    const p = this.settle();
    p?.resolve({ status, text });
  }

  private settle() {
    const p = this.pending;
    this.pending = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return p;
  }

  private fail(e: Error): void {
    this.closed = true;
    this.settle()?.reject(e);
  }

  close(): void {
    this.socket.destroy();
  }
}

function requestBytes(url: URL, body: Buffer): Buffer {
  const head = `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

/**
 * A pool of raw connections; a request waits for a free one (so queueing shows in the open loop's latency). A
 * connection the server closed is replaced when next needed (the reconnect counts in that request's latency).
 */
class RawPool {
  private readonly idle: (RawConnection | null)[] = [];
  private readonly waiting: ((c: RawConnection | null) => void)[] = [];
  private readonly all = new Set<RawConnection>();
  private constructor(
    private readonly url: URL,
    private readonly timeoutMs: number,
    first: RawConnection[],
  ) {
    for (const c of first) this.all.add(c), this.idle.push(c);
  }
  static async open(url: URL, n: number, timeoutMs: number): Promise<RawPool> {
    return new RawPool(url, timeoutMs, await Promise.all(Array.from({ length: n }, () => RawConnection.open(url, timeoutMs))));
  }
  async send(bytes: Buffer): Promise<{ status: number; text: string }> {
    let c = this.idle.length ? this.idle.pop()! : await new Promise<RawConnection | null>((r) => this.waiting.push(r));
    try {
      if (!c || c.closed) {
        if (c) this.all.delete(c);
        c = null;
        c = await RawConnection.open(this.url, this.timeoutMs);
        this.all.add(c);
      }
      return await c.send(bytes);
    } finally {
      // A slot is handed on even when its connection failed: the next user reopens it.
      const next = this.waiting.shift();
      if (next) next(c);
      else this.idle.push(c);
    }
  }
  close(): void {
    for (const c of this.all) c.close();
  }
}


function summarize(lat: number[], errors: number, notUsable: number, seconds: number): Phase {
  const s = [...lat].sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { requests: lat.length, errors, notUsable, seconds: round(seconds), perSecond: Math.round(lat.length / seconds), p50Ms: round(percentile(s, 50)), p99Ms: round(percentile(s, 99)), maxMs: round(s[s.length - 1] ?? NaN) };
}

const usable = (text: string) => text.includes('"usable":true');

/** Nanoseconds the server's main thread (tid = pid) has run, from /proc/<pid>/task/<pid>/schedstat. */
function serverCpuNs(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return null;
  }
}

/** Nanoseconds the server's main thread has run and has waited, runnable, for a CPU (fields 1 and 2 of schedstat). */
function serverSchedNs(pid: number | undefined): [number, number] | null {
  if (!pid) return null;
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, "utf8").split(" ").map(Number);
    return [run!, wait!];
  } catch {
    return null;
  }
}

/**
 * Runs a phase and adds the shares of its wall time the server's main thread ran and waited for a CPU: a high
 * wait share says the latency came from other processes on the machine, not from the server.
 */
async function withServerSched(pid: number | undefined, phase: () => Promise<Phase>): Promise<Phase> {
  const before = serverSchedNs(pid);
  const t0 = performance.now();
  const p = await phase();
  const after = serverSchedNs(pid);
  if (!before || !after) return p;
  const wallNs = (performance.now() - t0) * 1e6;
  const share = (i: 0 | 1) => Math.round(((after[i] - before[i]) / wallNs) * 100) / 100;
  return { ...p, serverRunShare: share(0), serverRunqueueWaitShare: share(1) };
}

/** Runs a phase and adds the server's main-thread CPU per request to it: the figure machine noise moves least. */
async function withServerCpu(pid: number | undefined, phase: () => Promise<Phase>): Promise<Phase> {
  const before = serverCpuNs(pid);
  const p = await phase();
  const after = serverCpuNs(pid);
  const us = before !== null && after !== null && p.requests > 0 ? Math.round((after - before) / 1000 / p.requests) : null;
  return { ...p, serverCpuUsPerRequest: us };
}

/** One prebuilt request: its bytes, and whether its answer must be a usable confirmation. */
interface Wire {
  readonly bytes: Buffer;
  readonly checkUsable: boolean;
  /** Set in mixed phases, whose result gives each kind's latency too. */
  readonly kind?: string;
}

/** Counts one answer (or failure) into a phase's tallies. */
class Tally {
  readonly lat: number[] = [];
  private readonly kinds = new Map<string, number[]>();
  errors = 0;
  notUsable = 0;
  answer(w: Wire, from: number) {
    return (r: { status: number; text: string }) => {
      const ms = performance.now() - from;
      this.lat.push(ms);
      if (w.kind) (this.kinds.get(w.kind) ?? this.kinds.set(w.kind, []).get(w.kind)!).push(ms);
      if (r.status !== 200) this.errors++;
      else if (w.checkUsable && !usable(r.text)) this.notUsable++;
    };
  }
  failure = (): void => {
    this.errors++;
  };
  phase(seconds: number): Phase {
    const phase = summarize(this.lat, this.errors, this.notUsable, seconds);
    if (!this.kinds.size) return phase;
    const byKind = Object.fromEntries(
      [...this.kinds].map(([kind, lat]) => {
        const { requests, p50Ms, p99Ms, maxMs } = summarize(lat, 0, 0, seconds);
        return [kind, { requests, p50Ms, p99Ms, maxMs }];
      }),
    );
    return { ...phase, byKind };
  }
}

async function closedLoop(pool: RawPool, wire: readonly Wire[], cfg: LoadConfig): Promise<Phase> {
  const tally = new Tally();
  let next = 0;
  const start = performance.now();
  const end = start + cfg.closedMs;
  const worker = async () => {
    while (next < wire.length && performance.now() < end) {
      const w = wire[next++]!;
      await pool.send(w.bytes).then(tally.answer(w, performance.now()), tally.failure);
    }
  };
  await Promise.all(Array.from({ length: cfg.connections }, worker));
  return tally.phase((performance.now() - start) / 1000);
}

/** Sends at `rate` per second until the requests run out or `until()` says so; latency counts from the scheduled time. */
async function openLoop(pool: RawPool, wire: readonly Wire[], rate: number, until: () => boolean = () => false): Promise<Phase> {
  const tally = new Tally();
  const interval = 1000 / rate;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < wire.length && !until(); i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Late (the generator stalled): count from when it was due, so the stall shows. Early (waits under a
    // millisecond are not slept): count from now, or a fast answer would read as negative.
    const from = Math.min(due, performance.now());
    const w = wire[i]!;
    pending.push(pool.send(w.bytes).then(tally.answer(w, from), tally.failure));
  }
  await Promise.all(pending);
  return tally.phase((performance.now() - start) / 1000);
}

async function prepareCardBodies(cfg: LoadConfig, count: number): Promise<Buffer[]> {
  const { loadCardFixtures } = await import("@onshi-sim/jpki-testkit");
  const card = (await loadCardFixtures()).find((c) => c.fixture.personId === "P0001");
  if (!card) throw new Error("card fixture P0001 not found");
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.connections });
  const nonceUrl = new URL("/api/v1/nonces", cfg.url);
  const nonceBody = Buffer.from(JSON.stringify({ medicalInstitutionCode: cfg.facility }));
  const nonces: string[] = [];
  let i = 0;
  await Promise.all(
    Array.from({ length: cfg.connections }, async () => {
      while (i < count) {
        i++;
        const r = await post(agent, nonceUrl, nonceBody);
        if (r.status !== 200) throw new Error(`nonce: ${r.status} ${r.text}`);
        nonces.push((JSON.parse(r.text) as { nonce: string }).nonce);
      }
    }),
  );
  agent.destroy();
  const keyPem = card.userAuthKey.export({ type: "pkcs8", format: "pem" }).toString();
  const half = Math.ceil(nonces.length / 2);
  const parts = [nonces.slice(0, half), nonces.slice(half)];
  const signed = await Promise.all(
    parts.map(
      (part) =>
        new Promise<string[]>((resolve, reject) => {
          const w = new Worker(SIGNER, { eval: true, workerData: { keyPem, nonces: part } });
          w.once("message", (m: string[]) => resolve(m));
          w.once("error", reject);
        }),
    ),
  );
  const signatures = signed.flat();
  const certificate = Buffer.from(card.userAuthCertificateDer).toString("base64");
  return nonces.map((nonce, k) =>
    Buffer.from(JSON.stringify({ medicalInstitutionCode: cfg.facility, nonce, certificate, method: "pin", signature: signatures[k] })),
  );
}

function bareBodies(count: number, cfg: LoadConfig): Buffer[] {
  // The same size of JSON as a card request, so both servers parse alike.
  const body = Buffer.from(JSON.stringify({ medicalInstitutionCode: cfg.facility, nonce: "A".repeat(43), certificate: "B".repeat(1600), method: "pin", signature: "C".repeat(344) }));
  return Array.from({ length: count }, () => body);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests of one kind to one path, as wire bytes. */
const toWire = (url: URL, bodies: readonly Buffer[], checkUsable: boolean, kind?: string): Wire[] => bodies.map((b) => ({ bytes: requestBytes(url, b), checkUsable, ...(kind && { kind }) }));

/** Closed loop, then open-loop rounds at cfg.openRate (card path or a ceiling). */
async function throughput(cfg: LoadConfig, pool: RawPool, wire: readonly Wire[], result: Record<string, unknown>): Promise<void> {
  const openCount = Math.floor((cfg.openRate * cfg.openMs) / 1000);
  const rounds = Math.max(1, cfg.openRounds ?? 1);
  const [firstPause, roundPause] = cfg.settleMs ?? [2000, 500];
  await closedLoop(pool, wire.slice(0, cfg.warmup), { ...cfg, closedMs: 60_000 });
  result.closed = await withServerCpu(cfg.serverPid, () => closedLoop(pool, wire.slice(cfg.warmup, cfg.warmup + cfg.closedMax), cfg));
  const openRounds: Phase[] = [];
  result.openRounds = openRounds;
  for (let r = 0; r < rounds; r++) {
    // Let both processes settle (GC debt, the WAL checkpoint after the closed loop's burst): the open loop
    // measures a steady 2,000/s, not the aftermath of saturation.
    await pause(r === 0 ? firstPause : roundPause);
    const from = cfg.warmup + cfg.closedMax + r * openCount;
    openRounds.push(await withServerCpu(cfg.serverPid, () => openLoop(pool, wire.slice(from, from + openCount), cfg.openRate)));
  }
  result.open = [...openRounds].sort((a, b) => a.p99Ms - b.p99Ms)[Math.floor(openRounds.length / 2)]!;
}

/** Request files answered so far (`res`) and moved aside (`error`). */
async function answered(batch: NonNullable<LoadConfig["batch"]>): Promise<{ answers: number; errors: number }> {
  const count = async (dir: string, re: RegExp) => (await readdir(dir).catch(() => [] as string[])).filter((n) => re.test(n)).length;
  return { answers: await count(batch.res, /^OQSsiquc01res_.+\.xml$/), errors: await count(batch.error, /^OQSsiquc01req_/) };
}

/**
 * Nonce and card requests, alternating, at cfg.openRate: first for `baselineMs` with the folders idle, then from
 * the moment the staged request files are moved into `req` until every one has its answer in `res`.
 */
async function duringBatch(cfg: LoadConfig, pool: RawPool, cards: readonly Wire[], nonces: readonly Wire[], result: Record<string, unknown>): Promise<void> {
  const batch = cfg.batch!;
  const mixed = cards.flatMap((c, i) => [nonces[i]!, c]);
  const baselineCount = Math.floor((cfg.openRate * batch.baselineMs) / 1000);
  await closedLoop(pool, mixed.slice(0, cfg.warmup), { ...cfg, closedMs: 60_000 });
  await pause(cfg.settleMs?.[0] ?? 1000);
  result.idle = await withServerSched(cfg.serverPid, () => openLoop(pool, mixed.slice(cfg.warmup, cfg.warmup + baselineCount), cfg.openRate));
  const files = readdirSync(batch.staging);
  const t0 = performance.now();
  for (const name of files) renameSync(join(batch.staging, name), join(batch.req, name));
  let done = false;
  let last = { answers: 0, errors: 0 };
  const watch = (async () => {
    while (!done && performance.now() - t0 < batch.maxMs) {
      await pause(200);
      last = await answered(batch);
      if (last.answers >= files.length) done = true;
    }
  })();
  const phase = await withServerSched(cfg.serverPid, () => openLoop(pool, mixed.slice(cfg.warmup + baselineCount), cfg.openRate, () => done || performance.now() - t0 >= batch.maxMs));
  done = true;
  await watch;
  result.duringBatch = phase;
  result.batch = { files: files.length, answered: last.answers, movedToError: last.errors, seconds: Math.round((performance.now() - t0) / 100) / 10, complete: last.answers >= files.length };
}

async function main(result: Record<string, unknown>): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? "{}") as LoadConfig;
  const timeoutMs = cfg.requestTimeoutMs ?? 30_000;
  const t0 = performance.now();
  let pool: RawPool | null = null;
  try {
    if (cfg.mode === "batch") {
      const batch = cfg.batch!;
      const cardCount = cfg.warmup + Math.ceil((cfg.openRate / 2) * ((batch.baselineMs + batch.maxMs) / 1000));
      const cards = await prepareCardBodies(cfg, cardCount);
      const nonceBody = Buffer.from(JSON.stringify({ medicalInstitutionCode: batch.otherFacility }));
      result.prepSeconds = Math.round((performance.now() - t0) / 100) / 10;
      pool = await RawPool.open(new URL(cfg.url), cfg.connections, timeoutMs);
      const nonces = toWire(new URL("/api/v1/nonces", cfg.url), Array.from({ length: cards.length }, () => nonceBody), false, "nonce");
      await duringBatch(cfg, pool, toWire(new URL("/api/v1/qualifications/card", cfg.url), cards, true, "card"), nonces, result);
    } else {
      const openCount = Math.floor((cfg.openRate * cfg.openMs) / 1000);
      const total = cfg.warmup + cfg.closedMax + openCount * Math.max(1, cfg.openRounds ?? 1);
      const bodies = cfg.mode === "card" ? await prepareCardBodies(cfg, total) : bareBodies(total, cfg);
      result.prepSeconds = Math.round((performance.now() - t0) / 100) / 10;
      const url = new URL(cfg.mode === "card" ? "/api/v1/qualifications/card" : "/bare", cfg.url);
      pool = await RawPool.open(url, cfg.connections, timeoutMs);
      await throughput(cfg, pool, toWire(url, bodies, cfg.mode === "card"), result);
    }
  } finally {
    pool?.close();
  }
}

/** The result so far, printed exactly once whatever happens: the bench parses the last line of stdout. */
const result: Record<string, unknown> = {};
let printed = false;
function print(exitCode: number): void {
  if (printed) return;
  printed = true;
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(exitCode));
}
// Nothing left to run but no result yet: a request promise that can never settle. Say so instead of exiting 0 silently.
process.on("beforeExit", () => {
  result.error ??= "the load generator ran out of work before its phases finished (a request was never settled)";
  print(1);
});
main(result).then(
  () => print(0),
  (e: unknown) => {
    result.error = e instanceof Error ? (e.stack ?? e.message) : String(e);
    print(1);
  },
);
