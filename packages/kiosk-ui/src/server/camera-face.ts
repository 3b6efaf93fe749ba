/**
 * The face the kiosk's camera "sees", chosen on /trainer: a fixture face (fixtures/faces: *-camera*.jpg, no-face.jpg)
 * or a photo the trainer uploads. The kiosk's face screen then sends this image as its frames instead of the
 * webcam's, so a class can show a match, a mismatch or no face without a real person in front of a camera.
 *
 *   GET    /ui/camera-faces       { faces: [{ name }], current: { name, source } | null }
 *   POST   /ui/camera-face        JSON { face: "<fixture name>" } | { image: "<base64 JPEG/PNG>", name? } | { face: null }
 *                                 or multipart/form-data with one file field "image" (≤ MAX_CAMERA_FACE_BYTES)
 *   GET    /ui/camera-face/image  the chosen image (404 when the real camera is used)
 *
 * Kept in memory only (a restart goes back to the real camera). An upload must be a JPEG or PNG (magic bytes),
 * at most MAX_CAMERA_FACE_BYTES; the UI server's Host/Origin checks apply as to every route.
 */
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import { z } from "zod";

export const MAX_CAMERA_FACE_BYTES = 2 * 1024 * 1024;

export interface CameraFace {
  readonly name: string;
  readonly source: "fixture" | "upload";
  readonly type: "image/jpeg" | "image/png";
  readonly bytes: Buffer;
}

const FIXTURE_NAME = /^[a-z0-9-]+\.jpg$/;
const ChooseFace = z.union([
  z.strictObject({ face: z.string().regex(FIXTURE_NAME).nullable() }),
  z.strictObject({ image: z.string().min(8).max(Math.ceil((MAX_CAMERA_FACE_BYTES * 4) / 3) + 4).regex(/^[A-Za-z0-9+/]+={0,2}$/), name: z.string().max(100).optional() }),
]);

export class CameraFaceError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export function imageType(bytes: Uint8Array): CameraFace["type"] | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  return undefined;
}

/** The fixture faces a camera could see (not the ID photos, not the sources the cards were made from). */
export function fixtureCameraFaces(dir = FACES_DIR): string[] {
  return readdirSync(dir)
    .filter((n) => FIXTURE_NAME.test(n) && (n.includes("-camera") || n === "no-face.jpg"))
    .sort();
}

export class CameraFaceStore {
  #current: CameraFace | null = null;
  constructor(readonly facesDir = FACES_DIR) {}

  get current(): CameraFace | null {
    return this.#current;
  }

  view() {
    return { faces: fixtureCameraFaces(this.facesDir).map((name) => ({ name })), current: this.#current && { name: this.#current.name, source: this.#current.source } };
  }

  /** A JSON body (see the top of this file). Throws CameraFaceError. */
  async chooseJson(body: unknown): Promise<void> {
    const parsed = ChooseFace.safeParse(body);
    if (!parsed.success) throw new CameraFaceError(400, "UI-CAMERA-FACE", "send { face: <fixture name> | null } or { image: <base64 JPEG or PNG> }");
    const v = parsed.data;
    if ("face" in v) {
      if (v.face === null) {
        this.#current = null;
        return;
      }
      if (!fixtureCameraFaces(this.facesDir).includes(v.face)) throw new CameraFaceError(404, "UI-CAMERA-FACE", `no camera face ${v.face} in fixtures/faces`);
      this.#current = { name: v.face, source: "fixture", type: "image/jpeg", bytes: await readFile(join(this.facesDir, v.face)) };
      return;
    }
    this.upload(Buffer.from(v.image, "base64"), v.name ?? "upload");
  }

  /** Raw image bytes (decoded from base64 or taken from a multipart part). Throws CameraFaceError. */
  upload(bytes: Buffer, name: string): void {
    if (bytes.length > MAX_CAMERA_FACE_BYTES) throw new CameraFaceError(413, "UI-TOO-LARGE", `a camera face is at most ${MAX_CAMERA_FACE_BYTES} bytes`);
    const type = imageType(bytes);
    if (!type) throw new CameraFaceError(415, "UI-CAMERA-FACE", "a camera face must be a JPEG or PNG image");
    this.#current = { name: name.replace(/[^\w.\- ]/g, "_").slice(0, 100) || "upload", source: "upload", type, bytes };
  }
}

/**
 * The one file of a multipart/form-data body (field "image"). Small and strict: one boundary from the header,
 * the first part named image; anything else is refused.
 */
export function multipartImage(body: Buffer, contentType: string): { bytes: Buffer; name: string } {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b || b.length > 70) throw new CameraFaceError(400, "UI-CAMERA-FACE", "multipart body without a boundary");
  const delimiter = Buffer.from(`--${b}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (next === -1) break;
    const part = body.subarray(at + delimiter.length + 2, next - 2); // skip CRLF after the delimiter, before the next
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString("utf8");
      if (/content-disposition:[^\r\n]*name="image"/i.test(headers)) {
        const name = /filename="([^"]*)"/i.exec(headers)?.[1] ?? "upload";
        return { bytes: Buffer.from(part.subarray(headerEnd + 4)), name };
      }
    }
    at = next;
  }
  throw new CameraFaceError(400, "UI-CAMERA-FACE", 'multipart body without a file field "image"');
}
