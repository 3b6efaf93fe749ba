/**
 * Load generator for bench/server.bench.ts, run as its own process so it does not share an event loop with the
 * server. Card mode fetches nonces and has the card sign them (worker threads) before the clock starts — RSA
 * signing stands for the card, which is not what is being measured. Then: a closed loop (C connections, each
 * sending its next request when the previous answer arrives) for the throughput, and an open loop at a fixed
 * rate whose latencies count from the scheduled send time (so queueing is not hidden). The timed phases use a
 * minimal keep-alive HTTP/1.1 client (RawConnection) so the load process takes as little of the shared two cores
 * as possible; the ceiling (bare express) is driven by the same client. Prints one JSON line.
 */
import { readFileSync } from "node:fs";
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

interface LoadConfig {
  readonly url: string;
  readonly mode: "card" | "bare";
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
  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on("data", (d: Buffer) => this.onData(d));
    socket.on("error", (e) => this.fail(e));
    socket.on("close", () => this.fail(new Error("socket closed")));
  }

  static open(url: URL): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = connect(Number(url.port), url.hostname, () => resolve(new RawConnection(s)));
      s.once("error", reject);
    });
  }

  send(bytes: Buffer): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
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
    const p = this.pending;
    this.pending = null;
    p?.resolve({ status, text });
  }

  private fail(e: Error): void {
    const p = this.pending;
    this.pending = null;
    p?.reject(e);
  }

  close(): void {
    this.socket.destroy();
  }
}

function requestBytes(url: URL, body: Buffer): Buffer {
  const head = `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

/** A pool of raw connections; a request waits for a free one (so queueing shows in the open loop's latency). */
class RawPool {
  private readonly idle: RawConnection[] = [];
  private readonly waiting: ((c: RawConnection) => void)[] = [];
  private constructor(private readonly all: RawConnection[]) {
    this.idle.push(...all);
  }
  static async open(url: URL, n: number): Promise<RawPool> {
    return new RawPool(await Promise.all(Array.from({ length: n }, () => RawConnection.open(url))));
  }
  async send(bytes: Buffer): Promise<{ status: number; text: string }> {
    const c = this.idle.pop() ?? (await new Promise<RawConnection>((r) => this.waiting.push(r)));
    try {
      return await c.send(bytes);
    } finally {
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

/** Runs a phase and adds the server's main-thread CPU per request to it: the figure machine noise moves least. */
async function withServerCpu(pid: number | undefined, phase: () => Promise<Phase>): Promise<Phase> {
  const before = serverCpuNs(pid);
  const p = await phase();
  const after = serverCpuNs(pid);
  const us = before !== null && after !== null && p.requests > 0 ? Math.round((after - before) / 1000 / p.requests) : null;
  return { ...p, serverCpuUsPerRequest: us };
}

async function closedLoop(pool: RawPool, bodies: Buffer[], cfg: LoadConfig, checkUsable: boolean): Promise<Phase> {
  const lat: number[] = [];
  let errors = 0;
  let notUsable = 0;
  let next = 0;
  const start = performance.now();
  const end = start + cfg.closedMs;
  const worker = async () => {
    while (next < bodies.length && performance.now() < end) {
      const body = bodies[next++]!;
      const t = performance.now();
      try {
        const r = await pool.send(body);
        lat.push(performance.now() - t);
        if (r.status !== 200) errors++;
        else if (checkUsable && !usable(r.text)) notUsable++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: cfg.connections }, worker));
  return summarize(lat, errors, notUsable, (performance.now() - start) / 1000);
}

async function openLoop(pool: RawPool, bodies: Buffer[], cfg: LoadConfig, checkUsable: boolean): Promise<Phase> {
  const lat: number[] = [];
  let errors = 0;
  let notUsable = 0;
  const count = Math.min(bodies.length, Math.floor((cfg.openRate * cfg.openMs) / 1000));
  const interval = 1000 / cfg.openRate;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Late (the generator stalled): count from when it was due, so the stall shows. Early (waits under a
    // millisecond are not slept): count from now, or a fast answer would read as negative.
    const from = Math.min(due, performance.now());
    pending.push(
      pool.send(bodies[i]!).then(
        (r) => {
          lat.push(performance.now() - from);
          if (r.status !== 200) errors++;
          else if (checkUsable && !usable(r.text)) notUsable++;
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(pending);
  return summarize(lat, errors, notUsable, (performance.now() - start) / 1000);
}

async function prepareCardBodies(cfg: LoadConfig, count: number): Promise<Buffer[]> {
  const { loadCardFixtures } = await import("@onshi-sim/fixtures");
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

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? "{}") as LoadConfig;
  const openCount = Math.floor((cfg.openRate * cfg.openMs) / 1000);
  const rounds = Math.max(1, cfg.openRounds ?? 1);
  const total = cfg.warmup + cfg.closedMax + openCount * rounds;
  const t0 = performance.now();
  const bodies = cfg.mode === "card" ? await prepareCardBodies(cfg, total) : bareBodies(total, cfg);
  const prepSeconds = (performance.now() - t0) / 1000;
  const url = new URL(cfg.mode === "card" ? "/api/v1/qualifications/card" : "/bare", cfg.url);
  const wire = bodies.map((b) => requestBytes(url, b));
  const pool = await RawPool.open(url, cfg.connections);
  const check = cfg.mode === "card";
  await closedLoop(pool, wire.slice(0, cfg.warmup), { ...cfg, closedMs: 60_000 }, check);
  const closed = await withServerCpu(cfg.serverPid, () => closedLoop(pool, wire.slice(cfg.warmup, cfg.warmup + cfg.closedMax), cfg, check));
  const openRounds: Phase[] = [];
  for (let r = 0; r < rounds; r++) {
    // Let both processes settle (GC debt, the WAL checkpoint after the closed loop's burst): the open loop
    // measures a steady 2,000/s, not the aftermath of saturation.
    await new Promise((resolve) => setTimeout(resolve, r === 0 ? 2000 : 500));
    const from = cfg.warmup + cfg.closedMax + r * openCount;
    openRounds.push(await withServerCpu(cfg.serverPid, () => openLoop(pool, wire.slice(from, from + openCount), cfg, check)));
  }
  pool.close();
  const open = [...openRounds].sort((a, b) => a.p99Ms - b.p99Ms)[Math.floor(openRounds.length / 2)]!;
  process.stdout.write(JSON.stringify({ prepSeconds: Math.round(prepSeconds * 10) / 10, closed, open, openRounds }) + "\n");
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : String(e));
  process.exit(1);
});
