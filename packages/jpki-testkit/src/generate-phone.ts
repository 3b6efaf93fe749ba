/**
 * Builds a virtual smartphone fixture: an RSA-2048 key and the phone's own user-auth certificate from the test
 * CA, written as `<dir>/<id>.json`. Its dates default to: from `issuedOn` to the end of the linked card's
 * certificate (a phone certificate never outlives the card or the card's certificate).
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadTestCa, TEST_CA_SUBJECT } from "./ca.js";
import { loadCardFixture } from "./load.js";
import { CARDS_DIR } from "./paths.js";
import { loadPhoneFixture, type LoadedPhone } from "./phone-load.js";
import { parsePhoneFixture, type PhoneFixture } from "./phone-schema.js";
import { FIXTURE_SCHEMA_VERSION } from "./schema.js";
import { buildCertificate, derToPem, jstEndOfDay, jstStartOfDay } from "./x509.js";
import { DEFAULT_ATR } from "./generate-card.js";

export interface NewPhoneSpec {
  readonly id: string;
  readonly os: "android" | "iphone";
  readonly cardId: string;
  readonly label: string;
  readonly demonstrates: string;
  readonly issuedOn: string;
  readonly notAfter?: string;
  /** Android only; default "5678" (the phone's own PIN, not the card's). */
  readonly pin?: string;
  readonly triesLeft?: number;
  readonly ownerPersonId?: string;
  readonly dir?: string;
}

export async function generatePhone(spec: NewPhoneSpec): Promise<LoadedPhone> {
  const dir = spec.dir ?? CARDS_DIR;
  const card = await loadCardFixture(join(dir, `${spec.cardId}.json`));
  const ca = await loadTestCa();
  const notAfter = spec.notAfter ?? [card.fixture.card.expiresOn, card.fixture.certificate.notAfter].sort()[0]!;
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 });
  // Serial: 8 random bytes starting 0x3–: apart from the cards' 0x1– (user-auth) and 0x2– (signing).
  const serial = Uint8Array.of(0x30 | ((randomBytes(1)[0] as number) & 0x0f), ...randomBytes(7));
  const der = buildCertificate({
    serial,
    subject: [["C", "JP"], ["CN", `onshi-sim smartphone user-auth ${Buffer.from(serial).toString("hex").toUpperCase()}`]],
    issuer: TEST_CA_SUBJECT,
    notBefore: jstStartOfDay(spec.issuedOn),
    notAfter: jstEndOfDay(notAfter),
    publicKey: key.publicKey,
    issuerPrivateKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    ca: false,
    keyUsage: ["digitalSignature"],
  });
  const fixture: PhoneFixture = {
    schemaVersion: FIXTURE_SCHEMA_VERSION,
    id: spec.id,
    label: spec.label,
    demonstrates: spec.demonstrates,
    os: spec.os,
    cardId: spec.cardId,
    ...(spec.ownerPersonId ? { ownerPersonId: spec.ownerPersonId } : {}),
    atr: DEFAULT_ATR,
    profile: { blockedSw: "6984" },
    pin: spec.os === "android" ? (spec.pin ?? "5678") : null,
    retries: { userAuth: spec.triesLeft ?? 3 },
    certificate: {
      notBefore: spec.issuedOn,
      notAfter,
      userAuth: derToPem(der),
      userAuthKey: key.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    },
  };
  const file = join(dir, `${spec.id}.json`);
  parsePhoneFixture(file, fixture);
  await writeFile(file, `${JSON.stringify(fixture, null, 2)}\n`);
  return loadPhoneFixture(file);
}
