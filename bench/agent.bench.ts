/**
 * Issue 4 benchmarks (reader agent):
 *   - card detected → result at the kiosk on the PIN path over pcsc + pcscd + vpcd, with the server on loopback
 *     (target ≤ 150 ms median): the reader reports the card, the agent reads it, the kiosk sends the PIN at
 *     once, the card verifies and signs, the server confirms, the kiosk sees the consent screen with the
 *     result. Also from `VpcdBridge.insert()` (adds pcscd's card polling) and over the memory binding;
 *   - face decision time per camera frame once the card photo's descriptor is ready (target ≤ 500 ms median);
 *   - face model load time; the RSS of a real agent process (`onshi-sim agent`, spawned) with the models loaded,
 *     a card photo's descriptor and a few camera frames behind it (target ≤ 450 MiB). This process's own RSS
 *     (agent + server + other benches in one process) is printed too, as an upper bound.
 * Not part of `npm test`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FACES_DIR, findCardFixture } from "@onshi-sim/jpki-testkit";
import { createServer } from "@onshi-sim/server";
import { AgentDriver } from "@onshi-sim/agent";
import { assembleAgent, type AssembledAgent } from "@onshi-sim/agent-assembly";
import { MemoryCardStateStore } from "@onshi-sim/card-sim";
import { fromLoadedCard } from "@onshi-sim/card-sim";
import { VirtualMyNumberCard } from "@onshi-sim/card-sim";
import type { FaceVerifier } from "@onshi-sim/agent";
import { WorkerFaceVerifier } from "@onshi-sim/agent";
import { QualificationClient } from "@onshi-sim/agent";
import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { ensurePcscd } from "@onshi-sim/card-sim";
import type { ReaderTransport } from "@onshi-sim/reader-bindings";
import { processMemory, ROOT, startProcess, stopProcess } from "./processes.js";
import { ms, summarize, type Summary } from "./stats.js";

const FACILITY = "1311234567";
const TOKEN = "bench-agent-token";
const RECEPTIONS = 40;
const WARMUP = 5;
const FACE_FRAMES = 20;

interface ReceptionTimes {
  /** The reader reported the card (the session's first view at the kiosk) → the result at the kiosk. */
  detectedToResult: Summary;
  /** The card-side insert() call → the result at the kiosk (includes pcscd noticing the card). */
  insertedToResult: Summary;
}

/** A step that must not hang the bench: rejects with what it was waiting for after `ms`. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench: ${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** One PIN reception per iteration; `insert`/`remove` put a fresh card in and take it out. */
async function receptions(
  kiosk: AgentDriver,
  reader: string,
  insert: () => Promise<void>,
  remove: () => Promise<void>,
  n: number,
): Promise<ReceptionTimes> {
  const detected: number[] = [];
  const inserted: number[] = [];
  for (let i = 0; i < n + WARMUP; i++) {
    let detectedAt = 0;
    const stop = kiosk.onEvent((e) => {
      if (e.event === "session:state" && e.data.reader === reader && e.data.phase === "reading" && !detectedAt) detectedAt = performance.now();
    });
    const t0 = performance.now();
    await within(10_000, `insert #${i}`, insert());
    await kiosk.waitFor("choose-method", { reader, timeoutMs: 10_000 });
    const ack = await within(10_000, `PIN #${i}`, kiosk.pin("1234", reader));
    const view = ack.session?.phase === "consent" ? ack.session : await kiosk.waitFor(["consent", "error"], { reader, timeoutMs: 10_000 });
    const t1 = performance.now();
    stop();
    if (view.phase !== "consent" || !view.result?.usable) throw new Error(`bench reception failed: ${view.phase} ${view.error?.code ?? ""}`);
    if (i >= WARMUP) {
      detected.push(t1 - (detectedAt || t0));
      inserted.push(t1 - t0);
    }
    await within(10_000, `remove #${i}`, remove());
    await kiosk.waitFor("waiting-for-card", { reader, timeoutMs: 10_000 });
  }
  return { detectedToResult: summarize(detected), insertedToResult: summarize(inserted) };
}

async function startAgent(transport: ReaderTransport, qualification: QualificationClient, faceVerifier: FaceVerifier | undefined): Promise<{ agent: AssembledAgent; kiosk: AgentDriver }> {
  const agent = await assembleAgent({
    readers: [{ kind: "transport", transport }],
    qualification,
    token: TOKEN,
    port: 0,
    staffPin: "246810",
    ...(faceVerifier ? { face: faceVerifier } : {}),
  });
  const kiosk = await AgentDriver.connect({ url: agent.agent.url, token: TOKEN, clientName: "bench" });
  return { agent, kiosk };
}

type Memory = ReturnType<typeof processMemory>;

/**
 * The agent as a clinic runs it: `onshi-sim agent` in its own process (memory reader, dev commands), a card
 * inserted so its photo's descriptor is computed, then camera frames (no face ×4, the holder ×1). RSS after.
 */
async function agentProcessMemory(serverUrl: string): Promise<{ afterModels: Memory; afterFrames: Memory }> {
  const token = "bench-agent-process-token";
  const { child, url } = await startProcess(
    [join(ROOT, "packages", "cli", "bin", "onshi-sim.js"), "agent", "--port", "0", "--dev", "--server", serverUrl, "--facility", FACILITY],
    { ONSHI_SIM_AGENT_TOKEN: token },
    /ready on (\S+)/,
  );
  try {
    const kiosk = await AgentDriver.connect({ url, token, clientName: "bench-rss" });
    await kiosk.insertCard("yamada-taro");
    await kiosk.waitFor((v) => v.phase === "choose-method" && v.face?.referenceReady === true, { timeoutMs: 60_000 });
    const afterModels = processMemory(child.pid!);
    const noFace = new Uint8Array(readFileSync(join(FACES_DIR, "no-face.jpg")));
    for (let i = 0; i < 4; i++) await kiosk.faceFrame(noFace);
    await kiosk.faceFrame(new Uint8Array(readFileSync(join(FACES_DIR, "grace-hopper-camera.jpg"))));
    await kiosk.waitFor("consent", { timeoutMs: 10_000 });
    const afterFrames = processMemory(child.pid!);
    kiosk.close();
    return { afterModels, afterFrames };
  } finally {
    await stopProcess(child);
  }
}

