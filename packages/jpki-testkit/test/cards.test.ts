import { X509Certificate, createVerify, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTestCa } from "../src/ca.js";
import { defaultValidity, nthBirthdayAfter, runNewCardCli } from "../src/generate-card.js";
import { decodeJp2 } from "@onshi-sim/jp2";
import { findCardFixture, loadCardFixture, loadCardFixtures, type LoadedCard } from "../src/load.js";
import { isValidMyNumber } from "../src/my-number.js";
import { CARDS_DIR, FACES_DIR, FIXTURES_ROOT } from "../src/paths.js";
import { FixtureError } from "../src/schema.js";

let cards: LoadedCard[];
beforeAll(async () => {
  cards = await loadCardFixtures();
});

describe("the committed card fixtures", () => {
  it("are the twelve documented cards, each listed in fixtures/README.md with its PIN", () => {
    expect(cards.map((c) => c.fixture.id)).toEqual([
      "blocked-6983", "cert-expired", "cert-expiring-soon", "elderly-suzuki", "face-only", "family-child",
      "not-registered", "one-try-left", "pin-locked", "sato-hanako", "welfare-kimura", "yamada-taro",
    ]);
    const readme = readFileSync(join(FIXTURES_ROOT, "README.md"), "utf8");
    for (const c of cards) expect(readme).toContain(`\`${c.fixture.id}\``);
  });

  it("have valid fictional マイナンバー, unique people and serials", () => {
    for (const c of cards) expect(isValidMyNumber(c.fixture.myNumber) && c.fixture.myNumber.startsWith("9999")).toBe(true);
    expect(new Set(cards.map((c) => c.fixture.personId)).size).toBe(cards.length);
    expect(new Set(cards.map((c) => c.certificateSerial)).size).toBe(cards.length);
  });

  it("carry real X.509 certificates from the test CA whose keys sign", async () => {
    const ca = await loadTestCa();
    for (const c of cards) {
      const cert = new X509Certificate(c.userAuthCertificateDer);
      expect(cert.checkIssued(ca.certificate) && cert.verify(ca.publicKey)).toBe(true);
      expect(cert.serialNumber.toUpperCase()).toBe(c.certificateSerial);
      const signature = sign("sha256", Buffer.from("x"), c.userAuthKey);
      expect(createVerify("sha256").update("x").verify(cert.publicKey, signature)).toBe(true);
      // The certificate file length rule of docs/domain.md §2: ((b[2] << 8) | b[3]) + 4
      const d = c.userAuthCertificateDer;
      expect((((d[2] as number) << 8) | (d[3] as number)) + 4).toBe(d.length);
    }
  });

  it("follow the validity rules: certificate to the 5th birthday after issue, card to the 10th (5th under 18)", () => {
    const byId = (id: string) => cards.find((c) => c.fixture.id === id)!.fixture;
    expect(byId("cert-expired").certificate.notAfter).toBe("2026-09-30");
    expect(byId("cert-expiring-soon").certificate.notAfter).toBe("2027-01-31");
    const child = byId("family-child");
    expect(child.card.expiresOn).toBe(child.certificate.notAfter);
    expect(defaultValidity("1985-06-15", "2023-08-01")).toEqual({ cardExpiresOn: "2033-06-15", certificateNotAfter: "2028-06-15" });
    expect(nthBirthdayAfter("2000-02-29", "2020-03-01", 1)).toBe("2021-02-28");
    expect(nthBirthdayAfter("1990-09-01", "2023-08-01", 1)).toBe("2023-09-01");
  });

  it("keep the card-face file small enough for READ BINARY offsets (< 32 KB) with a decodable grey JP2 photo", async () => {
    for (const c of cards) {
      const total = c.photoJp2.length + c.nameImagePng.length + c.addressImagePng.length + c.securityCodeImagePng.length + 600;
      expect(total).toBeLessThan(0x7fff);
    }
    const photo = await decodeJp2(cards[0]!.photoJp2);
    expect(photo.channels).toBe(1);
    expect(photo.height).toBeGreaterThan(200);
  });
});

