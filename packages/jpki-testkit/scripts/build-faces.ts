/**
 * Rebuilds the face fixtures in fixtures/faces/ (see fixtures/faces/README.md):
 *
 *   npx tsx packages/jpki-testkit/scripts/build-faces.ts --source-dir <folder with grace_hopper.jpg and astronaut.png>
 *
 * Sources: the two public-domain portraits (from Debian's python-matplotlib-data and python3-skimage; the folder
 * holding them is given with --source-dir, they are not in the repository) and the MIT
 * group photos shipped in @vladmandic/face-api (demo/sample*.jpg). The derived files are committed, so this
 * is only needed to change them. Deterministic: fixed crops, no randomness; the same sharp/libvips and
 * OpenJPEG versions give byte-identical output.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import sharp from "sharp";
import type { Sharp } from "sharp";
import { encodeGreyJp2 } from "@onshi-sim/jp2";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const outDir = path.join(repoRoot, "fixtures", "faces");

const JPEG_QUALITY = 80;
const SOURCE_W = 300; // 3:4 portrait, ≤ 400 px high
const SOURCE_H = 400;
const FRAME_W = 640;
const FRAME_H = 480;

type Kind = "source" | "id-jp2" | "camera" | "camera-dim" | "no-face";
interface ManifestEntry {
  file: string;
  person: string | null;
  kind: Kind;
  derivedFrom: string;
  licence: string;
  description: string;
}

interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** A portrait crop of one face in a source image; rectangles were chosen with face-api detections. */
interface PersonSpec {
  person: string;
  file: string; // absolute path of the original
  origin: string; // how the manifest names the original
  licence: string;
  /** 3:4 crop for the ID-style source photo. */
  crop: Rect;
  /**
   * Camera frames: height of the pasted photo in the 640×480 frame (dim: the harder frame). SSD MobileNet's
   * confidence jumps with face size (anchor alignment), so these were picked per person where the score is
   * high and stable against ±20 px (check-faces.ts).
   */
  cameraHeight: number;
  dimHeight: number;
  /** Whether to write <person>-id.jp2 and <person>-camera-dim.jpg (the two main portraits). */
  full: boolean;
}

function faceApiDir(): string {
  const candidates = [path.join(repoRoot, "packages", "agent", "package.json"), path.join(repoRoot, "package.json")];
  for (const from of candidates) {
    try {
      return path.dirname(createRequire(from).resolve("@vladmandic/face-api/package.json"));
    } catch {
      /* try the next */
    }
  }
  const direct = path.join(repoRoot, "node_modules", "@vladmandic", "face-api");
  if (existsSync(direct)) return direct;
  throw new Error("@vladmandic/face-api is not installed (run npm install at the repo root): its demo/sample*.jpg are needed");
}

/** Face-box based 3:4 crop: box width × `scale`, face centre at 45 % of the height, shifted inside the image. */
function portraitCrop(imgW: number, imgH: number, box: { x: number; y: number; w: number; h: number }, scale: number): Rect {
  let width = Math.round(box.w * scale);
  let height = Math.round((width * 4) / 3);
  if (height > imgH) {
    height = imgH;
    width = Math.round((height * 3) / 4);
  }
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  const left = Math.min(Math.max(0, Math.round(cx - width / 2)), imgW - width);
  const top = Math.min(Math.max(0, Math.round(cy - height * 0.45)), imgH - height);
  return { left, top, width, height };
}

async function jpeg(img: Sharp): Promise<Buffer> {
  return img.jpeg({ quality: JPEG_QUALITY, mozjpeg: true, chromaSubsampling: "4:2:0" }).toBuffer();
}

/** Colour ID-style source photo: the 3:4 crop resized to 300×400. */
async function sourcePhoto(spec: PersonSpec): Promise<Buffer> {
  return jpeg(sharp(spec.file).rotate().extract(spec.crop).resize(SOURCE_W, SOURCE_H, { fit: "fill" }).removeAlpha());
}

interface CameraLook {
  height: number; // pasted photo height in the frame
  angle: number; // degrees, clockwise
  brightness: number; // multiplier
  contrast: number; // linear a (around mid grey)
  blur: number; // gaussian sigma on the whole frame
  background: string;
  offsetX: number; // from centre
}

/**
 * A 640×480 "camera" frame: the person's crop mirrored (a selfie camera), rotated, pasted on a plain wall
 * colour, then the whole frame darkened / flattened and slightly blurred.
 */
