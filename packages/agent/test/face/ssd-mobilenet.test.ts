/**
 * The lean SSD forward pass against face-api's own, in this process on the tfjs WASM backend with the real
 * model: same faces, same boxes and scores, so the face decisions built on it cannot move.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { decodeJp2 } from "@onshi-sim/jp2";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import type * as Tf from "@tensorflow/tfjs";
import type * as FaceApi from "@vladmandic/face-api/dist/face-api.node-wasm.js";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { createSsdMobilenetv1 } from "../../src/face/ssd-mobilenet.js";
import { defaultModelDir, defaultWasmDir } from "../../src/face/worker-face-verifier.js";

const require = createRequire(import.meta.url);

/** Any fixture image as an RGB int32 tensor (what the face worker hands face-api). */
async function rgbTensor(tf: typeof Tf, name: string): Promise<Tf.Tensor3D> {
  const bytes = await readFile(join(FACES_DIR, name));
  if (name.endsWith(".jp2")) {
    const img = await decodeJp2(new Uint8Array(bytes));
    const rgb = new Uint8Array(img.width * img.height * 3).map((_, i) => img.pixels[Math.floor(i / 3) * img.channels] as number);
    return tf.tensor3d(rgb, [img.height, img.width, 3], "int32");
  }
  const { data, info } = await sharp(bytes).removeAlpha().toColourspace("srgb").raw().toBuffer({ resolveWithObject: true });
  return tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], "int32");
}

describe("lean SsdMobilenetv1 (ssd-mobilenet.ts)", () => {
  let api: typeof FaceApi;
  let tf: typeof Tf;
  let lean: FaceApi.SsdMobilenetv1;
  let original: FaceApi.SsdMobilenetv1;
  const options = { minConfidence: 0.5, maxResults: 20 };

  beforeAll(async () => {
    api = require("@vladmandic/face-api/dist/face-api.node-wasm.js") as typeof FaceApi;
    tf = api.tf as unknown as typeof Tf;
    (tf as unknown as { setWasmPaths(dir: string): void }).setWasmPaths(defaultWasmDir());
    expect(await tf.setBackend("wasm")).toBe(true);
    lean = createSsdMobilenetv1(api);
    original = new api.SsdMobilenetv1();
    await lean.loadFromDisk(defaultModelDir());
    await original.loadFromDisk(defaultModelDir());
  });

  it("finds the same faces as face-api's own forward pass, with the same boxes and scores", async () => {
    for (const [name, faces] of [
      ["grace-hopper-camera.jpg", 1],
      ["eileen-collins-id.jp2", 1], // a greyscale card photo
      ["no-face.jpg", 0],
    ] as const) {
      const image = await rgbTensor(tf, name);
      try {
        const ours = await lean.locateFaces(image as never, options);
        const theirs = await original.locateFaces(image as never, options);
        expect(ours.length, name).toBe(faces);
        expect(ours.length, name).toBe(theirs.length);
        ours.forEach((d, i) => {
          const t = theirs[i]!;
          expect(d.score, name).toBeCloseTo(t.score, 5);
          for (const k of ["x", "y", "width", "height"] as const) expect(d.box[k], `${name} ${k}`).toBeCloseTo(t.box[k], 2);
        });
      } finally {
        image.dispose();
      }
    }
  });

  it("disposes every tensor it makes (the folded filters stay, once)", async () => {
    const image = await rgbTensor(tf, "grace-hopper-camera.jpg");
    try {
      await lean.locateFaces(image as never, options);
      const before = tf.memory().numTensors;
      await lean.locateFaces(image as never, options);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      image.dispose();
    }
  });
});
