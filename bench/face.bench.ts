/**
 * Issue 4 §3 benchmark: the face verifier (face-api, tfjs WASM backend, in a worker thread) on the fixture
 * photos — model load, card-photo (JPEG 2000) preparation, the decision per camera frame once the
 * reference is ready, the main thread's event-loop delay meanwhile, and the process RSS with the models
 * loaded (worker threads share the process, so VmRSS includes the worker and its WASM heap).
 * Targets: decision ≤ 500 ms median, RSS ≤ 600 MB.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import type { FaceDecision } from "@onshi-sim/agent";
import { WorkerFaceVerifier } from "@onshi-sim/agent";
import { ms, summarize } from "./stats.js";

const FRAMES = 16;
const REFERENCE_RUNS = 6;
const CARD_PHOTOS = ["grace-hopper-id.jp2", "eileen-collins-id.jp2"];
const CAMERA_FRAMES = [
  "grace-hopper-camera.jpg",
  "eileen-collins-camera.jpg",
  "grace-hopper-camera-dim.jpg",
  "other-1-camera.jpg",
  "eileen-collins-camera-dim.jpg",
  "other-2-camera.jpg",
  "other-3-camera.jpg",
  "other-4-camera.jpg",
];

/** VmRSS / VmHWM of this process in MiB (all threads: the face worker included). */
function procMemory(): { rssMiB: number; peakRssMiB: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssMiB: Math.round(kib("VmRSS") / 1024), peakRssMiB: Math.round(kib("VmHWM") / 1024) };
}

const round = (v: number) => Math.round(v * 10) / 10;
const summary = (samples: number[]) => {
  const s = summarize(samples);
  return { n: s.n, median: round(s.median), p95: round(s.p95), min: round(s.min), max: round(s.max) };
};

export async function benchFace(): Promise<Record<string, unknown>> {
  const image = (name: string) => new Uint8Array(readFileSync(join(FACES_DIR, name)));
  const before = procMemory();
  const verifier = new WorkerFaceVerifier();
  try {
    const t0 = performance.now();
    const { modelLoadMs, warmupMs } = await verifier.ready();
    const readyMs = performance.now() - t0;
    const afterLoad = procMemory();

    // Card photo → reference (JPEG 2000 decode + detection + descriptor), alternating the two cards.
    const prepare: number[] = [];
    const refs = [];
    for (let i = 0; i < REFERENCE_RUNS; i++) {
      const photo = image(CARD_PHOTOS[i % CARD_PHOTOS.length] as string);
      const t = performance.now();
      const ref = await verifier.prepareReference(photo);
      prepare.push(performance.now() - t);
      if (i < CARD_PHOTOS.length) refs.push(ref);
      else verifier.release(ref);
    }
    const grace = refs[0]!;

    // One decision per camera frame against the ready reference (decode + detection + descriptor + rule).
    const frames = CAMERA_FRAMES.map(image);
    const decisions: FaceDecision[] = [];
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    for (let i = 0; i < FRAMES; i++) decisions.push(await verifier.verify(grace, frames[i % frames.length]!));
    loop.disable();
    const decide = summary(decisions.map((d) => d.ms));
    const outcomes: Record<string, number> = {};
    for (const d of decisions) outcomes[d.outcome] = (outcomes[d.outcome] ?? 0) + 1;

    // Worker-side split for one typical frame.
    const split = await verifier.describe(frames[0]!, true);
    const stats = await verifier.stats();
    const after = procMemory();

    const results = {
      modelLoadMs: round(modelLoadMs),
      warmupMs: round(warmupMs),
      readyMs: round(readyMs),
      referencePrepareMs: summary(prepare),
      decisionMs: decide,
      frameSplitMs: { decode: round(split.decodeMs), inference: round(split.inferMs) },
      outcomes,
      mainEventLoopDelayMs: { p99: round(loop.percentile(99) / 1e6), max: round(loop.max / 1e6) },
      rssMiB: { beforeVerifier: before.rssMiB, modelsLoaded: afterLoad.rssMiB, afterFrames: after.rssMiB, peak: after.peakRssMiB },
      wasmHeapMiB: Math.round(stats.wasmHeapBytes / 2 ** 20),
      liveTensors: stats.numTensors,
      targets: { decisionMedianMs: 500, rssMiB: 600, met: decide.median <= 500 && after.rssMiB <= 600 },
    };
    console.log(
      `face: models ${ms(modelLoadMs)} (+ warm-up ${ms(warmupMs)}); card photo → reference median ${ms(results.referencePrepareMs.median)}; ` +
        `decision median ${ms(decide.median)} p95 ${ms(decide.p95)} (${FRAMES} frames); event-loop delay max ${ms(results.mainEventLoopDelayMs.max)}; ` +
        `RSS ${after.rssMiB} MiB (peak ${after.peakRssMiB}, before ${before.rssMiB})`,
    );
    return results;
  } finally {
    await verifier.close();
  }
}
