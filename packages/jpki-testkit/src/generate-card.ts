/**
 * Builds a card fixture: RSA-2048 keys, user-auth and signing certificates from the test CA, the JPEG 2000
 * photo and the card-face images, written as `<dir>/<id>.json` plus `<dir>/<id>/` for its images.
 * Used by fixtures/scripts/build-cards.ts for the committed cards and by `onshi-sim card new` for trainers.
 */
import { generateKeyPairSync, randomBytes, randomInt } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { loadTestCa, TEST_CA_SUBJECT } from "./ca.js";
import { hasJapaneseFont, renderTextPng } from "./images.js";
import { encodeGreyJp2 } from "@onshi-sim/jp2";
import { loadCardFixture, type LoadedCard } from "./load.js";
import { fictionalMyNumber } from "./my-number.js";
import { CARDS_DIR } from "./paths.js";
import { FIXTURE_SCHEMA_VERSION, parseCardFixture, type CardFixture } from "./schema.js";
import { buildCertificate, derToPem, jstEndOfDay, jstStartOfDay } from "./x509.js";

export const DEFAULT_ATR = "3BE000FF8131FE4514";

/** The n-th birthday strictly after `issuedOn` (a 29 February birthday falls on 28 February in other years). */
export function nthBirthdayAfter(birthDate: string, issuedOn: string, n: number): string {
  const [, mm, dd] = birthDate.split("-") as [string, string, string];
  const issuedYear = Number(issuedOn.slice(0, 4));
  const day = (y: number) => {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    return `${y}-${mm}-${mm === "02" && dd === "29" && !leap ? "28" : dd}`;
  };
  const firstYear = day(issuedYear) > issuedOn ? issuedYear : issuedYear + 1;
  return day(firstYear + n - 1);
}

function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) >= birthDate.slice(5) ? years : years - 1;
}

/** docs/domain.md §2: card to the 10th birthday after issue (5th under 18), certificate to the 5th. */
export function defaultValidity(birthDate: string, issuedOn: string): { cardExpiresOn: string; certificateNotAfter: string } {
  const minor = ageOn(birthDate, issuedOn) < 18;
  return {
    cardExpiresOn: nthBirthdayAfter(birthDate, issuedOn, minor ? 5 : 10),
    certificateNotAfter: nthBirthdayAfter(birthDate, issuedOn, 5),
  };
}

export interface NewCardSpec {
  readonly id: string;
  readonly label: string;
  readonly demonstrates: string;
  readonly personId: string;
  readonly holder: CardFixture["holder"];
  /** 11 digits: the check digit is added. Default: a random fictional 9999 1… number. */
  readonly myNumberPrefix?: string;
  readonly atr?: string;
  readonly blockedSw?: "6984" | "6983";
  readonly issuedOn: string;
  readonly cardExpiresOn?: string;
  readonly securityCode?: string;
  readonly pins?: Partial<CardFixture["pins"]>;
  readonly retries?: Partial<CardFixture["retries"]>;
  readonly certificateNotAfter?: string;
  /** A JPEG 2000 file to reference as is (e.g. fixtures/faces/*-id.jp2), or any image to convert. */
  readonly photo: { readonly jp2File: string } | { readonly imageFile: string };
  readonly dir?: string;
}

