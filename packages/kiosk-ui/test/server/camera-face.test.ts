/**
 * /ui/camera-face: the face the kiosk camera sees, chosen on /trainer — a fixture face, a JSON/base64 upload or a
 * multipart one (only from this UI's own page), size- and type-checked; another site's page changes nothing.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKioskUi } from "../../src/server/static.js";
import { MAX_CAMERA_FACE_BYTES } from "../../src/server/camera-face.js";

let http: Server;
let base: string;
beforeAll(async () => {
  const ui = createKioskUi({ agentUrl: "http://127.0.0.1:8742", agentToken: "t", serverUrl: "http://127.0.0.1:9" });
  http = createHttpServer(ui.handler);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
});

const post = (body: string, headers: Record<string, string>) => fetch(`${base}/ui/camera-face`, { method: "POST", headers, body });
const jpeg = readFileSync(join(FACES_DIR, "grace-hopper-camera.jpg"));

describe("/ui/camera-face", () => {
  it("lists the fixture camera faces, sets one, serves it, and goes back to the real camera", async () => {
    const list = (await (await fetch(`${base}/ui/camera-faces`)).json()) as { faces: { name: string }[]; current: unknown };
    expect(list.faces.map((f) => f.name)).toContain("grace-hopper-camera.jpg");
    expect(list.faces.map((f) => f.name)).not.toContain("grace-hopper-source.jpg");
    expect(list.current).toBe(null);
    expect((await fetch(`${base}/ui/camera-face/image`)).status).toBe(404);
    const set = await post(JSON.stringify({ face: "no-face.jpg" }), { "content-type": "application/json" });
    expect(set.status).toBe(200);
    const image = await fetch(`${base}/ui/camera-face/image`);
    expect(image.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await image.arrayBuffer()).equals(readFileSync(join(FACES_DIR, "no-face.jpg")))).toBe(true);
    expect((await post(JSON.stringify({ face: "../cards/x.jpg" }), { "content-type": "application/json" })).status).toBe(400);
    expect((await post(JSON.stringify({ face: "nobody.jpg" }), { "content-type": "application/json" })).status).toBe(404);
    expect((await post(JSON.stringify({ face: null }), { "content-type": "application/json" })).status).toBe(200);
    expect((await fetch(`${base}/ui/camera-face/image`)).status).toBe(404);
  });

  it("takes an uploaded photo as base64 JSON, or multipart from its own page only; refuses non-images and big ones", async () => {
    expect((await post(JSON.stringify({ image: jpeg.toString("base64"), name: "me.jpg" }), { "content-type": "application/json" })).status).toBe(200);
    expect(((await (await fetch(`${base}/ui/camera-faces`)).json()) as { current: { source: string } }).current.source).toBe("upload");
    expect((await post(JSON.stringify({ image: Buffer.from("not an image at all").toString("base64") }), { "content-type": "application/json" })).status).toBe(415);
    const big = Buffer.alloc(MAX_CAMERA_FACE_BYTES + 10, 0xff);
    expect((await post(JSON.stringify({ image: big.toString("base64") }), { "content-type": "application/json" })).status).toBeGreaterThanOrEqual(400);

    const form = new FormData();
    form.append("image", new Blob([jpeg], { type: "image/jpeg" }), "class.jpg");
    // Without an Origin (not a page) or from another site: refused, as any non-JSON write is.
    expect((await fetch(`${base}/ui/camera-face`, { method: "POST", body: form })).status).toBe(415);
    expect((await fetch(`${base}/ui/camera-face`, { method: "POST", body: form, headers: { origin: "http://evil.example" } })).status).toBe(403);
    const own = await fetch(`${base}/ui/camera-face`, { method: "POST", body: form, headers: { origin: base } });
    expect(own.status).toBe(200);
    expect(((await own.json()) as { current: { name: string } }).current.name).toBe("class.jpg");
  });
});