describe("a bad fixture file", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "onshi-fixture-"));
    await cp(join(CARDS_DIR, "yamada-taro"), join(dir, "yamada-taro"), { recursive: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function withEdit(edit: (json: Record<string, any>) => void, text?: string): Promise<FixtureError> {
    const json = JSON.parse(await readFile(join(CARDS_DIR, "yamada-taro.json"), "utf8"));
    edit(json);
    // the photo path is relative to the card file: point it back at fixtures/faces
    json.images.photo = relative(dir, join(FACES_DIR, "grace-hopper-id.jp2"));
    const file = join(dir, "yamada-taro.json");
    await writeFile(file, text ?? JSON.stringify(json));
    return loadCardFixture(file).then(
      () => {
        throw new Error("expected a FixtureError");
      },
      (e: unknown) => e as FixtureError,
    );
  }

  it("names the file, the field and the reason", async () => {
    const e = await withEdit((j) => (j.myNumber = "999900000010"));
    expect(e).toBeInstanceOf(FixtureError);
    expect(e.file).toMatch(/yamada-taro\.json$/);
    expect(e.fieldPath).toBe("myNumber");
    expect(e.reason).toMatch(/check digit/);
    expect(e.message).not.toContain("999900000010"); // never echoes the number
  });

  it("rejects unknown fields, bad dates, bad PINs and broken JSON", async () => {
    expect((await withEdit((j) => (j.holder.birthdate = "1985-06-15"))).fieldPath).toBe("holder");
    expect((await withEdit((j) => (j.card.expiresOn = "2033-02-30"))).fieldPath).toBe("card.expiresOn");
    expect((await withEdit((j) => (j.pins.userAuth = "12345"))).fieldPath).toBe("pins.userAuth");
    expect((await withEdit((j) => (j.holder.sex = 4))).fieldPath).toBe("holder.sex");
    expect((await withEdit(() => undefined, "{ not json")).reason).toMatch(/not valid JSON/);
  });

  it("rejects a certificate that disagrees with its dates, a foreign key and a missing image", async () => {
    expect((await withEdit((j) => (j.certificate.notAfter = "2030-01-01"))).fieldPath).toBe("certificate.notAfter");
    const other = JSON.parse(await readFile(join(CARDS_DIR, "sato-hanako.json"), "utf8"));
    expect((await withEdit((j) => (j.certificate.userAuthKey = other.certificate.userAuthKey))).reason).toMatch(/does not belong/);
    expect((await withEdit((j) => (j.images.name = "yamada-taro/nope.png"))).fieldPath).toBe("images.name");
  });

  it("an unknown id lists the known ones", async () => {
    await expect(findCardFixture("nobody")).rejects.toThrow(/known cards: .*yamada-taro/);
  });
});

describe("card new (a trainer's own card)", () => {
  it("builds a loadable card with a JP2 photo from any image", async () => {
    const dir = await mkdtemp(join(tmpdir(), "onshi-new-card-"));
    const lines: string[] = [];
    const code = await runNewCardCli(
      ["--id", "my-face", "--name", "研修 太郎", "--kana", "ケンシュウ タロウ", "--birth", "1980-01-02", "--photo", join(FACES_DIR, "grace-hopper-source.jpg"), "--out", dir, "--issued", "2025-04-01"],
      (l) => lines.push(l),
    );
    expect(lines.join("\n")).toMatch(/created .*my-face\.json/);
    expect(code).toBe(0);
    const card = await loadCardFixture(join(dir, "my-face.json"));
    expect(card.fixture.card.expiresOn).toBe("2035-01-02");
    expect((await decodeJp2(card.photoJp2)).channels).toBe(1);
    expect(lines.join("\n")).not.toContain("1234");
    expect(await runNewCardCli(["--id", "my-face", "--name", "x", "--kana", "エ", "--birth", "1980-01-02", "--photo", "/nope", "--out", dir], () => undefined)).toBe(1);
    expect(await runNewCardCli(["--bogus"], () => undefined)).toBe(2);
    await rm(dir, { recursive: true, force: true });
  });
});
