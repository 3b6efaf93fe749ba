import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeJp2, encodeGreyJp2, isJp2, jp2ToPng } from "../src/jp2.js";

const facesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "fixtures", "faces");
const source = path.join(facesDir, "grace-hopper-source.jpg");

interface ManifestEntry {
  file: string;
  person: string | null;
  kind: "source" | "id-jp2" | "camera" | "camera-dim" | "no-face";
  derivedFrom: string;
  licence: string;
}
const manifest = JSON.parse(readFileSync(path.join(facesDir, "faces.json"), "utf8")) as { faces: ManifestEntry[] };

/** The codestream inside a JP2 file (our files: the jp2c box is the last box). */
function codestreamOf(jp2: Uint8Array): Uint8Array {
  let off = 0;
  while (off + 8 <= jp2.length) {
    const len = new DataView(jp2.buffer, jp2.byteOffset + off).getUint32(0);
    const type = String.fromCharCode(...jp2.subarray(off + 4, off + 8));
    if (type === "jp2c") return jp2.subarray(off + 8, off + len);
    off += len;
  }
  throw new Error("no jp2c box");
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

describe("isJp2", () => {
  it("recognises the JP2 signature box and a raw J2K codestream", async () => {
    const jp2 = await encodeGreyJp2(source);
    expect(isJp2(jp2)).toBe(true);
    expect(isJp2(codestreamOf(jp2))).toBe(true);
  });
  it("rejects other data", () => {
    expect(isJp2(new Uint8Array())).toBe(false);
    expect(isJp2(Uint8Array.of(0xff, 0x4f))).toBe(false);
    expect(isJp2(Uint8Array.of(0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50))).toBe(false);
    expect(isJp2(readFileSync(source))).toBe(false); // JPEG
    expect(isJp2(new TextEncoder().encode("not an image at all"))).toBe(false);
  });
});

describe("encodeGreyJp2 / decodeJp2", () => {
  it("round-trips a fixture photo: greyscale, 300 px high, within maxBytes, close to the original", async () => {
    const jp2 = await encodeGreyJp2(source);
    expect(jp2.length).toBeLessThanOrEqual(16_000);
    expect(jp2.length).toBeGreaterThan(2_000);
    const img = await decodeJp2(jp2);
    expect(img).toMatchObject({ width: 225, height: 300, channels: 1 });
    expect(img.pixels.length).toBe(225 * 300);
    const ref = await sharp(source).resize({ height: 300 }).toColourspace("b-w").raw().toBuffer();
    expect(psnr(img.pixels, ref)).toBeGreaterThan(28);
  });

  it("accepts bytes as well as a path, and is deterministic", async () => {
    const a = await encodeGreyJp2(source);
    const b = await encodeGreyJp2(readFileSync(source));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("lowers the quality until the file fits maxBytes", async () => {
    for (const maxBytes of [8_000, 3_000, 1_200]) {
      const jp2 = await encodeGreyJp2(source, { maxBytes });
      expect(jp2.length).toBeLessThanOrEqual(maxBytes);
      expect((await decodeJp2(jp2)).height).toBe(300);
    }
  });

  it("throws a clear error when the photo cannot fit", async () => {
    await expect(encodeGreyJp2(source, { maxBytes: 100 })).rejects.toThrow(/cannot fit .* into 100 bytes/);
  });

  it("honours the height option and flattens colour + alpha input to one grey channel", async () => {
    const png = await sharp({ create: { width: 90, height: 160, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 0.5 } } })
      .png()
      .toBuffer();
    const img = await decodeJp2(await encodeGreyJp2(png, { height: 120 }));
    expect(img).toMatchObject({ width: 68, height: 120, channels: 1 });
    const small = await decodeJp2(await encodeGreyJp2(source, { height: 16 }));
    expect(small).toMatchObject({ height: 16, channels: 1 });
  });

  it("decodes a raw J2K codestream too", async () => {
    const img = await decodeJp2(codestreamOf(await encodeGreyJp2(source, { height: 100 })));
    expect(img).toMatchObject({ width: 75, height: 100, channels: 1 });
  });

  it("jp2ToPng gives an RGB PNG of the same size and pixels", async () => {
    const jp2 = await encodeGreyJp2(source);
    const png = await jp2ToPng(jp2);
    expect(Buffer.from(png.subarray(0, 8)).toString("hex")).toBe("89504e470d0a1a0a");
    const meta = await sharp(png).metadata();
    expect(meta).toMatchObject({ format: "png", width: 225, height: 300, channels: 3 });
    const rgb = await sharp(png).raw().toBuffer();
    const grey = (await decodeJp2(jp2)).pixels;
    for (const i of [0, 1000, 30000, grey.length - 1]) expect([rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]]).toEqual([grey[i], grey[i], grey[i]]);
  });

  it("rejects bad options", async () => {
    await expect(encodeGreyJp2(source, { height: 0 })).rejects.toThrow(RangeError);
    await expect(encodeGreyJp2(source, { maxBytes: -1 })).rejects.toThrow(RangeError);
  });
});

describe("bad input gives a clear Error, never a crash", () => {
  it("encodeGreyJp2: not an image, empty, missing file", async () => {
    await expect(encodeGreyJp2(new TextEncoder().encode("garbage garbage"))).rejects.toThrow(/encodeGreyJp2: cannot read the input image/);
    await expect(encodeGreyJp2(new Uint8Array())).rejects.toThrow(/empty input/);
    await expect(encodeGreyJp2(path.join(facesDir, "does-not-exist.jpg"))).rejects.toThrow(/cannot read the input image/);
  });

  it("decodeJp2: garbage and other formats", async () => {
    await expect(decodeJp2(new Uint8Array())).rejects.toThrow(/empty input/);
    await expect(decodeJp2(new TextEncoder().encode("garbage garbage"))).rejects.toThrow(/not a JPEG 2000 image/);
    await expect(decodeJp2(readFileSync(source))).rejects.toThrow(/not a JPEG 2000 image/);
  });

  it("decodeJp2: truncated JP2 files and codestreams", async () => {
    const jp2 = await encodeGreyJp2(source);
    const cs = codestreamOf(jp2);
    for (const cut of [4, 11, 30, 60, 100, 1_000, jp2.length >> 1, jp2.length - 2, jp2.length - 1]) {
      await expect(decodeJp2(jp2.subarray(0, cut)), `JP2 cut at ${cut}`).rejects.toThrow(/decodeJp2: .*truncated/);
    }
    for (const cut of [10, 44, 500, cs.length - 1]) {
      await expect(decodeJp2(cs.subarray(0, cut)), `J2K cut at ${cut}`).rejects.toThrow(/decodeJp2: .*truncated/);
    }
  });

  it("decodeJp2: corrupted data rejects or decodes, and the codec keeps working", async () => {
    const jp2 = await encodeGreyJp2(source, { maxBytes: 3_000 });
    let seed = 42;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 300; i++) {
      const bad = jp2.slice();
      for (let k = 0; k < 1 + Math.floor(rnd() * 6); k++) bad[Math.floor(rnd() * (bad.length - 2))] = Math.floor(rnd() * 256);
      try {
        const img = await decodeJp2(bad);
        expect(img.pixels.length).toBe(img.width * img.height * img.channels);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
        expect((err as Error).message).toMatch(/^decodeJp2: /);
      }
    }
    expect((await decodeJp2(jp2)).height).toBe(300);
  });
});

