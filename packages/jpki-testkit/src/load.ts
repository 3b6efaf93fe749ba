/**
 * Reads card fixture files into everything a virtual card and the server need: validated fields, the
 * DER certificates (checked against the test CA and their keys), the private keys and the card-face images.
 * A bad file fails with FixtureError (file, field path, reason); nothing is half-loaded.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { loadTestCa, type TestCa } from "./ca.js";
import { isJp2 } from "@onshi-sim/jp2";
import { CARDS_DIR } from "./paths.js";
import { FixtureError, parseCardFixture, type CardFixture } from "./schema.js";
import { pemToDer } from "./x509.js";
import { isPhoneId } from "./phone-schema.js";

export interface LoadedCard {
  readonly file: string;
  readonly fixture: CardFixture;
  readonly photoJp2: Uint8Array;
  readonly nameImagePng: Uint8Array;
  readonly addressImagePng: Uint8Array;
  readonly securityCodeImagePng: Uint8Array;
  readonly caCertificateDer: Uint8Array;
  readonly userAuthCertificateDer: Uint8Array;
  readonly signingCertificateDer: Uint8Array;
  readonly userAuthKey: KeyObject;
  readonly signingKey: KeyObject;
  /** The user-auth certificate's serial, upper-case hex: what the server links to the person. */
  readonly certificateSerial: string;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (b: Uint8Array) => PNG_SIGNATURE.every((v, i) => b[i] === v);

/** The Japan calendar day of an instant. */
function jstDay(d: Date): string {
  return new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new FixtureError(file, "(file)", `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FixtureError(file, "(file)", `not valid JSON: ${(e as Error).message}`);
  }
}

async function readImage(file: string, fixture: CardFixture, field: keyof CardFixture["images"], check: (b: Uint8Array) => boolean, kind: string): Promise<Uint8Array> {
  const path = resolve(dirname(file), fixture.images[field]);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw new FixtureError(file, `images.${field}`, `cannot read ${fixture.images[field]}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!check(bytes)) throw new FixtureError(file, `images.${field}`, `${fixture.images[field]} is not ${kind}`);
  return bytes;
}

function certificate(file: string, field: string, pem: string, ca: TestCa): { der: Uint8Array; x509: X509Certificate } {
  try {
    const der = pemToDer(pem);
    const x509 = new X509Certificate(der);
    if (!x509.checkIssued(ca.certificate) || !x509.verify(ca.publicKey)) throw new Error("not issued by the fixture JPKI test CA (fixtures/ca)");
    return { der, x509 };
  } catch (e) {
    throw new FixtureError(file, field, (e as Error).message);
  }
}

function privateKey(file: string, field: string, pem: string, cert: X509Certificate): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new FixtureError(file, field, `not a private key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== "rsa" || key.asymmetricKeyDetails?.modulusLength !== 2048) throw new FixtureError(file, field, "must be an RSA-2048 key (as on the chip)");
  if (!cert.checkPrivateKey(key)) throw new FixtureError(file, field, "does not belong to its certificate");
  return key;
}

export async function loadCardFixture(file: string): Promise<LoadedCard> {
  const fixture = parseCardFixture(file, await readJson(file));
  if (basename(file, ".json") !== fixture.id) throw new FixtureError(file, "id", `must match the file name (${basename(file, ".json")})`);
  const ca = await loadTestCa();
  const userAuth = certificate(file, "certificate.userAuth", fixture.certificate.userAuth, ca);
  const signing = certificate(file, "certificate.signing", fixture.certificate.signing, ca);
  const userAuthKey = privateKey(file, "certificate.userAuthKey", fixture.certificate.userAuthKey, userAuth.x509);
  const signingKey = privateKey(file, "certificate.signingKey", fixture.certificate.signingKey, signing.x509);
  const from = jstDay(new Date(userAuth.x509.validFrom));
  const to = jstDay(new Date(userAuth.x509.validTo));
  if (from !== fixture.certificate.notBefore) throw new FixtureError(file, "certificate.notBefore", `the certificate says ${from}`);
  if (to !== fixture.certificate.notAfter) throw new FixtureError(file, "certificate.notAfter", `the certificate says ${to}`);
  const [photoJp2, nameImagePng, addressImagePng, securityCodeImagePng] = await Promise.all([
    readImage(file, fixture, "photo", isJp2, "a JPEG 2000 image"),
    readImage(file, fixture, "name", isPng, "a PNG image"),
    readImage(file, fixture, "address", isPng, "a PNG image"),
    readImage(file, fixture, "securityCode", isPng, "a PNG image"),
  ]);
  return {
    file,
    fixture,
    photoJp2,
    nameImagePng,
    addressImagePng,
    securityCodeImagePng,
    caCertificateDer: ca.certificateDer,
    userAuthCertificateDer: userAuth.der,
    signingCertificateDer: signing.der,
    userAuthKey,
    signingKey,
    certificateSerial: userAuth.x509.serialNumber.toUpperCase(),
  };
}

/** Every `*.json` card in `dir`, sorted by id; ids, people's certificate serials and マイナンバー must be unique. */
export async function loadCardFixtures(dir = CARDS_DIR): Promise<LoadedCard[]> {
  let names: string[];
  try {
    // Phones (phone-*.json) live beside the cards but are not cards: loadPhoneFixtures reads them.
    names = (await readdir(dir)).filter((n) => n.endsWith(".json") && !isPhoneId(n)).sort();
  } catch (e) {
    throw new FixtureError(dir, "(directory)", `cannot list card fixtures: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const cards = await Promise.all(names.map((n) => loadCardFixture(join(dir, n))));
  const seen = new Map<string, string>();
  for (const c of cards) {
    for (const [what, value] of [
      ["certificate serial", c.certificateSerial],
      ["myNumber", c.fixture.myNumber],
    ] as const) {
      const key = `${what}:${value}`;
      const other = seen.get(key);
      // The number itself never goes into an error message.
      if (other) throw new FixtureError(c.file, what === "myNumber" ? "myNumber" : "certificate.userAuth", `the same ${what} as ${other}`);
      seen.set(key, c.fixture.id);
    }
  }
  return cards;
}

/** One card by id from `dir` (default fixtures/cards); the error lists the ids that exist. */
export async function findCardFixture(id: string, dir = CARDS_DIR): Promise<LoadedCard> {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) throw new FixtureError(dir, "id", `"${id}" is not a card id`);
  const names = await readdir(dir).catch(() => [] as string[]);
  if (!names.includes(`${id}.json`) || isPhoneId(id)) {
    const known = names.filter((n) => n.endsWith(".json") && !isPhoneId(n)).map((n) => n.slice(0, -5));
    throw new FixtureError(dir, "id", `no card "${id}"; known cards: ${known.join(", ") || "(none)"}`);
  }
  return loadCardFixture(join(dir, `${id}.json`));
}
