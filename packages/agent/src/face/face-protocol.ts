/** Messages between WorkerFaceVerifier (main thread) and face-worker.ts (the worker thread). Types only. */
import type { FaceErrorCode } from "./face-verifier.js";

export interface FaceWorkerConfig {
  /** Directory with the face-api model manifests and .bin files. */
  readonly modelDir: string;
  /** Directory holding tfjs-backend-wasm's .wasm files (with a trailing slash). */
  readonly wasmDir: string;
  /** ssdMobilenetv1 minimum detection score. */
  readonly minConfidence: number;
  /** Larger images are scaled down to fit this many pixels on their longer side before detection. */
  readonly maxImageSide: number;
  /** Images with more pixels than this are refused as 'bad-image' before decoding. */
  readonly maxInputPixels: number;
  /** Run each network once on blank input after loading (so the first real frame is not slow). */
  readonly warmup: boolean;
}

export type FaceWorkerRequest =
  | { readonly id: number; readonly op: "init"; readonly config: FaceWorkerConfig }
  /** greyscale: convert a colour image to grey before detection (a grey image is always used as grey). */
  | { readonly id: number; readonly op: "describe"; readonly image: Uint8Array; readonly greyscale: boolean }
  | { readonly id: number; readonly op: "stats" }
  /** Test hook: throws an uncaught exception in the worker (a crash). */
  | { readonly id: number; readonly op: "crash" };

export interface InitResult {
  readonly modelLoadMs: number;
  readonly warmupMs: number;
  readonly backend: string;
}

export interface DescribeResult {
  /** Faces detected above minConfidence. */
  readonly faces: number;
  /** Descriptor of the largest face; null when there is none. */
  readonly descriptor: Float32Array | null;
  /** Detection score and box of the largest face. */
  readonly score: number | null;
  readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number } | null;
  /** Size after scaling down. */
  readonly width: number;
  readonly height: number;
  /** The source image was greyscale (single channel). */
  readonly sourceGrey: boolean;
  readonly decodeMs: number;
  readonly inferMs: number;
}

export interface StatsResult {
  /** Live tfjs tensors (stays constant between calls when every tensor is disposed). */
  readonly numTensors: number;
  readonly numBytes: number;
  /** Size of the tfjs WASM heap (it grows to the largest working set and never shrinks). */
  readonly wasmHeapBytes: number;
  readonly backend: string;
}

export type FaceWorkerResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly code: FaceErrorCode; readonly message: string } };