async function cameraFrame(spec: PersonSpec, look: CameraLook): Promise<Buffer> {
  const h = look.height;
  const w = Math.round((h * 3) / 4);
  const person = await sharp(spec.file)
    .rotate()
    .extract(spec.crop)
    .resize(w, h, { fit: "fill" })
    .flop()
    .ensureAlpha()
    .png()
    .toBuffer();
  const rotated = await sharp(person)
    .rotate(look.angle, { background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer({ resolveWithObject: true });
  const rw = rotated.info.width;
  const rh = rotated.info.height;
  // Fit inside the frame if the rotation made it taller; anchor near the bottom like a seated person.
  const scale = Math.min(1, FRAME_W / rw, FRAME_H / rh);
  const pw = Math.round(rw * scale);
  const ph = Math.round(rh * scale);
  const pasted = scale < 1 ? await sharp(rotated.data).resize(pw, ph).png().toBuffer() : rotated.data;
  const left = Math.round((FRAME_W - pw) / 2 + look.offsetX);
  const top = Math.max(0, FRAME_H - ph - Math.round((FRAME_H - ph) * 0.35));
  const frame = await sharp({ create: { width: FRAME_W, height: FRAME_H, channels: 3, background: look.background } })
    .composite([{ input: pasted, left, top }])
    .png()
    .toBuffer();
  const mid = 128;
  return jpeg(
    sharp(frame)
      .linear(look.contrast * look.brightness, mid * (1 - look.contrast) * look.brightness)
      .blur(look.blur)
      .removeAlpha(),
  );
}

const CAMERA: Omit<CameraLook, "height"> = { angle: 4, brightness: 0.82, contrast: 0.95, blur: 1.0, background: "#c9c4ba", offsetX: 12 };
const CAMERA_DIM: Omit<CameraLook, "height"> = { angle: -5, brightness: 0.5, contrast: 0.8, blur: 1.4, background: "#8f8a80", offsetX: -40 };

async function noFaceFrame(samplesDir: string): Promise<Buffer> {
  // The empty staircase / railing in the left part of sample5.jpg (faces start at x≈377, y≈415 below and
  // x≈598 to the right), enlarged to 640×480 and blurred like an out-of-focus camera view.
  return jpeg(
    sharp(path.join(samplesDir, "sample5.jpg"))
      .extract({ left: 0, top: 0, width: 480, height: 360 })
      .resize(FRAME_W, FRAME_H, { fit: "fill" })
      .modulate({ brightness: 0.85 })
      .blur(2.5),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "source-dir": { type: "string" } } });
  if (!values["source-dir"]) {
    console.error("usage: build-faces.ts --source-dir <folder with grace_hopper.jpg and astronaut.png> (see fixtures/faces/README.md)");
    process.exit(2);
  }
  const portraitsDir = path.resolve(values["source-dir"]);
  if (!existsSync(portraitsDir)) {
    console.error(
      `build-faces: the source portraits directory ${portraitsDir} is missing.\n` +
        "It holds grace_hopper.jpg and astronaut.png (public domain; see fixtures/faces/README.md for where they come from).\n" +
        "The derived fixtures in fixtures/faces/ are committed; you only need this to rebuild them.",
    );
    process.exit(1);
  }
  for (const f of ["grace_hopper.jpg", "astronaut.png"]) {
    if (!existsSync(path.join(portraitsDir, f))) {
      console.error(`build-faces: ${path.join(portraitsDir, f)} is missing (see fixtures/faces/README.md)`);
      process.exit(1);
    }
  }
  const samplesDir = path.join(faceApiDir(), "demo");
  mkdirSync(outDir, { recursive: true });

  const publicDomainNavy = "public domain (US Navy photograph; via Debian python-matplotlib-data)";
  const publicDomainNasa = "public domain (NASA photograph; via Debian python3-skimage)";
  const mit = "MIT (@vladmandic/face-api demo image)";

  const people: PersonSpec[] = [
    {
      person: "grace-hopper",
      file: path.join(portraitsDir, "grace_hopper.jpg"),
      origin: "shared/faces/grace_hopper.jpg",
      licence: publicDomainNavy,
      crop: portraitCrop(512, 600, { x: 169, y: 123, w: 183, h: 205 }, 2.0),
      cameraHeight: 440,
      dimHeight: 280,
      full: true,
    },
    {
      person: "eileen-collins",
      file: path.join(portraitsDir, "astronaut.png"),
      origin: "shared/faces/astronaut.png",
      licence: publicDomainNasa,
      crop: portraitCrop(512, 512, { x: 181, y: 73, w: 83, h: 102 }, 2.9),
      cameraHeight: 400,
      dimHeight: 260,
      full: true,
    },
  ];
  // Faces in the group photos (face-api boxes at full resolution) and the crop scale that keeps exactly one
  // face in the crop and a confident detection in both the colour and the greyscale JPEG 2000 version.
  const others: Array<{ sample: number; box: { x: number; y: number; w: number; h: number }; size: [number, number]; scale: number; cameraHeight: number }> = [
    { sample: 3, box: { x: 585, y: 329, w: 199, h: 271 }, size: [1920, 1350], scale: 2.2, cameraHeight: 440 },
    { sample: 6, box: { x: 1180, y: 305, w: 188, h: 280 }, size: [1920, 1537], scale: 2.5, cameraHeight: 360 },
    { sample: 6, box: { x: 250, y: 468, w: 210, h: 291 }, size: [1920, 1537], scale: 2.5, cameraHeight: 380 },
    { sample: 1, box: { x: 414, y: 355, w: 177, h: 240 }, size: [1920, 1280], scale: 2.5, cameraHeight: 380 },
  ];
  others.forEach((o, i) => {
    people.push({
      person: `other-${i + 1}`,
      file: path.join(samplesDir, `sample${o.sample}.jpg`),
      origin: `node_modules/@vladmandic/face-api/demo/sample${o.sample}.jpg`,
      licence: mit,
      crop: portraitCrop(o.size[0], o.size[1], o.box, o.scale),
      cameraHeight: o.cameraHeight,
      dimHeight: 0,
      full: false,
    });
  });

  const manifest: ManifestEntry[] = [];
  const write = (file: string, bytes: Uint8Array, entry: Omit<ManifestEntry, "file">): void => {
    writeFileSync(path.join(outDir, file), bytes);
    manifest.push({ file, ...entry });
    console.log(`${file.padEnd(28)} ${String(bytes.length).padStart(6)} bytes`);
  };

  for (const p of people) {
    const c = p.crop;
    const cropText = `crop ${c.width}×${c.height} at (${c.left},${c.top})`;
    const source = await sourcePhoto(p);
    write(`${p.person}-source.jpg`, source, {
      person: p.person,
      kind: "source",
      derivedFrom: p.origin,
      licence: p.licence,
      description: `colour ID-style portrait, ${cropText}, resized to ${SOURCE_W}×${SOURCE_H}, JPEG q${JPEG_QUALITY}`,
    });
    if (p.full) {
      const jp2 = await encodeGreyJp2(source);
      write(`${p.person}-id.jp2`, jp2, {
        person: p.person,
        kind: "id-jp2",
        derivedFrom: `${p.person}-source.jpg`,
        licence: p.licence,
        description: "card-chip photo: greyscale JPEG 2000 (JP2), 300 px high, encodeGreyJp2 defaults",
      });
    }
    const cam = await cameraFrame(p, { ...CAMERA, height: p.cameraHeight });
    write(`${p.person}-camera.jpg`, cam, {
      person: p.person,
      kind: "camera",
      derivedFrom: p.origin,
      licence: p.licence,
      description: `640×480 camera frame: ${cropText} mirrored, rotated ${CAMERA.angle}°, ${p.cameraHeight} px high on a plain wall, brightness ×${CAMERA.brightness}, blur σ${CAMERA.blur}`,
    });
    if (p.full) {
      const dim = await cameraFrame(p, { ...CAMERA_DIM, height: p.dimHeight });
      write(`${p.person}-camera-dim.jpg`, dim, {
        person: p.person,
        kind: "camera-dim",
        derivedFrom: p.origin,
        licence: p.licence,
        description: `harder 640×480 frame: mirrored, rotated ${CAMERA_DIM.angle}°, only ${p.dimHeight} px high, brightness ×${CAMERA_DIM.brightness}, contrast ×${CAMERA_DIM.contrast}, blur σ${CAMERA_DIM.blur}`,
      });
    }
  }

  write("no-face.jpg", await noFaceFrame(samplesDir), {
    person: null,
    kind: "no-face",
    derivedFrom: "node_modules/@vladmandic/face-api/demo/sample5.jpg",
    licence: mit,
    description: "640×480 frame without a face: the empty staircase in the top-left of sample5.jpg, enlarged, darkened and blurred",
  });

  writeFileSync(path.join(outDir, "faces.json"), `${JSON.stringify({ faces: manifest }, null, 2)}\n`);
  const total = readdirSync(outDir).reduce((n, f) => n + statSync(path.join(outDir, f)).size, 0);
  console.log(`faces.json: ${manifest.length} entries; fixtures/faces/ total ${total} bytes`);
}

main().catch((err: unknown) => {
  console.error(`build-faces: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
