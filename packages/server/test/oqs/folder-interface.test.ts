import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, linkSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import iconv from "iconv-lite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { OqsFolders } from "../../src/config.js";
import { OqsFolderInterface, type FolderInterfaceOptions } from "../../src/oqs/folder-interface.js";
import type { OqsProcessor } from "../../src/oqs/oqs-processor.js";
import { startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  // A short quiet period keeps these tests quick; every file below is dropped whole (written, then renamed in).
  h = await startHarness({ watchFolders: true, rescanMs: 100, folderQuietMs: 50 });
});
afterAll(async () => {
  await h.close();
});

function requestXml(o: { encoding?: "UTF-8" | "Shift_JIS"; code?: "0" | "1"; symbol?: string; number?: string; birth?: string; date?: string; extra?: string; limit?: "0" | "1" } = {}): string {
  return `<?xml version="1.0" encoding="${o.encoding ?? "UTF-8"}"?>
<XmlMsg>
  <MessageHeader>
    <QualificationConfirmationDate>${o.date ?? "20261122"}</QualificationConfirmationDate>
    <MedicalInstitutionCode>1311234567</MedicalInstitutionCode>
    <ArbitraryFileIdentifier>受付-0001</ArbitraryFileIdentifier>
    <CharacterCodeIdentifier>${o.code ?? "0"}</CharacterCodeIdentifier>
  </MessageHeader>
  <MessageBody>
    <QualificationConfirmSearchInfo>
      <InsurerNumber>01130012</InsurerNumber>
      <InsuredCardSymbol>${o.symbol ?? "13010001"}</InsuredCardSymbol>
      <InsuredIdentificationNumber>${o.number ?? "101"}</InsuredIdentificationNumber>
      <InsuredBranchNumber>01</InsuredBranchNumber>
      <Birthdate>${o.birth ?? "19820914"}</Birthdate>
      ${o.limit ? `<LimitApplicationCertificateRelatedConsFlg>${o.limit}</LimitApplicationCertificateRelatedConsFlg>` : ""}${o.extra ?? ""}
    </QualificationConfirmSearchInfo>
  </MessageBody>
</XmlMsg>
`;
}

