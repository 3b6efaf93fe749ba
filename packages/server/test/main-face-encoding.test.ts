/** `npm run server -- --face-encoding sjis|utf8` (and ONSHI_SIM_FACE_ENCODING): face files as the clinic wants them. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { parseFaceEncoding } from "../src/config.js";
import { card, cardBody, FACILITY } from "./support/server-harness.js";
import { serverExit, startServerProcess, stopServerProcess, type ServerProcess } from "./support/server-process.js";

const dirs: string[] = [];
const running: ServerProcess[] = [];
afterAll(async () => {
  for (const p of running) await stopServerProcess(p, "SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "onshi-face-enc-"));
  dirs.push(d);
  return d;
};

async function faceFileOfOneReception(url: string, dataDir: string): Promise<Buffer> {
  const http = request(url);
  const c = await card("P0001");
  const n = (await http.post("/api/v1/nonces").send({ medicalInstitutionCode: FACILITY })).body.nonce as string;
  const r = await http.post("/api/v1/qualifications/card").send(cardBody(c, n));
  const done = await http.post("/api/v1/sessions/complete").send({ confirmationId: r.body.simulator.confirmationId });
  expect(done.status).toBe(200);
  const folder = join(dataDir, "server", "oqs", "face");
  return readFileSync(join(folder, readdirSync(folder).find((f) => f === done.body.faceFile)!));
}

describe("face file encoding", () => {
  it("--face-encoding sjis writes Shift_JIS face files; ONSHI_SIM_FACE_ENCODING=utf8 UTF-8", async () => {
    const sjisDir = tempDir();
    const sjis = await startServerProcess(sjisDir, ["--face-encoding", "sjis", "--quiet"]);
    running.push(sjis);
    const bytes = await faceFileOfOneReception(sjis.url, sjisDir);
    expect(bytes.toString("latin1")).toMatch(/^<\?xml version="1.0" encoding="Shift_JIS"/);
    expect(iconv.decode(bytes, "cp932")).toContain("<CharacterCodeIdentifier>1</CharacterCodeIdentifier>");
    expect(iconv.decode(bytes, "cp932")).toContain("山田 太郎");
    await stopServerProcess(sjis);

    const utfDir = tempDir();
    const utf = await startServerProcess(utfDir, ["--quiet"], { ONSHI_SIM_FACE_ENCODING: "utf8" });
    running.push(utf);
    const text = (await faceFileOfOneReception(utf.url, utfDir)).toString("utf8");
    expect(text).toMatch(/encoding="UTF-8"/);
    expect(text).toContain("山田 太郎");
    await stopServerProcess(utf);
  }, 60_000);

  it("anything else is refused at start with what is allowed", async () => {
    const out = await serverExit(tempDir(), ["--face-encoding", "latin1"]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain("face encoding must be sjis or utf8");
    expect(["sjis", "Shift_JIS", "shift-jis", "cp932"].map(parseFaceEncoding)).toEqual(["1", "1", "1", "1"]);
    expect(["utf8", "UTF-8"].map(parseFaceEncoding)).toEqual(["0", "0"]);
  });
});
