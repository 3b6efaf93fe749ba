/** Face verification (issue 4 §3): the card photo against camera frames, face-api in a worker thread. */
export {
  checkThresholds,
  decideFace,
  DEFAULT_FACE_THRESHOLDS,
  euclideanDistance,
  FaceError,
  thresholdsAround,
  type FaceDecision,
  type FaceErrorCode,
  type FaceOutcome,
  type FaceThresholds,
  type FaceVerifier,
  type ReferenceFace,
  type VerifyOptions,
} from "./face-verifier.js";
export { defaultModelDir, defaultWasmDir, WorkerFaceVerifier, type WorkerFaceVerifierOptions } from "./worker-face-verifier.js";
export type { DescribeResult, StatsResult } from "./face-protocol.js";