describe("face fixtures (fixtures/faces/faces.json)", () => {
  it("lists files that exist, with provenance", () => {
    expect(manifest.faces.length).toBeGreaterThanOrEqual(10);
    for (const f of manifest.faces) {
      expect(existsSync(path.join(facesDir, f.file)), f.file).toBe(true);
      expect(["source", "id-jp2", "camera", "camera-dim", "no-face"]).toContain(f.kind);
      expect(f.derivedFrom.length).toBeGreaterThan(0);
      expect(f.licence).toMatch(/public domain|MIT/);
      expect(f.person === null).toBe(f.kind === "no-face");
    }
  });

  it("has a source, an id photo, a camera and a dim camera frame for the two main people", () => {
    for (const person of ["grace-hopper", "eileen-collins"]) {
      const kinds = manifest.faces.filter((f) => f.person === person).map((f) => f.kind).sort();
      expect(kinds).toEqual(["camera", "camera-dim", "id-jp2", "source"]);
    }
    expect(manifest.faces.filter((f) => f.person?.startsWith("other-") && f.kind === "camera").length).toBeGreaterThanOrEqual(3);
    expect(manifest.faces.filter((f) => f.kind === "no-face").length).toBe(1);
  });

  it("every id-jp2 decodes to a greyscale ~300 px photo within 16 KB", async () => {
    const ids = manifest.faces.filter((f) => f.kind === "id-jp2");
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const f of ids) {
      const bytes = readFileSync(path.join(facesDir, f.file));
      expect(isJp2(bytes), f.file).toBe(true);
      expect(bytes.length).toBeLessThanOrEqual(16_000);
      const img = await decodeJp2(bytes);
      expect(img.channels).toBe(1);
      expect(img.height).toBe(300);
      expect(img.width / img.height).toBeCloseTo(0.75, 1);
    }
  });

  it("camera frames are 640×480 JPEGs, sources ≤ 400 px high, and the set stays small", async () => {
    for (const f of manifest.faces.filter((e) => e.kind !== "id-jp2")) {
      const meta = await sharp(path.join(facesDir, f.file)).metadata();
      expect(meta.format, f.file).toBe("jpeg");
      if (f.kind === "source") expect(meta.height).toBeLessThanOrEqual(400);
      else expect([meta.width, meta.height], f.file).toEqual([640, 480]);
    }
    const total = readdirSync(facesDir).reduce((n, f) => n + statSync(path.join(facesDir, f)).size, 0);
    expect(total).toBeLessThan(1_000_000);
  });
});
