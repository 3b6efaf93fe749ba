/**
 * FaceVerifier on face-api in a worker_threads Worker, so the agent's event loop keeps serving Socket.IO and
 * the card while a frame is analysed (~0.3–0.4 s of WASM per image on one core).
 *
 * The worker (face-worker.ts, started through face-worker-boot.mjs which registers tsx) loads the three
 * networks once and answers "describe this image" with the largest face's descriptor. Descriptors of card
 * photos stay here on the main side, keyed by ReferenceFace.id, and the distance is computed here — so a
 * worker crash loses no reference: pending calls reject with FaceError('worker-failed') and the next call
 * starts a new worker (models are loaded again).
 *
 * The worker is unref'd while idle: an agent that forgets close() still exits.
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { DescribeResult, FaceWorkerConfig, FaceWorkerRequest, FaceWorkerResponse, InitResult, StatsResult } from "./face-protocol.js";
import {
  checkThresholds,
  decideFace,
  DEFAULT_FACE_THRESHOLDS,
  euclideanDistance,
  FaceError,
  type FaceDecision,
  type FaceThresholds,
  type FaceVerifier,
  type ReferenceFace,
  type VerifyOptions,
} from "./face-verifier.js";

export interface WorkerFaceVerifierOptions {
  /** Decision thresholds; default DEFAULT_FACE_THRESHOLDS (0.5 ± 0.05). */
  thresholds?: FaceThresholds;
  /** face-api model directory; default the `model/` directory of the installed @vladmandic/face-api. */
  modelDir?: string;
  /** Directory of the tfjs-backend-wasm .wasm files; default its `dist/` in node_modules. */
  wasmDir?: string;
  /** ssdMobilenetv1 minimum score for a face. Default 0.5. */
  minConfidence?: number;
  /**
   * Colour handling, to compare like with like. "auto" (default): a frame is converted to greyscale when the
   * card photo is greyscale (a real card's always is: docs/domain.md §2 DF27) and kept in colour otherwise;
   * true: every image greyscale; false: images as they are. Measured on the fixtures, greyscale frames
   * against the greyscale card photo bring the same person closer (0.206 vs 0.275) and keep others as far.
   */
  greyscale?: "auto" | boolean;
  /**
   * Images are scaled down to this longer side before detection. Default 640: the detector sees 512×512
   * and the recognition net a 150×150 crop whatever the size, but a larger frame grows the worker's WASM
   * heap, which never shrinks (measured: a 1280×960 frame +50 MB RSS, 1920×1080 +140 MB).
   */
  maxImageSide?: number;
  /** Refuse images with more pixels than this ('bad-image'). Default 40 M. */
  maxInputPixels?: number;
  /** Run every network once on blank input while loading, so the first real frame is not 2–3× slower. Default true. */
  warmup?: boolean;
  /** Time limit for one describe call, queueing in the worker included. Default 30 s. */
  callTimeoutMs?: number;
  /** Time limit for starting the worker and loading the models. Default 120 s. */
  loadTimeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

interface StoredReference {
  readonly descriptor: Float32Array;
  /** Describe frames compared with this reference in greyscale. */
  readonly greyFrames: boolean;
}

const require = createRequire(import.meta.url);

/** The `model/` directory shipped in @vladmandic/face-api (ssdMobilenetv1, faceLandmark68Net, faceRecognitionNet). */
export function defaultModelDir(): string {
  return join(dirname(require.resolve("@vladmandic/face-api/package.json")), "model");
}

/** tfjs-backend-wasm's `dist/` directory (tfjs-backend-wasm.wasm and its SIMD variants), with a trailing slash. */
export function defaultWasmDir(): string {
  return join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/";
}

/** Default longer image side before detection (see WorkerFaceVerifierOptions.maxImageSide). */
const DEFAULT_MAX_IMAGE_SIDE = 640;

/**
 * The worker's V8 young generation is capped at 8 MB (worker default: 48 MB). Every frame leaves
 * short-lived JS garbage (decoded pixel buffers, tfjs's per-operation objects); with the default the young
 * generation grows to 48 MB between collections and the agent keeps that as RSS. Measured with the agent
 * bench: ~40 MB less RSS, no slower decisions (the work is WASM, not JS).
 */
