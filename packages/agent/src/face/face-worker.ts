/**
 * The face worker (a worker_threads Worker started by WorkerFaceVerifier through face-worker-boot.mjs):
 * face-api on the tfjs WASM backend, images decoded with sharp (JPEG/PNG/…) or decodeJp2 (JPEG 2000,
 * detected by its magic). One request at a time, in arrival order; every tensor is disposed. Faces are
 * found with face-api's SSD MobileNet v1 weights through ssd-mobilenet.ts, a forward pass that keeps the
 * WASM heap (which never shrinks) about 100 MB smaller than face-api's own.
 *
 * face-api is loaded from `dist/face-api.node-wasm.js` (the bare package import needs tfjs-node, which
 * cannot be installed here — docs/domain.md §5); it re-exports @tensorflow/tfjs and tfjs-backend-wasm as `tf`.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parentPort } from "node:worker_threads";
import { decodeJp2, isJp2 } from "@onshi-sim/jp2";
import type * as FaceApi from "@vladmandic/face-api/dist/face-api.node-wasm.js";
import type * as Tf from "@tensorflow/tfjs";
import type * as TfWasm from "@tensorflow/tfjs-backend-wasm";
import sharp from "sharp";
import { FaceError } from "./face-verifier.js";
import type { DescribeResult, FaceWorkerConfig, FaceWorkerRequest, FaceWorkerResponse, InitResult, StatsResult } from "./face-protocol.js";
import { createSsdMobilenetv1 } from "./ssd-mobilenet.js";

type Tfjs = typeof Tf & typeof TfWasm;

const require = createRequire(import.meta.url);

// One frame at a time and nothing worth caching (every camera frame is new): libvips' operation cache and its
// thread pool would only hold on to memory (the agent must stay under 600 MB with the models loaded).
sharp.cache(false);
sharp.concurrency(1);
const port = parentPort;
if (!port) throw new Error("face-worker.ts must run in a worker thread");

/** Model manifests the three networks need (face-api's file naming). */
const MODEL_FILES = [
  "ssd_mobilenetv1_model-weights_manifest.json",
  "face_landmark_68_model-weights_manifest.json",
  "face_recognition_model-weights_manifest.json",
] as const;

let faceapi: typeof FaceApi | undefined;
let detector: FaceApi.SsdMobilenetv1 | undefined;
let tf: Tfjs | undefined;
let config: FaceWorkerConfig | undefined;
let detectorOptions: FaceApi.SsdMobilenetv1Options | undefined;
let initResult: InitResult | undefined;

/**
 * tsx turns source maps on for the thread, and Node then reads and keeps the map of every module loaded
 * with a sourceMappingURL: for face-api's tfjs bundles 17 MB of .map files, ~30 MB of RSS (measured) spent
 * on stack traces into library code. Off while those load; the worker's own TypeScript keeps its maps.
 */
function withoutSourceMaps<T>(load: () => T): T {
  const enabled = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    return load();
  } finally {
    process.setSourceMapsEnabled(enabled);
  }
}

async function init(cfg: FaceWorkerConfig): Promise<InitResult> {
  if (initResult) return initResult;
  const missing = MODEL_FILES.filter((f) => !existsSync(join(cfg.modelDir, f)));
  if (missing.length > 0) throw new FaceError("models-missing", `face models missing in ${cfg.modelDir}: ${missing.join(", ")}`);
  const wasmFile = join(cfg.wasmDir, "tfjs-backend-wasm.wasm");
  if (!existsSync(wasmFile)) throw new FaceError("models-missing", `tfjs WASM binary missing: ${wasmFile}`);

  const t0 = performance.now();
  const api = withoutSourceMaps(() => require("@vladmandic/face-api/dist/face-api.node-wasm.js") as typeof FaceApi);
  const t = api.tf as unknown as Tfjs;
  t.setWasmPaths(cfg.wasmDir.endsWith("/") ? cfg.wasmDir : `${cfg.wasmDir}/`);
  if (!(await t.setBackend("wasm"))) throw new Error("the tfjs wasm backend did not initialise");
  await t.ready();
  const ssd = createSsdMobilenetv1(api);
  await ssd.loadFromDisk(cfg.modelDir);
  await api.nets.faceLandmark68Net.loadFromDisk(cfg.modelDir);
  await api.nets.faceRecognitionNet.loadFromDisk(cfg.modelDir);
  faceapi = api;
  detector = ssd;
  tf = t;
  config = cfg;
  detectorOptions = new api.SsdMobilenetv1Options({ minConfidence: cfg.minConfidence, maxResults: 20 });
  const modelLoadMs = performance.now() - t0;
  const t1 = performance.now();
  if (cfg.warmup) await warmup(api, ssd, t);
  initResult = { modelLoadMs, warmupMs: cfg.warmup ? performance.now() - t1 : 0, backend: t.getBackend() };
  return initResult;
}

