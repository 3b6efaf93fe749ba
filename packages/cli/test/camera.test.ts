/** `onshi-sim camera`: a face as Y4M for Chromium's fake camera; and `start --help` lists every option of start. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCamera, y4mOfImage } from "../src/camera.js";
import { readersOption, START_USAGE } from "../src/start.js";
import { main } from "../src/main.js";

const dir = mkdtempSync(join(tmpdir(), "onshi-camera-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sink = () => {
  let text = "";
  return { stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream, text: () => text };
};

describe("onshi-sim camera", () => {
  it("writes a YUV4MPEG2 4:2:0 file of a fixture face, frame by frame", async () => {
    const out = join(dir, "face.y4m");
    const said = sink();
    expect(await runCamera(["--face", "grace-hopper-camera.jpg", "--out", out, "--frames", "3"], said.stream)).toBe(0);
    const bytes = readFileSync(out);
    const header = "YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n";
    expect(bytes.subarray(0, header.length).toString()).toBe(header);
    expect(bytes.length).toBe(header.length + 3 * (6 + 640 * 480 * 1.5));
    expect(said.text()).toContain("--use-file-for-fake-video-capture=");
    await expect(y4mOfImage(join("/nonexistent", "x.jpg"))).rejects.toThrow();
    expect(await main(["camera", "--face", "nobody.jpg", "--out", out])).toBe(2);
  });
});

describe("onshi-sim start --help", () => {
  it("names every option of start, and which readers to watch", () => {
    for (const option of ["--ui-port", "--agent-port", "--server-port", "--no-server", "--reseed", "--no-face", "--readers", "--no-pcsc", "--host", "--allowed-host", "--exit-when-ready", "--help"]) {
      expect(START_USAGE, option).toContain(option);
    }
    expect(readersOption(undefined, true)).toEqual(["memory"]);
    expect(readersOption("memory", false)).toEqual(["memory"]);
    expect(readersOption("pcsc,memory", false)).toEqual(["pcsc", "memory"]);
    expect(() => readersOption("usb", false)).toThrow(/pcsc or memory/);
  });
});
