/**
 * Checks fixtures/faces/ with the real face matcher the reader uses (face-api, WASM backend, SSD MobileNet v1
 * + 68-point landmarks + recognition net from the package's model/ directory):
 *
 *   npx tsx fixtures/scripts/check-faces.ts
 *
 * Prints, per file, the number of faces found (min confidence 0.5) and, for every card photo (the id-jp2
 * files, plus a greyscale JP2 made on the fly from each other-N-source.jpg) against every camera frame, the
 * descriptor distance. Exits 1 unless every photo/frame has exactly one face, no-face.jpg has none, all
 * same-person distances are < 0.45 and all different-person distances are > 0.55.
 *
 * face-api is a reader-agent dependency, not a fixtures one: it is resolved at run time from the
 * reader-agent workspace (or the hoisted root node_modules), so nothing in fixtures/src depends on it.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { encodeGreyJp2, jp2ToPng } from "@onshi-sim/jp2";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const facesDir = path.join(repoRoot, "fixtures", "faces");
const SAME_MAX = 0.45;
const DIFFERENT_MIN = 0.55;
const MIN_CONFIDENCE = 0.5;

// The few face-api pieces used here, typed locally.
interface Tensor3D {
  dispose(): void;
}
interface FaceResult {
  detection: { score: number; box: { x: number; y: number; width: number; height: number } };
  descriptor: Float32Array;
}
interface FaceApi {
  tf: { setBackend(name: string): Promise<boolean>; getBackend(): string; ready(): Promise<void>; tensor3d(values: Uint8Array, shape: [number, number, number], dtype: "int32"): Tensor3D };
  nets: Record<"ssdMobilenetv1" | "faceLandmark68Net" | "faceRecognitionNet", { loadFromDisk(dir: string): Promise<void> }>;
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults: number }) => unknown;
  detectAllFaces(input: Tensor3D, options: unknown): { withFaceLandmarks(): { withFaceDescriptors(): Promise<FaceResult[]> } };
  euclideanDistance(a: Float32Array, b: Float32Array): number;
}

interface ManifestEntry {
  file: string;
  person: string | null;
  kind: string;
}

function requireFromReaderAgent(): NodeJS.Require {
  return createRequire(path.join(repoRoot, "packages", "agent", "package.json"));
}

async function loadFaceApi(): Promise<FaceApi> {
  const require = requireFromReaderAgent();
  const faceDir = path.dirname(require.resolve("@vladmandic/face-api/package.json"));
  const faceapi = require(path.join(faceDir, "dist", "face-api.node-wasm.js")) as FaceApi;
  await faceapi.tf.setBackend("wasm");
  await faceapi.tf.ready();
  if (faceapi.tf.getBackend() !== "wasm") throw new Error(`tfjs backend is ${faceapi.tf.getBackend()}, expected wasm`);
  const models = path.join(faceDir, "model");
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
  return faceapi;
}

async function faces(faceapi: FaceApi, image: Uint8Array): Promise<FaceResult[]> {
  const { data, info } = await sharp(image).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  const tensor = faceapi.tf.tensor3d(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), [info.height, info.width, 3], "int32");
  try {
    const options = new faceapi.SsdMobilenetv1Options({ minConfidence: MIN_CONFIDENCE, maxResults: 10 });
    return await faceapi.detectAllFaces(tensor, options).withFaceLandmarks().withFaceDescriptors();
  } finally {
    tensor.dispose();
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const faceapi = await loadFaceApi();
  console.log(`models loaded in ${(performance.now() - t0).toFixed(0)} ms`);
  const manifest = (JSON.parse(readFileSync(path.join(facesDir, "faces.json"), "utf8")) as { faces: ManifestEntry[] }).faces;
  const problems: string[] = [];
  const refs = new Map<string, { person: string; descriptor: Float32Array }>();
  const probes = new Map<string, { person: string; descriptor: Float32Array }>();

  const check = async (label: string, person: string | null, kind: string, image: Uint8Array): Promise<void> => {
    const t = performance.now();
    const found = await faces(faceapi, image);
    const ms = performance.now() - t;
    const scores = found.map((f) => `${f.detection.score.toFixed(2)} (${f.detection.box.height.toFixed(0)} px)`).join(", ");
    console.log(`${label.padEnd(30)} ${String(found.length)} face(s) ${scores.padEnd(26)} ${ms.toFixed(0)} ms`);
    const expected = kind === "no-face" ? 0 : 1;
    if (found.length !== expected) problems.push(`${label}: ${found.length} faces, expected ${expected}`);
    const only = found[0];
    if (found.length !== 1 || !only || person === null) return;
    if (kind === "id-jp2") refs.set(label, { person, descriptor: only.descriptor });
    if (kind === "camera" || kind === "camera-dim") probes.set(label, { person, descriptor: only.descriptor });
  };

  for (const e of manifest) {
    const bytes = readFileSync(path.join(facesDir, e.file));
    await check(e.file, e.person, e.kind, e.kind === "id-jp2" ? await jp2ToPng(bytes) : bytes);
  }
  // The other people have no committed card photo: make one the way card generation does.
  for (const e of manifest.filter((m) => m.kind === "source" && !manifest.some((x) => x.person === m.person && x.kind === "id-jp2"))) {
    const jp2 = await encodeGreyJp2(path.join(facesDir, e.file));
    await check(`${e.person}-id.jp2 (made now)`, e.person, "id-jp2", await jp2ToPng(jp2));
  }

  const cols = [...probes.keys()];
  console.log(`\ndescriptor distance, card photo (rows) vs camera frame (columns); * = same person`);
  cols.forEach((c, i) => console.log(`  [${i + 1}] ${c}`));
  console.log(`${"".padEnd(30)}${cols.map((_, i) => `[${i + 1}]`.padStart(7)).join("")}`);
  let sameMax = 0;
  let diffMin = Number.POSITIVE_INFINITY;
  for (const [label, ref] of refs) {
    let line = label.padEnd(30);
    for (const c of cols) {
      const probe = probes.get(c);
      if (!probe) continue;
      const d = faceapi.euclideanDistance(ref.descriptor, probe.descriptor);
      const same = probe.person === ref.person;
      line += `${same ? "*" : " "}${d.toFixed(3)}`.padStart(7);
      if (same) {
        sameMax = Math.max(sameMax, d);
        if (d >= SAME_MAX) problems.push(`${label} vs ${c}: same person at ${d.toFixed(3)} (≥ ${SAME_MAX})`);
      } else {
        diffMin = Math.min(diffMin, d);
        if (d <= DIFFERENT_MIN) problems.push(`${label} vs ${c}: different people at ${d.toFixed(3)} (≤ ${DIFFERENT_MIN})`);
      }
    }
    console.log(line);
  }
  console.log(`\nsame person: max ${sameMax.toFixed(3)} (want < ${SAME_MAX}); different people: min ${diffMin.toFixed(3)} (want > ${DIFFERENT_MIN})`);
  if (problems.length > 0) {
    console.log(`\nPROBLEMS:\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.log("OK");
}

main().catch((err: unknown) => {
  console.error(`check-faces: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