const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 8 } as const;

const BOOT_URL = new URL("./face-worker-boot.mjs", import.meta.url);
const WORKER_ENTRY = new URL("./face-worker.ts", import.meta.url).href;

export class WorkerFaceVerifier implements FaceVerifier {
  readonly thresholds: FaceThresholds;
  private readonly config: FaceWorkerConfig;
  private readonly greyscale: "auto" | boolean;
  private readonly callTimeoutMs: number;
  private readonly loadTimeoutMs: number;
  private worker: Worker | undefined;
  private initPromise: Promise<InitResult> | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly references = new Map<string, StoredReference>();
  private nextId = 1;
  private closed = false;
  /** Workers started so far (1 after the first call; more after crashes). */
  workerStarts = 0;

  constructor(options: WorkerFaceVerifierOptions = {}) {
    this.thresholds = checkThresholds(options.thresholds ?? DEFAULT_FACE_THRESHOLDS);
    this.config = {
      modelDir: options.modelDir ?? defaultModelDir(),
      wasmDir: options.wasmDir ?? defaultWasmDir(),
      minConfidence: options.minConfidence ?? 0.5,
      maxImageSide: options.maxImageSide ?? DEFAULT_MAX_IMAGE_SIDE,
      maxInputPixels: options.maxInputPixels ?? 40_000_000,
      warmup: options.warmup ?? true,
    };
    this.greyscale = options.greyscale ?? "auto";
    this.callTimeoutMs = options.callTimeoutMs ?? 30_000;
    this.loadTimeoutMs = options.loadTimeoutMs ?? 120_000;
  }

  /** Starts the worker and loads the models (once); `warmupMs` is the extra time of the warm-up passes. */
  async ready(): Promise<{ modelLoadMs: number; warmupMs: number }> {
    const r = await this.init();
    return { modelLoadMs: r.modelLoadMs, warmupMs: r.warmupMs };
  }

  async prepareReference(photo: Uint8Array): Promise<ReferenceFace> {
    const d = await this.describe(photo, this.greyscale === true);
    if (!d.descriptor) throw new FaceError("no-face-in-card-photo", "no face found in the card photo");
    const ref: ReferenceFace = Object.freeze({ id: randomUUID(), faces: d.faces });
    const greyFrames = this.greyscale === "auto" ? d.sourceGrey : this.greyscale;
    this.references.set(ref.id, { descriptor: d.descriptor, greyFrames });
    return ref;
  }

  async verify(reference: ReferenceFace, frame: Uint8Array, options: VerifyOptions = {}): Promise<FaceDecision> {
    const t0 = performance.now();
    this.assertOpen();
    const thresholds = options.thresholds ? checkThresholds(options.thresholds) : this.thresholds;
    const stored = this.reference(reference);
    const d = await this.describe(frame, stored.greyFrames);
    const ms = performance.now() - t0;
    if (!d.descriptor) return { outcome: "no-face", distance: null, faces: d.faces, ms };
    const distance = euclideanDistance(stored.descriptor, d.descriptor);
    return { outcome: decideFace(distance, thresholds), distance, faces: d.faces, ms };
  }

  release(reference: ReferenceFace): void {
    this.references.delete(reference.id);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.references.clear();
    const w = this.worker;
    this.failAll(new FaceError("closed", "the face verifier was closed"));
    this.worker = undefined;
    this.initPromise = undefined;
    if (w) await w.terminate();
  }

  // ---- beyond the FaceVerifier contract (diagnostics, benchmarks, tests) ------------------------------

  /**
   * The full worker answer for one image: face count, box, score, descriptor, decode and inference times.
   * `greyscale`: convert a colour image to grey first (a grey image is used as it is).
   */
  async describe(image: Uint8Array, greyscale = false): Promise<DescribeResult> {
    await this.init();
    return (await this.call({ op: "describe", image, greyscale }, this.callTimeoutMs)) as DescribeResult;
  }

  /** Live tensors in the worker (constant between calls when nothing leaks). */
  async stats(): Promise<StatsResult> {
    await this.init();
    return (await this.call({ op: "stats" }, this.callTimeoutMs)) as StatsResult;
  }

