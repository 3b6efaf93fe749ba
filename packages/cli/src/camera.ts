/**
 * `onshi-sim camera --face <image> --out file.y4m`: a still image as a Y4M video (YUV4MPEG2, 4:2:0, BT.601) for
 * Chromium's fake camera — `chromium --use-fake-device-for-media-stream --use-file-for-fake-video-capture=file.y4m`
 * — so a kiosk in that browser "sees" that face. `<image>` is a file, or a name in fixtures/faces
 * (grace-hopper-camera.jpg). Chromium loops the file; a few identical frames are enough.
 */
import { existsSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import { UsageError } from "./main.js";

export const CAMERA_USAGE = `onshi-sim camera --face <image> --out <file.y4m> [--width 640 --height 480 --frames 10]
  writes a still image as a Y4M video for Chromium's fake camera:
    chromium --use-fake-device-for-media-stream --use-fake-ui-for-media-stream \\
             --use-file-for-fake-video-capture=<file.y4m> http://127.0.0.1:8740/
  <image>: a JPEG/PNG file, or a name in fixtures/faces (e.g. grace-hopper-camera.jpg, no-face.jpg)
  (or choose the face on /trainer: "The face the kiosk camera sees", no browser flags needed)
`;

const clamp = (n: number) => Math.max(0, Math.min(255, Math.round(n)));

/** The Y4M bytes of `image` scaled to cover width×height (even numbers: 4:2:0 halves both). */
export async function y4mOfImage(image: string | Uint8Array, width = 640, height = 480, frames = 10): Promise<Buffer> {
  if (width % 2 || height % 2) throw new RangeError("width and height must be even (4:2:0)");
  const { data } = await sharp(image).resize(width, height, { fit: "cover" }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const p = (j * width + i) * 3;
      const r = data[p]!;
      const g = data[p + 1]!;
      const b = data[p + 2]!;
      y[j * width + i] = clamp(0.257 * r + 0.504 * g + 0.098 * b + 16);
      if (j % 2 === 0 && i % 2 === 0) {
        const q = (j / 2) * (width / 2) + i / 2;
        u[q] = clamp(-0.148 * r - 0.291 * g + 0.439 * b + 128);
        v[q] = clamp(0.439 * r - 0.368 * g - 0.071 * b + 128);
      }
    }
  }
  const frame = Buffer.concat([Buffer.from("FRAME\n"), y, u, v]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: frames }, () => frame)]);
}

export function faceImageFile(name: string): string {
  if (isAbsolute(name) || name.includes("/") || existsSync(name)) return name;
  return join(FACES_DIR, name);
}

export async function runCamera(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      face: { type: "string" },
      out: { type: "string" },
      width: { type: "string", default: "640" },
      height: { type: "string", default: "480" },
      frames: { type: "string", default: "10" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    out.write(CAMERA_USAGE);
    return 0;
  }
  if (!values.face || !values.out) throw new UsageError(`camera needs --face and --out\n\n${CAMERA_USAGE}`);
  const file = faceImageFile(values.face);
  if (!existsSync(file)) throw new UsageError(`no image ${values.face} (a file, or a name in fixtures/faces)`);
  const [w, h, n] = [Number(values.width), Number(values.height), Number(values.frames)];
  if (![w, h, n].every((x) => Number.isInteger(x) && x > 0 && x <= 4096)) throw new UsageError("--width, --height and --frames are whole numbers (1–4096)");
  writeFileSync(values.out, await y4mOfImage(file, w, h, Math.min(n, 100)));
  out.write(`${values.out}: ${w}×${h}, ${Math.min(n, 100)} frames of ${file}\n  chromium --use-fake-device-for-media-stream --use-file-for-fake-video-capture=${values.out}\n`);
  return 0;
}
