// Worker entry for WorkerFaceVerifier: registers tsx in this worker thread (workers do not inherit the
// parent's loader hooks reliably, and vitest's transform does not reach them), then loads the TypeScript
// worker. Plain JavaScript on purpose, so it starts under node, node --import tsx and vitest alike.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