export async function generateCard(spec: NewCardSpec): Promise<LoadedCard> {
  const dir = spec.dir ?? CARDS_DIR;
  const assets = join(dir, spec.id);
  await mkdir(assets, { recursive: true });
  const ca = await loadTestCa();
  const validity = defaultValidity(spec.holder.birthDate, spec.issuedOn);
  const notBefore = spec.issuedOn;
  const notAfter = spec.certificateNotAfter ?? validity.certificateNotAfter;

  const userAuth = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const signing = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const common = {
    issuer: TEST_CA_SUBJECT,
    notBefore: jstStartOfDay(notBefore),
    notAfter: jstEndOfDay(notAfter),
    issuerPrivateKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    ca: false,
  } as const;
  // Serial: 8 random bytes, top bit clear so it stays a positive INTEGER of fixed length.
  const serial = Uint8Array.of(0x10 | ((randomBytes(1)[0] as number) & 0x0f), ...randomBytes(7));
  const userAuthDer = buildCertificate({
    ...common,
    serial,
    subject: [["C", "JP"], ["CN", `onshi-sim user-auth ${Buffer.from(serial).toString("hex").toUpperCase()}`]],
    publicKey: userAuth.publicKey,
    keyUsage: ["digitalSignature"],
  });
  const signingDer = buildCertificate({
    ...common,
    serial: Uint8Array.of(0x20 | ((randomBytes(1)[0] as number) & 0x0f), ...randomBytes(7)),
    subject: [["C", "JP"], ["L", spec.holder.address], ["CN", spec.holder.name]],
    publicKey: signing.publicKey,
    keyUsage: ["digitalSignature", "nonRepudiation"],
  });

  let photo: string;
  if ("jp2File" in spec.photo) {
    photo = relative(dir, spec.photo.jp2File);
  } else {
    await writeFile(join(assets, "photo.jp2"), await encodeGreyJp2(spec.photo.imageFile));
    photo = `${spec.id}/photo.jp2`;
  }
  const securityCode = spec.securityCode ?? String(randomInt(0, 10000)).padStart(4, "0");
  await writeFile(join(assets, "name.png"), await renderTextPng(spec.holder.name, { width: 240, height: 36 }));
  await writeFile(join(assets, "address.png"), await renderTextPng(spec.holder.address, { width: 480, height: 32 }));
  await writeFile(join(assets, "security-code.png"), await renderTextPng(securityCode, { width: 96, height: 32 }));

  const pins = { userAuth: "1234", assist: "1234", signing: "ABC123", ...spec.pins };
  const fixture: CardFixture = {
    schemaVersion: FIXTURE_SCHEMA_VERSION,
    id: spec.id,
    label: spec.label,
    demonstrates: spec.demonstrates,
    personId: spec.personId,
    holder: spec.holder,
    myNumber: fictionalMyNumber(spec.myNumberPrefix ?? `99991${String(randomInt(0, 1_000_000)).padStart(6, "0")}`),
    atr: spec.atr ?? DEFAULT_ATR,
    profile: { blockedSw: spec.blockedSw ?? "6984" },
    card: { issuedOn: spec.issuedOn, expiresOn: spec.cardExpiresOn ?? validity.cardExpiresOn, securityCode },
    pins,
    retries: { userAuth: 3, assist: 3, signing: 5, cardFace: 10, ...spec.retries },
    certificate: {
      notBefore,
      notAfter,
      userAuth: derToPem(userAuthDer),
      userAuthKey: userAuth.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
      signing: derToPem(signingDer),
      signingKey: signing.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    },
    images: { photo, name: `${spec.id}/name.png`, address: `${spec.id}/address.png`, securityCode: `${spec.id}/security-code.png` },
  };
  const file = join(dir, `${spec.id}.json`);
  parseCardFixture(file, fixture); // never write a file the loader would refuse
  await writeFile(file, `${JSON.stringify(fixture, null, 2)}\n`);
  return loadCardFixture(file);
}

const NEW_CARD_USAGE = `usage: onshi-sim card new --id <id> --name <氏名> --kana <カナ> --birth YYYY-MM-DD --photo <image>
         [--sex 1|2|3] [--address <住所>] [--postcode 100-0001] [--person P0001] [--pin 1234]
         [--issued YYYY-MM-DD] [--label <text>] [--out <dir>]
Builds a new fixture card (keys, certificates from the test CA, a JPEG 2000 photo from any image) —
e.g. a card with a trainer's own face. --person links it to a person on the mock server (default P0001,
so the qualification check answers 資格有効). The card is written to fixtures/cards/ unless --out is given.`;

/** `onshi-sim card new …`: returns the process exit code. */
export async function runNewCardCli(argv: readonly string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        id: { type: "string" },
        name: { type: "string" },
        kana: { type: "string" },
        birth: { type: "string" },
        sex: { type: "string", default: "3" },
        address: { type: "string", default: "東京都テスト区見本町1-2-3" },
        postcode: { type: "string", default: "100-0001" },
        person: { type: "string", default: "P0001" },
        pin: { type: "string", default: "1234" },
        issued: { type: "string" },
        label: { type: "string" },
        photo: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    out(`${(e as Error).message}\n${NEW_CARD_USAGE}`);
    return 2;
  }
  if (values.help) {
    out(NEW_CARD_USAGE);
    return 0;
  }
  const missing = (["id", "name", "kana", "birth", "photo"] as const).filter((k) => !values[k]);
  if (missing.length) {
    out(`missing ${missing.map((m) => `--${m}`).join(", ")}\n${NEW_CARD_USAGE}`);
    return 2;
  }
  const dir = values.out ?? CARDS_DIR;
  const id = values.id as string;
  if (existsSync(join(dir, `${id}.json`))) {
    out(`a card "${id}" already exists in ${dir}; choose another --id`);
    return 1;
  }
  if (!existsSync(values.photo as string)) {
    out(`--photo: no such file: ${values.photo}`);
    return 1;
  }
  if (!hasJapaneseFont()) out("warning: no Japanese font found (apt-get install fonts-ipafont-gothic): the name and address images will show boxes");
  const today = new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
  try {
    const card = await generateCard({
      id,
      label: values.label ?? `${values.name}（自作カード）`,
      demonstrates: "A trainer's own card (onshi-sim card new)",
      personId: values.person as string,
      holder: {
        name: values.name as string,
        nameKana: values.kana as string,
        birthDate: values.birth as string,
        sex: Number(values.sex) as 1 | 2 | 3,
        address: values.address as string,
        postcode: values.postcode as string,
      },
      issuedOn: values.issued ?? today,
      pins: { userAuth: values.pin as string, assist: values.pin as string },
      photo: { imageFile: values.photo as string },
      dir,
    });
    out(`created ${card.file} (linked to person ${card.fixture.personId}); insert it with: npm run card -- insert ${id}`);
    return 0;
  } catch (e) {
    out(`could not create the card: ${(e as Error).message}`);
    return 1;
  }
}