async function waitFor(path: string, timeoutMs = 5000): Promise<Buffer> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (existsSync(path)) return readFileSync(path);
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${path}`);
}

const f = () => h.server.folders.folders;

/** Drops a request the way a careful writer does: written under a name the interface ignores, then renamed in. */
let drops = 0;
function drop(dir: string, name: string, content: string | Buffer): void {
  const tmp = join(dir, `.drop-${++drops}.writing`);
  writeFileSync(tmp, content);
  renameSync(tmp, join(dir, name));
}
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe("folder interface (連携アプリ stand-in)", () => {
  it("answers a UTF-8 request in res and removes the request", async () => {
    drop(f().req, "OQSsiquc01req_utf8.xml", requestXml());
    const bytes = await waitFor(join(f().res, "OQSsiquc01res_utf8.xml"));
    const xml = bytes.toString("utf8");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"/);
    expect(tag(xml, "SegmentOfResult")).toBe("1");
    expect(tag(xml, "QualificationValidity")).toBe("1");
    expect(tag(xml, "ReferenceClassification")).toBe("2");
    expect(tag(xml, "ArbitraryFileIdentifier")).toBe("受付-0001");
    expect(tag(xml, "Name")).toBe("山田 花子");
    expect(tag(xml, "NameKana")).toBe("ﾔﾏﾀﾞ ﾊﾅｺ");
    expect(existsSync(join(f().req, "OQSsiquc01req_utf8.xml"))).toBe(false);
  });

  it("answers Shift_JIS with Shift_JIS when CharacterCodeIdentifier is 1", async () => {
    drop(f().req, "OQSsiquc01req_sjis.xml", iconv.encode(requestXml({ encoding: "Shift_JIS", code: "1" }), "cp932"));
    const bytes = await waitFor(join(f().res, "OQSsiquc01res_sjis.xml"));
    expect(() => new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toThrow();
    const xml = iconv.decode(bytes, "cp932");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="Shift_JIS"/);
    expect(tag(xml, "CharacterCodeIdentifier")).toBe("1");
    expect(tag(xml, "Name")).toBe("山田 花子");
    expect(tag(xml, "InsurerName")).toBe("全国健康保険協会 東京支部");
    expect(tag(xml, "ArbitraryFileIdentifier")).toBe("受付-0001");
  });

  it("a UTF-8 request may ask for a Shift_JIS answer (and the reverse)", async () => {
    drop(f().req, "OQSsiquc01req_mixed.xml", requestXml({ code: "1" }));
    const xml = iconv.decode(await waitFor(join(f().res, "OQSsiquc01res_mixed.xml")), "cp932");
    expect(tag(xml, "Name")).toBe("山田 花子");
  });

  it("a corrupt request gets a SegmentOfResult 9 result, is moved to error, and the watcher goes on", async () => {
    drop(f().req, "OQSsiquc01req_corrupt.xml", Buffer.from([0x3c, 0x58, 0x6d, 0x6c, 0xff, 0xfe, 0x00, 0x01, 0x3c, 0x2f]));
    const xml = (await waitFor(join(f().res, "OQSsiquc01res_corrupt.xml"))).toString("utf8");
    expect(tag(xml, "SegmentOfResult")).toBe("9");
    expect(tag(xml, "ErrorCode")).toMatch(/^S90[35]$/);
    await waitFor(join(f().error, "OQSsiquc01req_corrupt.xml"));
    expect(existsSync(join(f().req, "OQSsiquc01req_corrupt.xml"))).toBe(false);

    drop(f().req, "OQSsiquc01req_truncated.xml", requestXml().slice(0, 200));
    expect(tag((await waitFor(join(f().res, "OQSsiquc01res_truncated.xml"))).toString("utf8"), "ErrorCode")).toBe("S903");

    drop(f().req, "OQSsiquc01req_after.xml", requestXml());
    expect(tag((await waitFor(join(f().res, "OQSsiquc01res_after.xml"))).toString("utf8"), "QualificationValidity")).toBe("1");
  });

  it("invalid fields (S904, with the element path) and an undeclared encoding (S905)", async () => {
    drop(f().req, "OQSsiquc01req_badfield.xml", requestXml({ birth: "1982-09-14", extra: "<Colour>red</Colour>" }));
    const xml = (await waitFor(join(f().res, "OQSsiquc01res_badfield.xml"))).toString("utf8");
    expect(tag(xml, "ErrorCode")).toBe("S904");
    expect(tag(xml, "ErrorMessage")).toContain("Birthdate");
    expect(tag(xml, "ErrorMessage")).toContain("Colour");
    drop(f().req, "OQSsiquc01req_sjis-undeclared.xml", iconv.encode(requestXml({ symbol: "東京" }), "cp932"));
    const sj = (await waitFor(join(f().res, "OQSsiquc01res_sjis-undeclared.xml"))).toString("utf8");
    expect(tag(sj, "ErrorCode")).toBe("S905");
    drop(f().req, "OQSsiquc01req_mynumber.xml", requestXml({ number: "123456789018" }));
    expect(tag((await waitFor(join(f().res, "OQSsiquc01res_mynumber.xml"))).toString("utf8"), "ErrorCode")).toBe("S904");
    for (const name of ["OQSsiquc01req_badfield.xml", "OQSsiquc01req_sjis-undeclared.xml", "OQSsiquc01req_mynumber.xml"]) await waitFor(join(f().error, name));
  });

  it("many requests at once are all answered; other files are left alone", async () => {
    drop(f().req, "notes.txt", "not a request");
    for (let i = 0; i < 25; i++) drop(f().req, `OQSsiquc01req_batch${i}.xml`, requestXml({ date: "20250101" }));
    for (let i = 0; i < 25; i++) expect(tag((await waitFor(join(f().res, `OQSsiquc01res_batch${i}.xml`))).toString("utf8"), "QualificationConfirmationDate")).toBe("20250101");
    expect(existsSync(join(f().req, "notes.txt"))).toBe(true);
  });

  it("a file the watcher missed is found by the rescan", async () => {
    await h.server.folders.stop();
    drop(f().req, "OQSsiquc01req_missed.xml", requestXml());
    await h.server.folders.start();
    expect(tag((await waitFor(join(f().res, "OQSsiquc01res_missed.xml"))).toString("utf8"), "QualificationValidity")).toBe("1");
  });
});

/** The quiet period and retry back-off run on this clock, so these tests move time instead of waiting for it. */
class ManualClock {
  ms = 0;
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

const running: OqsFolderInterface[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((fi) => fi.stop()));
});

/** A folder interface of its own (fresh folders) in front of the harness server's real processor and database. */
async function ownInterface(o: Partial<FolderInterfaceOptions> = {}, prepare?: (folders: OqsFolders) => void) {
  const root = mkdtempSync(join(h.dir, "folders-"));
  const folders: OqsFolders = { req: join(root, "req"), res: join(root, "res"), face: join(root, "face"), error: join(root, "error") };
  const clock = new ManualClock();
  const logs: string[] = [];
  const fi = new OqsFolderInterface({ folders, processor: h.server.context.oqs, rescanMs: 3_600_000, quietMs: 1000, clock: clock.now, log: (l) => logs.push(l), ...o });
  await fi.ensureFolders();
  prepare?.(folders);
  running.push(fi);
  await fi.start();
  return { fi, folders, clock, logs };
}

/** mknod needs root (CAP_MKNOD); elsewhere the device case is skipped (FIFOs take the same path). */
function canMakeDevices(): boolean {
  const dir = mkdtempSync(join(tmpdir(), "onshi-mknod-"));
  try {
    return spawnSync("mknod", [join(dir, "probe"), "c", "1", "3"]).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const read = (path: string) => readFileSync(path, "utf8");
const enoent = (path: string) => !existsSync(path) && (() => { try { lstatSync(path); return false; } catch { return true; } })();

describe("folder interface: nothing is lost, nothing unsafe is read", () => {
  it("a request written in two halves with a pause between is taken only once whole (quiet period)", async () => {
    const { fi, folders, clock } = await ownInterface({ quietMs: 1000 });
    const path = join(folders.req, "OQSsiquc01req_halves.xml");
    const xml = requestXml();
    writeFileSync(path, xml.slice(0, 300));
    // The writer wrote the first half a while ago and has paused: the file's age says nothing about whether it is done.
    utimesSync(path, new Date(Date.now() - 5000), new Date(Date.now() - 5000));
    await fi.scan();
    clock.advance(900);
    await fi.scan();
    expect(existsSync(join(folders.res, "OQSsiquc01res_halves.xml"))).toBe(false);
    appendFileSync(path, xml.slice(300));
    clock.advance(200); // past the first sighting's quiet period, but the file changed since
    await fi.scan();
    expect(existsSync(join(folders.res, "OQSsiquc01res_halves.xml"))).toBe(false);
    clock.advance(1000);
    await fi.scan();
    const res = read(join(folders.res, "OQSsiquc01res_halves.xml"));
    expect(tag(res, "SegmentOfResult")).toBe("1");
    expect(tag(res, "QualificationValidity")).toBe("1");
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(folders.error)).toEqual([]);
  });

  it("a request whose name is as long as the file system allows is answered (the temporary name is short)", async () => {
    const suffix = "x".repeat(255 - "OQSsiquc01req_.xml".length);
    drop(f().req, `OQSsiquc01req_${suffix}.xml`, requestXml());
    expect(tag((await waitFor(join(f().res, `OQSsiquc01res_${suffix}.xml`))).toString("utf8"), "QualificationValidity")).toBe("1");
    expect(readdirSync(f().error).filter((n) => n.includes(suffix))).toEqual([]);
  });

  it("a full disk: the request stays in req, no half answer is left, and it is answered once there is room", async () => {
    let full = true;
    const calls: string[] = [];
    const { fi, folders, clock, logs } = await ownInterface({
      quietMs: 0,
      writeFile: async (path, bytes) => {
        calls.push(path);
        if (!full) return writeFileSync(path, bytes);
        writeFileSync(path, bytes.subarray(0, 10)); // the disk fills part-way through the write
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
      },
    });
    const path = join(folders.req, "OQSsiquc01req_full.xml");
    drop(folders.req, "OQSsiquc01req_full.xml", requestXml());
    await fi.scan();
    expect(calls.length).toBe(1);
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(folders.res)).toEqual([]);
    expect(readdirSync(folders.error)).toEqual([]);
    expect(logs.join("\n")).toMatch(/ENOSPC.*stays in req/);
    await fi.scan(); // the back-off has not passed: no new attempt
    expect(calls.length).toBe(1);
    full = false;
    clock.advance(60_000);
    await fi.scan();
    expect(tag(read(join(folders.res, "OQSsiquc01res_full.xml")), "QualificationValidity")).toBe("1");
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(folders.res)).toEqual(["OQSsiquc01res_full.xml"]);
  });

  it("temporary files left by a killed server are removed at start; a live process's and answers are kept", async () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid; // has exited: its pid is free
    const live = process.ppid;
    const { folders } = await ownInterface({}, (d) => {
      writeFileSync(join(d.res, `.OQSsiquc01res_old.xml.${dead}.tmp`), "<Xml"); // the name earlier versions used
      writeFileSync(join(d.res, `.oqs-${dead}-7.tmp`), "<Xml");
      writeFileSync(join(d.face, `.oqs-${dead}-8.tmp`), "<Xml");
      writeFileSync(join(d.res, `.oqs-${live}-1.tmp`), "<Xml");
      writeFileSync(join(d.res, "OQSsiquc01res_answer.xml"), "<XmlMsg/>");
    });
    expect(readdirSync(folders.res).sort()).toEqual([`.oqs-${live}-1.tmp`, "OQSsiquc01res_answer.xml"]);
    expect(readdirSync(folders.face)).toEqual([]);
  });

  it("symlinks, FIFOs and hard links in req are refused unread: an S903 result, and the entry moved to error", async () => {
    const { fi, folders } = await ownInterface({ quietMs: 0 });
    const secret = join(h.dir, "secret-request.xml");
    writeFileSync(secret, requestXml({ symbol: "SECRET" }));
    symlinkSync(secret, join(folders.req, "OQSsiquc01req_link.xml"));
    linkSync(secret, join(folders.req, "OQSsiquc01req_hard.xml"));
    expect(spawnSync("mkfifo", [join(folders.req, "OQSsiquc01req_fifo.xml")]).status).toBe(0);
    await fi.scan();
    for (const [id, kind] of [["link", /symbolic link/], ["fifo", /FIFO/], ["hard", /hard link/]] as const) {
      const res = read(join(folders.res, `OQSsiquc01res_${id}.xml`));
      expect(tag(res, "SegmentOfResult")).toBe("9");
      expect(tag(res, "ErrorCode")).toBe("S903");
      expect(tag(res, "ErrorMessage")).toMatch(kind);
      expect(res).not.toContain("SECRET");
      expect(enoent(join(folders.req, `OQSsiquc01req_${id}.xml`))).toBe(true);
    }
    expect(lstatSync(join(folders.error, "OQSsiquc01req_link.xml")).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(folders.error, "OQSsiquc01req_fifo.xml")).isFIFO()).toBe(true);
    expect(read(secret)).toContain("SECRET"); // the target is untouched
  });

  it.skipIf(!canMakeDevices())(
    "a device node in req is refused without being opened",
    async () => {
      const { fi, folders } = await ownInterface({ quietMs: 0 });
      expect(spawnSync("mknod", [join(folders.req, "OQSsiquc01req_dev.xml"), "c", "1", "3"]).status).toBe(0);
      await fi.scan();
      expect(tag(read(join(folders.res, "OQSsiquc01res_dev.xml")), "ErrorMessage")).toMatch(/device/);
      expect(lstatSync(join(folders.error, "OQSsiquc01req_dev.xml")).isCharacterDevice()).toBe(true);
    },
  );

  it("a request file over the HTTP body limit gets an S903 result naming the limit, without being read whole", async () => {
    const { fi, folders } = await ownInterface({ quietMs: 0 });
    const path = join(folders.req, "OQSsiquc01req_huge.xml");
    writeFileSync(path, requestXml({ code: "1" }));
    truncateSync(path, 20 * 1024 * 1024); // 20 MB, sparse
    await fi.scan();
    const res = iconv.decode(readFileSync(join(folders.res, "OQSsiquc01res_huge.xml")), "cp932");
    expect(tag(res, "ErrorCode")).toBe("S903");
    expect(tag(res, "ErrorMessage")).toContain("64 KB");
    expect(tag(res, "MedicalInstitutionCode")).toBe("1311234567"); // addressed from the first bytes
    expect(tag(res, "CharacterCodeIdentifier")).toBe("1");
    expect(existsSync(join(folders.error, "OQSsiquc01req_huge.xml"))).toBe(true);
  });

  it("a big batch is worked through a few files at a time, every file answered once", async () => {
    const processor = h.server.context.oqs;
    let active = 0;
    let most = 0;
    let calls = 0;
    const counting: OqsProcessor = Object.assign(Object.create(processor) as OqsProcessor, {
      process: async (bytes: Uint8Array, channel: "xml-http" | "xml-folder") => {
        calls++;
        most = Math.max(most, ++active);
        try {
          return await processor.process(bytes, channel);
        } finally {
          active--;
        }
      },
    });
    const { fi, folders } = await ownInterface({ quietMs: 0, processor: counting });
    for (let i = 0; i < 60; i++) drop(folders.req, `OQSsiquc01req_many${i}.xml`, requestXml());
    await fi.scan();
    expect(readdirSync(folders.res).length).toBe(60);
    expect(calls).toBe(60);
    expect(most).toBeLessThanOrEqual(4);
    expect(readdirSync(folders.req)).toEqual([]);
  });
});

function postXml(payload: string | Buffer | object, type = "application/xml") {
  const req = h.http.post("/api/xml/OQSsiquc01").set("content-type", type);
  return req
    .send(payload as string)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => cb(null, Buffer.concat(chunks)));
    });
}

describe("XML over HTTP", () => {
  it("UTF-8 in, UTF-8 out; Shift_JIS in, Shift_JIS out", async () => {
    const r = await postXml(requestXml({ limit: "1" }));
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toMatch(/application\/xml; charset=UTF-8/i);
    expect(tag((r.body as Buffer).toString("utf8"), "QualificationValidity")).toBe("1");
    const sj = await postXml(iconv.encode(requestXml({ encoding: "Shift_JIS", code: "1" }), "cp932"), "text/xml");
    expect(sj.headers["content-type"]).toMatch(/charset=Shift_JIS/i);
    expect(tag(iconv.decode(sj.body as Buffer, "cp932"), "Name")).toBe("山田 花子");
  });

  it("malformed XML → 400 with a SegmentOfResult 9 document; wrong content type → 415", async () => {
    const r = await postXml("<XmlMsg><MessageHeader>");
    expect(r.status).toBe(400);
    const text = (r.body as Buffer).toString("utf8");
    expect(tag(text, "SegmentOfResult")).toBe("9");
    expect(tag(text, "ErrorCode")).toBe("S903");
    const dtd = await postXml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><XmlMsg/>');
    expect(tag((dtd.body as Buffer).toString("utf8"), "ErrorCode")).toBe("S903");
    const json = await h.http.post("/api/xml/OQSsiquc01").send({ a: 1 });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe("R004");
  });

  it("oversized XML → 413", async () => {
    const r = await h.http.post("/api/xml/OQSsiquc01").set("content-type", "application/xml").send("<XmlMsg>" + "x".repeat(70 * 1024) + "</XmlMsg>");
    expect(r.status).toBe(413);
  });
});
