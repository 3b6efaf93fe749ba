/**
 * Reads virtual smartphone fixtures (phone-*.json beside the cards): the phone's own user-auth certificate and
 * key (checked against the test CA and each other), and the card it was set up from. The phone certificate must
 * end no later than that card and its certificate: a phone stops working when either does (REFERENCE §6 [C]).
 */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { loadTestCa } from "./ca.js";
import { loadCardFixture, type LoadedCard } from "./load.js";
import { CARDS_DIR } from "./paths.js";
import { isPhoneId, parsePhoneFixture, type PhoneFixture } from "./phone-schema.js";
import { FixtureError } from "./schema.js";
import { pemToDer } from "./x509.js";

export interface LoadedPhone {
  readonly file: string;
  readonly fixture: PhoneFixture;
  /** The card the phone was set up from. */
  readonly card: LoadedCard;
  /** The card's person (the phone links to the same person on the server). */
  readonly personId: string;
  /** Whose phone it is (the card's person unless the fixture says otherwise). */
  readonly ownerPersonId: string;
  readonly caCertificateDer: Uint8Array;
  readonly userAuthCertificateDer: Uint8Array;
  readonly userAuthKey: KeyObject;
  /** Upper-case hex, as the server links it. */
  readonly certificateSerial: string;
}

const jstDay = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);

export async function loadPhoneFixture(file: string): Promise<LoadedPhone> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new FixtureError(file, "(file)", `cannot read: ${(e as Error).message}`);
  }
  const fixture = parsePhoneFixture(file, json);
  if (basename(file, ".json") !== fixture.id) throw new FixtureError(file, "id", `must match the file name (${basename(file, ".json")})`);
  const card = await loadCardFixture(join(dirname(file), `${fixture.cardId}.json`)).catch((e: unknown) => {
    throw new FixtureError(file, "cardId", `no usable card "${fixture.cardId}": ${(e as Error).message}`);
  });
  const ca = await loadTestCa();
  let der: Uint8Array;
  let x509: X509Certificate;
  try {
    der = pemToDer(fixture.certificate.userAuth);
    x509 = new X509Certificate(der);
    if (!x509.checkIssued(ca.certificate) || !x509.verify(ca.publicKey)) throw new Error("not issued by the fixture JPKI test CA (fixtures/ca)");
  } catch (e) {
    throw new FixtureError(file, "certificate.userAuth", (e as Error).message);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(fixture.certificate.userAuthKey);
  } catch (e) {
    throw new FixtureError(file, "certificate.userAuthKey", `not a private key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== "rsa" || key.asymmetricKeyDetails?.modulusLength !== 2048) throw new FixtureError(file, "certificate.userAuthKey", "must be an RSA-2048 key");
  if (!x509.checkPrivateKey(key)) throw new FixtureError(file, "certificate.userAuthKey", "does not belong to its certificate");
  const from = jstDay(new Date(x509.validFrom));
  const to = jstDay(new Date(x509.validTo));
  if (from !== fixture.certificate.notBefore) throw new FixtureError(file, "certificate.notBefore", `the certificate says ${from}`);
  if (to !== fixture.certificate.notAfter) throw new FixtureError(file, "certificate.notAfter", `the certificate says ${to}`);
  const limit = [card.fixture.card.expiresOn, card.fixture.certificate.notAfter].sort()[0] as string;
  if (to > limit) throw new FixtureError(file, "certificate.notAfter", `must end no later than card "${card.fixture.id}" and its certificate (${limit})`);
  const serial = x509.serialNumber.toUpperCase();
  if (serial === card.certificateSerial) throw new FixtureError(file, "certificate.userAuth", "a phone has its own certificate, not the card's");
  return {
    file,
    fixture,
    card,
    personId: card.fixture.personId,
    ownerPersonId: fixture.ownerPersonId ?? card.fixture.personId,
    caCertificateDer: ca.certificateDer,
    userAuthCertificateDer: der,
    userAuthKey: key,
    certificateSerial: serial,
  };
}

/** Every phone-*.json in `dir`, sorted by id; certificate serials unique among the phones. */
export async function loadPhoneFixtures(dir = CARDS_DIR): Promise<LoadedPhone[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".json") && isPhoneId(n)).sort();
  } catch (e) {
    throw new FixtureError(dir, "(directory)", `cannot list phone fixtures: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const phones = await Promise.all(names.map((n) => loadPhoneFixture(join(dir, n))));
  const seen = new Map<string, string>();
  for (const p of phones) {
    const other = seen.get(p.certificateSerial);
    if (other) throw new FixtureError(p.file, "certificate.userAuth", `the same certificate serial as ${other}`);
    seen.set(p.certificateSerial, p.fixture.id);
  }
  return phones;
}

/** One phone by id; the error lists the phones that exist. */
export async function findPhoneFixture(id: string, dir = CARDS_DIR): Promise<LoadedPhone> {
  const names = await readdir(dir).catch(() => [] as string[]);
  if (!isPhoneId(id) || !names.includes(`${id}.json`)) {
    const known = names.filter((n) => n.endsWith(".json") && isPhoneId(n)).map((n) => n.slice(0, -5));
    throw new FixtureError(dir, "id", `no phone "${id}"; known phones: ${known.join(", ") || "(none)"}`);
  }
  return loadPhoneFixture(join(dir, `${id}.json`));
}
