/**
 * `onshi-sim camera --face <image> --out file.y4m`: a still image as a Y4M video (YUV4MPEG2, 4:2:0, BT.601) for
 * Chromium's fake camera — `chromium --use-fake-device-for-media-stream --use-file-for-fake-video-capture=file.y4m`
 * — so a kiosk in that browser "sees" that face. `<image>` is a file, or a name in fixtures/faces
 * (grace-hopper-camera.jpg). Chromium loops the file; a few identical frames are enough.
 */
import { existsSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parseArgs } from "node:util";
import { FACES_DIR, y4mOfImage } from "@onshi-sim/jpki-testkit";
import { UsageError } from "./main.js";

export const CAMERA_USAGE = `onshi-sim camera --face <image> --out <file.y4m> [--width 640 --height 480 --frames 10]
  writes a still image as a Y4M video for Chromium's fake camera:
    chromium --use-fake-device-for-media-stream --use-fake-ui-for-media-stream \\
             --use-file-for-fake-video-capture=<file.y4m> http://127.0.0.1:8740/
  <image>: a JPEG/PNG file, or a name in fixtures/faces (e.g. grace-hopper-camera.jpg, no-face.jpg)
  (or choose the face on /trainer: "The face the kiosk camera sees", no browser flags needed)
`;

/** The Y4M conversion is the test kit's (the browser tests use it too). */
export { y4mOfImage } from "@onshi-sim/jpki-testkit";

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
