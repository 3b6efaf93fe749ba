import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ watchFolders: true, rescanMs: 100 });
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
const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

describe("folder interface (連携アプリ stand-in)", () => {
  it("answers a UTF-8 request in res and removes the request", async () => {
    writeFileSync(join(f().req, "OQSsiquc01req_utf8.xml"), requestXml());
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
    writeFileSync(join(f().req, "OQSsiquc01req_sjis.xml"), iconv.encode(requestXml({ encoding: "Shift_JIS", code: "1" }), "cp932"));
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
    writeFileSync(join(f().req, "OQSsiquc01req_mixed.xml"), requestXml({ code: "1" }));
    const xml = iconv.decode(await waitFor(join(f().res, "OQSsiquc01res_mixed.xml")), "cp932");
    expect(tag(xml, "Name")).toBe("山田 花子");
  });

  it("a corrupt request gets a SegmentOfResult 9 result, is moved to error, and the watcher goes on", async () => {
    writeFileSync(join(f().req, "OQSsiquc01req_corrupt.xml"), Buffer.from([0x3c, 0x58, 0x6d, 0x6c, 0xff, 0xfe, 0x00, 0x01, 0x3c, 0x2f]));
    const xml = (await waitFor(join(f().res, "OQSsiquc01res_corrupt.xml"))).toString("utf8");
    expect(tag(xml, "SegmentOfResult")).toBe("9");
    expect(tag(xml, "ErrorCode")).toMatch(/^S90[35]$/);
    await sleep(50);
    expect(readdirSync(f().error)).toContain("OQSsiquc01req_corrupt.xml");
    expect(existsSync(join(f().req, "OQSsiquc01req_corrupt.xml"))).toBe(false);

    writeFileSync(join(f().req, "OQSsiquc01req_truncated.xml"), requestXml().slice(0, 200));
    expect(tag((await waitFor(join(f().res, "OQSsiquc01res_truncated.xml"))).toString("utf8"), "ErrorCode")).toBe("S903");

    writeFileSync(join(f().req, "OQSsiquc01req_after.xml"), requestXml());
    expect(tag((await waitFor(join(f().res, "OQSsiquc01res_after.xml"))).toString("utf8"), "QualificationValidity")).toBe("1");
  });

  it("invalid fields (S904, with the element path) and an undeclared encoding (S905)", async () => {
    writeFileSync(join(f().req, "OQSsiquc01req_badfield.xml"), requestXml({ birth: "1982-09-14", extra: "<Colour>red</Colour>" }));
    const xml = (await waitFor(join(f().res, "OQSsiquc01res_badfield.xml"))).toString("utf8");
    expect(tag(xml, "ErrorCode")).toBe("S904");
    expect(tag(xml, "ErrorMessage")).toContain("Birthdate");
    expect(tag(xml, "ErrorMessage")).toContain("Colour");
    writeFileSync(join(f().req, "OQSsiquc01req_sjis-undeclared.xml"), iconv.encode(requestXml({ symbol: "東京" }), "cp932"));
    const sj = (await waitFor(join(f().res, "OQSsiquc01res_sjis-undeclared.xml"))).toString("utf8");
    expect(tag(sj, "ErrorCode")).toBe("S905");
    writeFileSync(join(f().req, "OQSsiquc01req_mynumber.xml"), requestXml({ number: "123456789018" }));
    expect(tag((await waitFor(join(f().res, "OQSsiquc01res_mynumber.xml"))).toString("utf8"), "ErrorCode")).toBe("S904");
    await sleep(50);
    expect(readdirSync(f().error)).toEqual(expect.arrayContaining(["OQSsiquc01req_badfield.xml", "OQSsiquc01req_sjis-undeclared.xml", "OQSsiquc01req_mynumber.xml"]));
  });

  it("many requests at once are all answered; other files are left alone", async () => {
    writeFileSync(join(f().req, "notes.txt"), "not a request");
    for (let i = 0; i < 25; i++) writeFileSync(join(f().req, `OQSsiquc01req_batch${i}.xml`), requestXml({ date: "20250101" }));
    for (let i = 0; i < 25; i++) expect(tag((await waitFor(join(f().res, `OQSsiquc01res_batch${i}.xml`))).toString("utf8"), "QualificationConfirmationDate")).toBe("20250101");
    expect(existsSync(join(f().req, "notes.txt"))).toBe(true);
  });

  it("a file the watcher missed is found by the rescan", async () => {
    await h.server.folders.stop();
    writeFileSync(join(f().req, "OQSsiquc01req_missed.xml"), requestXml());
    await h.server.folders.start();
    expect(tag((await waitFor(join(f().res, "OQSsiquc01res_missed.xml"))).toString("utf8"), "QualificationValidity")).toBe("1");
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
