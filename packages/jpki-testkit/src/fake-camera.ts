/**
 * A still image as a Y4M video (YUV4MPEG2, 4:2:0, BT.601) for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`): the kiosk "sees" a fixture face. Chromium loops the file, so a few
 * identical frames are enough. Used by `onshi-sim camera` and the browser tests.
 */
import sharp from "sharp";

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
