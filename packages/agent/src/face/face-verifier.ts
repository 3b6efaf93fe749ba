/**
 * Face verification contract (issue 4 §3): the card photo (券面AP DF27, greyscale JPEG 2000 — docs/domain.md §2)
 * against frames from the reader's camera.
 *
 * A verifier turns images into 128-d face descriptors (face-api: ssdMobilenetv1 + faceLandmark68Net +
 * faceRecognitionNet) and decides on the Euclidean distance between the card photo's descriptor and the
 * frame's. The public record gives no thresholds for the real readers [I], so the decision is configurable:
 *
 *   distance <  thresholds.match     → "match"
 *   distance >= thresholds.mismatch  → "mismatch"
 *   otherwise                        → "uncertain" (the session asks for another frame)
 *
 * Defaults: a 0.5 threshold with a ±0.05 uncertain band (see DEFAULT_FACE_THRESHOLDS for the measurements).
 * face-api has no liveness check: a printed photo of the card holder matches.
 */

export type FaceOutcome = "match" | "mismatch" | "uncertain" | "no-face";

/** distance < match → match; distance ≥ mismatch → mismatch; in between → uncertain. match ≤ mismatch. */
export interface FaceThresholds {
  readonly match: number;
  readonly mismatch: number;
}

export interface FaceDecision {
  readonly outcome: FaceOutcome;
  /** Euclidean distance between the two descriptors; null when the frame has no face. */
  readonly distance: number | null;
  /** Faces detected in the frame (the largest one is compared). */
  readonly faces: number;
  /** Wall-clock time of the decision, from the call to the answer. */
  readonly ms: number;
}

/** An opaque handle to a card photo's descriptor, kept inside the verifier until `release`. */
export interface ReferenceFace {
  readonly id: string;
  /** Faces detected in the card photo (the largest one is the reference). */
  readonly faces: number;
}

export interface VerifyOptions {
  /** Thresholds for this call only (e.g. a stricter setting chosen by staff); default: the verifier's. */
  readonly thresholds?: FaceThresholds;
}

export interface FaceVerifier {
  /** Loads models once; idempotent. */
  ready(): Promise<{ modelLoadMs: number }>;
  /**
   * Card photo (JPEG 2000 from the card, or any image) → descriptor kept in the verifier; throws
   * FaceError('no-face-in-card-photo') when none.
   */
  prepareReference(photo: Uint8Array): Promise<ReferenceFace>;
  /** One camera frame (JPEG/PNG bytes) against a prepared reference. */
  verify(reference: ReferenceFace, frame: Uint8Array, options?: VerifyOptions): Promise<FaceDecision>;
  /** Forgets a reference's descriptor (the session ended); later `verify` calls with it throw 'unknown-reference'. */
  release(reference: ReferenceFace): void;
  /** Stops the verifier; pending calls reject with FaceError('closed'). */
  close(): Promise<void>;
}

export type FaceErrorCode =
  /** The card photo has no detectable face (prepareReference). */
  | "no-face-in-card-photo"
  /** The bytes are not a decodable image (or one too large to process). */
  | "bad-image"
  /** The face-api model files are not where they were expected. */
  | "models-missing"
  /** The face worker crashed or exited; the next call starts a new one. */
  | "worker-failed"
  /** A call took longer than its time limit; the worker was restarted. */
  | "timeout"
  /** verify() with a reference that was released or never prepared by this verifier. */
  | "unknown-reference"
  /** The verifier was closed. */
  | "closed";

export class FaceError extends Error {
  override readonly name = "FaceError";
  constructor(
    readonly code: FaceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Threshold 0.5 with an uncertain band of ±0.05.
 *
 * Measured with this module on the fixtures (greyscale processing, card photo = `<person>-id.jp2`):
 * same person 0.17–0.39 (dim, small, rotated frames are the high end), different people 0.61–0.90. The
 * commonly used face-api/dlib cut-off is 0.6; 0.5 is stricter because a false accept at a clinic is worse
 * than a fallback to the PIN or 目視. The band sends borderline frames back for another capture instead of
 * deciding on them.
 */
export const DEFAULT_FACE_THRESHOLDS: FaceThresholds = Object.freeze({ match: 0.45, mismatch: 0.55 });

/** Thresholds from one cut-off and a half-width of the uncertain band: {threshold − band, threshold + band}. */
export function thresholdsAround(threshold: number, band: number): FaceThresholds {
  return checkThresholds({ match: threshold - band, mismatch: threshold + band });
}

/** Throws a RangeError unless 0 ≤ match ≤ mismatch (finite numbers); returns a frozen copy. */
export function checkThresholds(t: FaceThresholds): FaceThresholds {
  if (!Number.isFinite(t.match) || !Number.isFinite(t.mismatch) || t.match < 0 || t.match > t.mismatch) {
    throw new RangeError(`face thresholds need 0 ≤ match ≤ mismatch, got match ${t.match}, mismatch ${t.mismatch}`);
  }
  return Object.freeze({ match: t.match, mismatch: t.mismatch });
}

/** The decision rule on a distance (see the module comment). */
export function decideFace(distance: number, thresholds: FaceThresholds): Exclude<FaceOutcome, "no-face"> {
  if (distance < thresholds.match) return "match";
  if (distance >= thresholds.mismatch) return "mismatch";
  return "uncertain";
}

export function euclideanDistance(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`descriptor lengths differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum);
}