/**
 * The first passes through each network are 2–3× slower (kernel set-up, WASM heap growth); run the whole
 * path — landmarks → alignment → descriptor for a made-up face box, then detection — on a blank frame at
 * load time, twice, so the first patient's frame is as fast as the rest. Descriptor first: the kernels
 * it sets up keep their packed weights for good, and placed before detection's large, short-lived
 * activations they do not split the heap that detection reuses (measured: ~25 MB less heap).
 */
async function warmup(api: typeof FaceApi, ssd: FaceApi.SsdMobilenetv1, t: Tfjs): Promise<void> {
  const [h, w] = [480, 640];
  for (let pass = 0; pass < 2; pass++) {
    const frame = t.tensor3d(new Uint8Array(h * w * 3).fill(128), [h, w, 3], "int32");
    try {
      const box = new api.FaceDetection(0.9, new api.Rect(0.35, 0.25, 0.3, 0.4), { width: w, height: h });
      await describeFace(api, frame, box);
      await ssd.locateFaces(frame, detectorOptions);
    } finally {
      frame.dispose();
    }
  }
}

/** face-api's own landmarks → aligned crop → descriptor path, for one chosen face. */
async function describeFace(api: typeof FaceApi, input: FaceApi.TNetInput, face: FaceApi.FaceDetection): Promise<Float32Array | null> {
  const parent = Promise.resolve(api.extendWithFaceDetection({}, face));
  const result = await new api.DetectSingleFaceLandmarksTask(parent, input, false).withFaceDescriptor();
  return result ? Float32Array.from(result.descriptor) : null;
}

interface RgbImage {
  pixels: Uint8Array; // width × height × 3
  width: number;
  height: number;
  /** The source image had a single grey channel (a card photo always does). */
  sourceGrey: boolean;
}

function badImage(message: string, cause?: unknown): FaceError {
  return new FaceError("bad-image", message, { cause });
}

/** 1–4 channel samples → width × height × 3: grey replicated; RGB kept, or turned to luma when `grey`. */
function toRgb(pixels: Uint8Array, width: number, height: number, channels: number, grey: boolean, sourceGrey: boolean): RgbImage {
  const n = width * height;
  if (channels === 3 && !grey) return { pixels, width, height, sourceGrey };
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const o = i * channels;
    if (channels >= 3 && !grey) {
      out[i * 3] = pixels[o] as number;
      out[i * 3 + 1] = pixels[o + 1] as number;
      out[i * 3 + 2] = pixels[o + 2] as number;
      continue;
    }
    const v = channels < 3 ? (pixels[o] as number) : Math.round(0.299 * (pixels[o] as number) + 0.587 * (pixels[o + 1] as number) + 0.114 * (pixels[o + 2] as number));
    out[i * 3] = v;
    out[i * 3 + 1] = v;
    out[i * 3 + 2] = v;
  }
  return { pixels: out, width, height, sourceGrey };
}