export async function benchAgent(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const dir = mkdtempSync(join(tmpdir(), "onshi-bench-agent-"));
  const server = await createServer({ dataDir: dir, dbPath: join(dir, "onshi.sqlite"), adminToken: "bench", watchFolders: false, log: () => {} });
  const { url } = await server.listen(0, "127.0.0.1");
  const qualification = new QualificationClient({ baseUrl: url, medicalInstitutionCode: FACILITY });
  const loaded = await findCardFixture("yamada-taro");
  const newCard = () => new VirtualMyNumberCard(fromLoadedCard(loaded), { stateStore: new MemoryCardStateStore() });

  // Face: model load, then decisions per frame against a prepared card photo.
  const faces = new WorkerFaceVerifier();
  const loadStart = performance.now();
  const { modelLoadMs } = await faces.ready();
  results.faceModelLoad = { modelLoadMs: Math.round(modelLoadMs), workerStartAndLoadMs: Math.round(performance.now() - loadStart) };
  const reference = await faces.prepareReference(loaded.photoJp2);
  const frame = new Uint8Array(readFileSync(join(FACES_DIR, "grace-hopper-camera.jpg")));
  const decisions: number[] = [];
  for (let i = 0; i < FACE_FRAMES + 3; i++) {
    const d = await faces.verify(reference, frame);
    if (d.outcome !== "match") throw new Error(`bench face frame did not match (${d.outcome})`);
    if (i >= 3) decisions.push(d.ms);
  }
  faces.release(reference);
  results.faceDecision = summarize(decisions);

  // Memory binding: the agent's own overhead (no PC/SC).
  {
    const memory = new MemoryReaderTransport();
    const { agent, kiosk } = await startAgent(memory, qualification, faces);
    const reader = memory.listReaders()[0] as string;
    results.memory = await receptions(
      kiosk,
      reader,
      async () => memory.insert(newCard(), reader),
      async () => memory.remove(reader),
      RECEPTIONS,
    );
    kiosk.close();
    await agent.close();
  }

  const pcscd = await ensurePcscd();
  if (!pcscd.available) results.pcsc = { skipped: pcscd.reason };
  else {
    const { PcscReaderTransport } = await import("@onshi-sim/reader-bindings");
    const { VpcdBridge, vpcdReaderName } = await import("@onshi-sim/card-sim");
    const slot = 1; // slot 1 so a card a developer keeps in slot 0 is left alone
    const reader = vpcdReaderName(slot);
    for (const [name, verifier] of [
      ["pcsc", faces],
      ["pcsc-no-face", undefined],
    ] as const) {
      const pcsc = new PcscReaderTransport({ readerFilter: (n: string) => n === reader });
      const { agent, kiosk } = await startAgent(pcsc, qualification, verifier);
      let bridge: InstanceType<typeof VpcdBridge> | undefined;
      results[name] = await receptions(
        kiosk,
        reader,
        async () => {
          bridge = new VpcdBridge(newCard(), { slot });
          await bridge.insert();
        },
        async () => {
          await bridge?.remove();
        },
        RECEPTIONS,
      );
      kiosk.close();
      await within(15_000, `closing the ${name} agent`, agent.close());
    }
    await pcscd.stop();
  }
  results.rssMiBWithModels = Math.round(process.memoryUsage().rss / 2 ** 20);
  results.agentProcess = await agentProcessMemory(url);
  await faces.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });

  const f = results.faceModelLoad as { modelLoadMs: number; workerStartAndLoadMs: number };
  console.log(`agent/face: model load ${f.modelLoadMs} ms (worker start + load ${f.workerStartAndLoadMs} ms); decision per frame median ${ms((results.faceDecision as Summary).median)} p95 ${ms((results.faceDecision as Summary).p95)}`);
  for (const name of ["memory", "pcsc", "pcsc-no-face"]) {
    const r = results[name] as ReceptionTimes | { skipped: string } | undefined;
    if (!r) continue;
    if ("skipped" in r) console.log(`agent/${name}: skipped (${r.skipped})`);
    else
      console.log(
        `agent/${name}: card detected → result median ${ms(r.detectedToResult.median)} p95 ${ms(r.detectedToResult.p95)}; ` +
          `card inserted → result median ${ms(r.insertedToResult.median)} p95 ${ms(r.insertedToResult.p95)}`,
      );
  }
  const proc = results.agentProcess as Awaited<ReturnType<typeof agentProcessMemory>>;
  console.log(
    `agent: onshi-sim agent process RSS ${proc.afterModels?.rssMiB} MiB with models and a card photo, ${proc.afterFrames?.rssMiB} MiB after 5 frames (peak ${proc.afterFrames?.peakMiB} MiB; target ≤ 450 MiB); ` +
      `this bench process (agent + server + benches) ${results.rssMiBWithModels} MiB`,
  );
  return results;
}

// `npx tsx bench/agent.bench.ts` runs it alone (bench/run.ts imports benchAgent when it is wired in).
if (import.meta.url === `file://${process.argv[1]}`) await benchAgent();
