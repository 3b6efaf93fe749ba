/**
 * WorkerFaceVerifier with the real face-api models on the fixture photos (no mocks). The models are loaded
 * once for the file; each image costs ~0.3 s of WASM on this machine, so the cases share measurements.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { encodeGreyJp2 } from "@onshi-sim/jp2";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkThresholds,
  decideFace,
  DEFAULT_FACE_THRESHOLDS,
  FaceError,
  thresholdsAround,
  type FaceDecision,
  type ReferenceFace,
} from "../../src/face/face-verifier.js";
import { WorkerFaceVerifier } from "../../src/face/worker-face-verifier.js";

const image = async (name: string): Promise<Uint8Array> => new Uint8Array(await readFile(join(FACES_DIR, name)));

async function faceError(p: Promise<unknown>): Promise<FaceError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FaceError);
  return e as FaceError;
}

describe("face decision rule", () => {
  it("match below `match`, mismatch from `mismatch` on, uncertain in between", () => {
    const t = { match: 0.45, mismatch: 0.55 };
    expect(decideFace(0.2, t)).toBe("match");
    expect(decideFace(0.449, t)).toBe("match");
    expect(decideFace(0.45, t)).toBe("uncertain");
    expect(decideFace(0.549, t)).toBe("uncertain");
    expect(decideFace(0.55, t)).toBe("mismatch");
    expect(decideFace(0.9, t)).toBe("mismatch");
    // No band: a single cut-off.
    expect(decideFace(0.49, { match: 0.5, mismatch: 0.5 })).toBe("match");
    expect(decideFace(0.5, { match: 0.5, mismatch: 0.5 })).toBe("mismatch");
  });

  it("defaults to 0.5 ± 0.05 and refuses inconsistent thresholds", () => {
    expect(DEFAULT_FACE_THRESHOLDS).toEqual({ match: 0.45, mismatch: 0.55 });
    const around = thresholdsAround(0.5, 0.05);
    expect(around.match).toBeCloseTo(0.45, 12);
    expect(around.mismatch).toBeCloseTo(0.55, 12);
    expect(() => checkThresholds({ match: 0.6, mismatch: 0.5 })).toThrow(RangeError);
    expect(() => checkThresholds({ match: Number.NaN, mismatch: 0.5 })).toThrow(RangeError);
    expect(() => checkThresholds({ match: -0.1, mismatch: 0.5 })).toThrow(RangeError);
    expect(() => new WorkerFaceVerifier({ thresholds: { match: 0.7, mismatch: 0.4 } })).toThrow(RangeError);
  });
});

describe("WorkerFaceVerifier (face-api, WASM, worker thread)", () => {
  const verifier = new WorkerFaceVerifier();
  let grace: ReferenceFace;
  let eileen: ReferenceFace;
  /** Sequential results, compared with the concurrent run later. */
  const seen = new Map<string, FaceDecision>();

  async function verify(ref: ReferenceFace, refName: string, frame: string): Promise<FaceDecision> {
    const d = await verifier.verify(ref, await image(frame));
    seen.set(`${refName}|${frame}`, d);
    return d;
  }

  beforeAll(async () => {
    const { modelLoadMs } = await verifier.ready();
    expect(modelLoadMs).toBeGreaterThan(0);
    // ready() is idempotent: same load, no second worker.
    expect(await verifier.ready()).toMatchObject({ modelLoadMs });
    expect(verifier.workerStarts).toBe(1);
    grace = await verifier.prepareReference(await image("grace-hopper-id.jp2"));
    eileen = await verifier.prepareReference(await image("eileen-collins-id.jp2"));
  });

  afterAll(async () => {
    await verifier.close();
  });

  it("prepares card photos (greyscale JPEG 2000) as opaque references", () => {
    expect(grace.faces).toBe(1);
    expect(eileen.faces).toBe(1);
    expect(grace.id).not.toBe(eileen.id);
    expect(Object.isFrozen(grace)).toBe(true);
  });

  it("same person: card photo vs camera frame → match", async () => {
    for (const [ref, name, frame] of [
      [grace, "grace", "grace-hopper-camera.jpg"],
      [eileen, "eileen", "eileen-collins-camera.jpg"],
    ] as const) {
      const d = await verify(ref, name, frame);
      expect(d, frame).toMatchObject({ outcome: "match", faces: 1 });
      expect(d.distance).toBeLessThan(0.3);
      expect(d.ms).toBeGreaterThan(0);
    }
  });

  it("same person in a dim, small, rotated frame → still a match (the high end of same-person distances)", async () => {
    const g = await verify(grace, "grace", "grace-hopper-camera-dim.jpg");
    const e = await verify(eileen, "eileen", "eileen-collins-camera-dim.jpg");
    expect(g.outcome).toBe("match");
    expect(e.outcome).toBe("match");
    expect(e.distance).toBeGreaterThan(g.distance ?? 1);
  });

  it("different people → mismatch", async () => {
    const frames: [ReferenceFace, string, string][] = [
      [grace, "grace", "eileen-collins-camera.jpg"],
      [eileen, "eileen", "grace-hopper-camera.jpg"],
      ...[1, 2, 3, 4].map((n): [ReferenceFace, string, string] => [grace, "grace", `other-${n}-camera.jpg`]),
    ];
    for (const [ref, name, frame] of frames) {
      const d = await verify(ref, name, frame);
      expect(d.outcome, `${name} vs ${frame}: ${d.distance}`).toBe("mismatch");
      expect(d.distance).toBeGreaterThanOrEqual(0.6);
      expect(d.faces).toBe(1);
    }
  });

  it("a distance inside the band → uncertain (thresholds per call)", async () => {
    const d = seen.get("eileen|eileen-collins-camera-dim.jpg")?.distance;
    expect(d).toBeTypeOf("number");
    const frame = await image("eileen-collins-camera-dim.jpg");
    const band = await verifier.verify(eileen, frame, { thresholds: { match: d! - 0.01, mismatch: d! + 0.01 } });
    expect(band.outcome).toBe("uncertain");
    expect(band.distance).toBeCloseTo(d!, 6); // deterministic: same frame, same distance
    const below = await verifier.verify(eileen, frame, { thresholds: { match: d! - 0.02, mismatch: d! } });
    expect(below.outcome).toBe("mismatch");
  });

  it("several faces in a frame → the largest one is compared", async () => {
    // A 1120×480 frame: one camera frame at full size on the left, another scaled to 75 % on the right.
    const twoPeople = async (big: string, small: string) => {
      const right = await sharp(await image(small)).resize(480, 360).toBuffer();
      const frame = await sharp({ create: { width: 1120, height: 480, channels: 3, background: "#c9c4ba" } })
        .composite([
          { input: Buffer.from(await image(big)), left: 0, top: 0 },
          { input: right, left: 640, top: 60 },
        ])
        .jpeg({ quality: 85 })
        .toBuffer();
      return new Uint8Array(frame);
    };
    const eileenLarger = await verifier.verify(eileen, await twoPeople("eileen-collins-camera.jpg", "other-3-camera.jpg"));
    expect(eileenLarger).toMatchObject({ outcome: "match", faces: 2 });
    const otherLarger = await verifier.verify(eileen, await twoPeople("other-3-camera.jpg", "eileen-collins-camera.jpg"));
    expect(otherLarger).toMatchObject({ outcome: "mismatch", faces: 2 });
  });

  it("a large camera frame is scaled down to 640 px before detection, and still matches", async () => {
    // 1920×1080: the camera frame enlarged to 1440×1080 on a wall-coloured background.
    const enlarged = await sharp(await image("grace-hopper-camera.jpg")).resize(1440, 1080).toBuffer();
    const frame = await sharp({ create: { width: 1920, height: 1080, channels: 3, background: "#c9c4ba" } })
      .composite([{ input: enlarged, left: 240, top: 0 }])
      .jpeg({ quality: 85 })
      .toBuffer();
    const d = await verifier.describe(new Uint8Array(frame), true); // grey, as verify() does for a grey card photo
    expect({ width: d.width, height: d.height, faces: d.faces }).toEqual({ width: 640, height: 360, faces: 1 });
    expect(verifier.distanceTo(grace, d.descriptor!)).toBeLessThan(DEFAULT_FACE_THRESHOLDS.match);
  });

  it("a frame without a face → no-face", async () => {
    const d = await verify(grace, "grace", "no-face.jpg");
    expect(d).toMatchObject({ outcome: "no-face", distance: null, faces: 0 });
  });

  it("a card photo without a face → FaceError no-face-in-card-photo (JPEG and JPEG 2000)", async () => {
    const noFace = await image("no-face.jpg");
    expect((await faceError(verifier.prepareReference(noFace))).code).toBe("no-face-in-card-photo");
    const noFaceJp2 = await encodeGreyJp2(noFace);
    expect((await faceError(verifier.prepareReference(noFaceJp2))).code).toBe("no-face-in-card-photo");
  });

  it("garbage, empty and truncated images → FaceError bad-image; the worker keeps working", async () => {
    const garbage = new Uint8Array(2048).map((_, i) => (i * 131 + 7) & 0xff);
    expect((await faceError(verifier.verify(grace, garbage))).code).toBe("bad-image");
    expect((await faceError(verifier.verify(grace, new Uint8Array(0)))).code).toBe("bad-image");
    expect((await faceError(verifier.prepareReference(garbage))).code).toBe("bad-image");
    const jp2 = await image("grace-hopper-id.jp2");
    expect((await faceError(verifier.prepareReference(jp2.subarray(0, 200)))).code).toBe("bad-image");
    const jpeg = await image("grace-hopper-camera.jpg");
    expect((await faceError(verifier.verify(grace, jpeg.subarray(0, 1000)))).code).toBe("bad-image");

    const after = await verifier.verify(grace, jpeg);
    expect(after.outcome).toBe("match");
    expect(after.distance).toBeCloseTo(seen.get("grace|grace-hopper-camera.jpg")!.distance!, 6);
    expect(verifier.workerStarts).toBe(1);
  });

  it("concurrent verify calls each get their own answer", async () => {
    const cases: [ReferenceFace, string, string][] = [
      [grace, "grace", "grace-hopper-camera.jpg"],
      [eileen, "eileen", "eileen-collins-camera.jpg"],
      [grace, "grace", "eileen-collins-camera.jpg"],
      [grace, "grace", "no-face.jpg"],
      [grace, "grace", "other-3-camera.jpg"],
      [eileen, "eileen", "grace-hopper-camera.jpg"],
    ];
    const frames = await Promise.all(cases.map(([, , f]) => image(f)));
    const results = await Promise.all(cases.map(([ref], i) => verifier.verify(ref, frames[i]!)));
    results.forEach((r, i) => {
      const [, name, frame] = cases[i]!;
      const before = seen.get(`${name}|${frame}`)!;
      expect(r.outcome, `${name} vs ${frame}`).toBe(before.outcome);
      if (before.distance === null) expect(r.distance).toBeNull();
      else expect(r.distance).toBeCloseTo(before.distance, 6);
    });
  });

  it("keeps the event loop responsive during a verify", async () => {
    const frame = await image("grace-hopper-camera.jpg");
    const before = performance.eventLoopUtilization();
    await Promise.all([verifier.verify(grace, frame), verifier.verify(eileen, frame)]);
    const { utilization, active, idle } = performance.eventLoopUtilization(before);
    // The worker does the inference; this thread only sends the frames and reads the answers, so it is idle
    // nearly all the time the two frames take (inference in this thread would keep it busy nearly all of it).
    // A busy machine stretches both alike, unlike a bound on the gaps between timer ticks.
    expect(utilization, `event loop busy ${Math.round(active)} ms, idle ${Math.round(idle)} ms`).toBeLessThan(0.5);
  });

  it("disposes every tensor", async () => {
    const before = await verifier.stats();
    await verifier.verify(grace, await image("other-1-camera.jpg"));
    await verifier.verify(grace, await image("no-face.jpg"));
    await faceError(verifier.verify(grace, new Uint8Array([1, 2, 3])));
    const after = await verifier.stats();
    expect(after.backend).toBe("wasm");
    expect(after.numTensors).toBe(before.numTensors);
  });

  it("a released reference cannot be used", async () => {
    const ref = await verifier.prepareReference(await image("grace-hopper-source.jpg"));
    verifier.release(ref);
    expect((await faceError(verifier.verify(ref, await image("grace-hopper-camera.jpg")))).code).toBe("unknown-reference");
  });

  it("a worker crash rejects pending calls with worker-failed; the next call starts a new worker", async () => {
    const frame = await image("grace-hopper-camera.jpg");
    const crash = verifier.crashWorkerForTesting();
    const pending = verifier.verify(grace, frame); // queued behind the crash
    expect((await faceError(crash)).code).toBe("worker-failed");
    expect((await faceError(pending)).code).toBe("worker-failed");

    const again = await verifier.verify(grace, frame); // references live on the main side and survive
    expect(again.outcome).toBe("match");
    expect(again.distance).toBeCloseTo(seen.get("grace|grace-hopper-camera.jpg")!.distance!, 6);
    expect(verifier.workerStarts).toBe(2);
  });

  it("close() rejects pending calls and every later call", async () => {
    const pending = faceError(verifier.verify(grace, await image("grace-hopper-camera.jpg")));
    await verifier.close();
    expect((await pending).code).toBe("closed");
    expect((await faceError(verifier.ready())).code).toBe("closed");
    expect((await faceError(verifier.verify(grace, await image("grace-hopper-camera.jpg")))).code).toBe("closed");
    expect((await faceError(verifier.prepareReference(await image("grace-hopper-id.jp2")))).code).toBe("closed");
  });
});

describe("WorkerFaceVerifier configuration errors", () => {
  it("missing model files → FaceError models-missing", async () => {
    const v = new WorkerFaceVerifier({ modelDir: join(FACES_DIR, "no-such-model-dir") });
    try {
      const e = await faceError(v.ready());
      expect(e.code).toBe("models-missing");
      expect(e.message).toContain("ssd_mobilenetv1_model-weights_manifest.json");
    } finally {
      await v.close();
    }
  });
});