/** JPEG 2000 (by magic) through decodeJp2, anything else through sharp; scaled down to maxImageSide. */
async function decodeImage(bytes: Uint8Array, grey: boolean, cfg: FaceWorkerConfig): Promise<RgbImage> {
  if (bytes.length === 0) throw badImage("empty image");
  const resize = { width: cfg.maxImageSide, height: cfg.maxImageSide, fit: "inside", withoutEnlargement: true } as const;
  if (isJp2(bytes)) {
    let img;
    try {
      img = await decodeJp2(bytes);
    } catch (e) {
      throw badImage(`not a decodable JPEG 2000 image: ${(e as Error).message}`, e);
    }
    const sourceGrey = img.channels === 1;
    if (img.width * img.height > cfg.maxInputPixels) throw badImage(`image too large: ${img.width}×${img.height}`);
    if (Math.max(img.width, img.height) > cfg.maxImageSide) {
      const { data, info } = await sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: img.channels } })
        .resize(resize)
        .raw()
        .toBuffer({ resolveWithObject: true });
      return toRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, info.channels, grey, sourceGrey);
    }
    return toRgb(img.pixels, img.width, img.height, img.channels, grey, sourceGrey);
  }
  try {
    const image = sharp(bytes, { limitInputPixels: cfg.maxInputPixels });
    const meta = await image.metadata();
    const sourceGrey = meta.space === "b-w" || meta.channels === 1 || meta.channels === 2;
    const pipeline = image
      .rotate() // EXIF orientation
      .resize(resize)
      .flatten({ background: "#ffffff" });
    if (grey) pipeline.greyscale();
    else pipeline.toColourspace("srgb");
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    return toRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height, info.channels, grey, sourceGrey);
  } catch (e) {
    throw badImage(`not a decodable image: ${(e as Error).message}`, e);
  }
}

async function describe(bytes: Uint8Array, grey: boolean): Promise<DescribeResult> {
  if (!faceapi || !detector || !tf || !config || !detectorOptions) throw new Error("face worker used before init");
  const api = faceapi;
  const t0 = performance.now();
  const img = await decodeImage(bytes, grey, config);
  const t1 = performance.now();
  const input = tf.tensor3d(img.pixels, [img.height, img.width, 3], "int32");
  try {
    const detections = await detector.locateFaces(input, detectorOptions);
    let largest: FaceApi.FaceDetection | undefined;
    for (const d of detections) if (!largest || d.box.area > largest.box.area) largest = d;
    let descriptor: Float32Array | null = null;
    if (largest) descriptor = await describeFace(api, input, largest);
    const box = largest?.box;
    return {
      faces: detections.length,
      descriptor,
      score: largest?.score ?? null,
      box: box ? { x: box.x, y: box.y, width: box.width, height: box.height } : null,
      width: img.width,
      height: img.height,
      sourceGrey: img.sourceGrey,
      decodeMs: t1 - t0,
      inferMs: performance.now() - t1,
    };
  } finally {
    input.dispose();
  }
}

function stats(): StatsResult {
  if (!tf) return { numTensors: 0, numBytes: 0, wasmHeapBytes: 0, backend: "none" };
  const m = tf.memory();
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return { numTensors: m.numTensors, numBytes: m.numBytes, wasmHeapBytes: backend.wasm?.HEAPU8?.byteLength ?? 0, backend: tf.getBackend() };
}

async function handle(req: FaceWorkerRequest): Promise<unknown> {
  switch (req.op) {
    case "init":
      return init(req.config);
    case "describe":
      return describe(req.image, req.greyscale);
    case "stats":
      return stats();
    case "crash":
      setImmediate(() => {
        throw new Error("face worker crash requested by a test");
      });
      return new Promise(() => {}); // never answers: the crash ends the worker first
  }
}

function reply(res: FaceWorkerResponse): void {
  port!.postMessage(res);
}

let queue: Promise<void> = Promise.resolve();
port.on("message", (req: FaceWorkerRequest) => {
  queue = queue.then(async () => {
    try {
      const result = await handle(req);
      reply({ id: req.id, ok: true, result });
    } catch (e) {
      const err = e instanceof FaceError ? e : new FaceError("worker-failed", `face worker: ${(e as Error)?.message ?? String(e)}`);
      reply({ id: req.id, ok: false, error: { code: err.code, message: err.message } });
    }
  });
});