  /** Distance between a prepared reference and a descriptor (e.g. from describe()). */
  distanceTo(reference: ReferenceFace, descriptor: Float32Array): number {
    return euclideanDistance(this.reference(reference).descriptor, descriptor);
  }

  /** Test hook: makes the worker throw an uncaught exception, as a crash would. */
  crashWorkerForTesting(): Promise<unknown> {
    return this.call({ op: "crash" }, this.callTimeoutMs);
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new FaceError("closed", "the face verifier was closed");
  }

  private reference(reference: ReferenceFace): StoredReference {
    const stored = this.references.get(reference.id);
    if (!stored) throw new FaceError("unknown-reference", `unknown or released face reference ${reference.id}`);
    return stored;
  }

  private init(): Promise<InitResult> {
    try {
      this.assertOpen();
    } catch (e) {
      return Promise.reject(e);
    }
    if (!this.initPromise) {
      const p = this.call({ op: "init", config: this.config }, this.loadTimeoutMs) as Promise<InitResult>;
      this.initPromise = p;
      // A failed load is retried by the next call (after the cause is fixed, or with a fresh worker).
      p.catch(() => {
        if (this.initPromise === p) this.initPromise = undefined;
      });
    }
    return this.initPromise;
  }

  private startWorker(): Worker {
    const w = new Worker(BOOT_URL, { workerData: { entry: WORKER_ENTRY }, resourceLimits: WORKER_RESOURCE_LIMITS });
    this.workerStarts++;
    w.unref();
    w.on("message", (res: FaceWorkerResponse) => this.onMessage(res));
    w.on("error", (err) => this.onWorkerGone(w, new FaceError("worker-failed", `face worker crashed: ${err.message}`, { cause: err })));
    w.on("messageerror", (err) => this.onWorkerGone(w, new FaceError("worker-failed", `face worker message error: ${err.message}`, { cause: err })));
    w.on("exit", (code) => this.onWorkerGone(w, new FaceError("worker-failed", `face worker exited with code ${code}`)));
    return w;
  }

  private call(body: DistributiveOmit<FaceWorkerRequest, "id">, timeoutMs: number): Promise<unknown> {
    try {
      this.assertOpen();
    } catch (e) {
      return Promise.reject(e);
    }
    if (!this.worker) this.worker = this.startWorker();
    const worker = this.worker;
    const id = this.nextId++;
    // Copy image bytes into a buffer of their own and transfer it (a Buffer may be a view into a larger pool).
    let request = { ...body, id } as FaceWorkerRequest;
    const transfer: ArrayBuffer[] = [];
    if (request.op === "describe") {
      const image = new Uint8Array(request.image.byteLength);
      image.set(request.image);
      transfer.push(image.buffer);
      request = { ...request, image };
    }
    return new Promise<unknown>((resolve, reject) => {
      const entry: Pending = { resolve, reject, timer: undefined };
      entry.timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.settle(id);
        reject(new FaceError("timeout", `face worker did not answer ${body.op} within ${timeoutMs} ms; restarting it`));
        this.onWorkerGone(worker, new FaceError("worker-failed", `face worker restarted after a ${body.op} timeout`));
        void worker.terminate();
      }, timeoutMs);
      entry.timer.unref();
      this.pending.set(id, entry);
      worker.ref();
      worker.postMessage(request, transfer);
    });
  }

  /** Removes a pending call; unrefs the worker when nothing is pending. */
  private settle(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (this.pending.size === 0) this.worker?.unref();
    return entry;
  }

  private onMessage(res: FaceWorkerResponse): void {
    const entry = this.settle(res.id);
    if (!entry) return;
    if (res.ok) entry.resolve(res.result);
    else entry.reject(new FaceError(res.error.code, res.error.message));
  }

  private onWorkerGone(w: Worker, error: FaceError): void {
    if (this.worker !== w) return; // an old worker (already replaced or closed)
    this.worker = undefined;
    this.initPromise = undefined;
    this.failAll(error);
    void w.terminate();
  }

  private failAll(error: FaceError): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
