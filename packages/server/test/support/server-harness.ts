/** Test helpers: the real seed and card fixtures (loaded once per process), servers on temp dirs, signed card requests. */
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import type { Response } from "supertest";
import { loadCardFixtures, loadPhoneFixtures, loadTestCa, type LoadedCard, type LoadedPhone } from "@onshi-sim/jpki-testkit";
import { FIXTURE_PATHS } from "../../src/config.js";
import { signDeviceAttestation, certificateSha256Hex } from "../../src/protocol/device-attestation.js";
import type { QualificationResponse } from "../../src/results/result-schema.js";
import { cardFixtureInfo, phoneFixtureInfo } from "../../src/seed/fixture-sources.js";
import { loadSeed, type SeedData } from "../../src/seed/seed-loader.js";
import { createServer, type OnshiServer, type ServerOptions } from "../../src/server.js";

export const FACILITY = "1311234567";
export const OTHER_FACILITY = "1341234567";
export const ADMIN_TOKEN = "test-admin-token";

interface Fixtures {
  readonly cards: readonly LoadedCard[];
  readonly phones: readonly LoadedPhone[];
  readonly seed: SeedData;
  readonly caDer: Uint8Array;
}

let fixtures: Promise<Fixtures> | null = null;

export function testFixtures(): Promise<Fixtures> {
  fixtures ??= (async () => {
    const [cards, phones, ca] = await Promise.all([loadCardFixtures(), loadPhoneFixtures(), loadTestCa()]);
    const seed = await loadSeed({ insuranceDir: FIXTURE_PATHS.insurance, devicesDir: FIXTURE_PATHS.devices, cards: [...cards.map(cardFixtureInfo), ...phones.map(phoneFixtureInfo)] });
    return { cards, phones, seed, caDer: ca.certificateDer };
  })();
  return fixtures;
}

export async function card(personId: string): Promise<LoadedCard> {
  const c = (await testFixtures()).cards.find((x) => x.fixture.personId === personId);
  if (!c) throw new Error(`no card fixture for ${personId}`);
  return c;
}

/** A virtual smartphone fixture by id (its own certificate and key; `card` is the card it was set up from). */
export async function phone(id: string): Promise<LoadedPhone> {
  const p = (await testFixtures()).phones.find((x) => x.fixture.id === id);
  if (!p) throw new Error(`no phone fixture ${id}`);
  return p;
}

/** A phone as the card path sees it: its certificate and key in a LoadedCard's place (for cardBody). */
export const phoneAsCard = (p: LoadedPhone): LoadedCard => ({ ...p.card, userAuthCertificateDer: p.userAuthCertificateDer, userAuthKey: p.userAuthKey, certificateSerial: p.certificateSerial });

/** A clock tests can move; starts at 2026-11-22 12:00 JST. */
export class TestClock {
  ms: number;
  constructor(iso = "2026-11-22T03:00:00Z") {
    this.ms = Date.parse(iso);
  }
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Harness {
  readonly server: OnshiServer;
  readonly clock: TestClock;
  readonly dir: string;
  readonly http: ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<ServerOptions> = {}): Promise<Harness> {
  const f = await testFixtures();
  const dir = mkdtempSync(join(tmpdir(), "onshi-server-test-"));
  const clock = new TestClock();
  const server = await createServer({
    dataDir: dir,
    dbPath: join(dir, "onshi.sqlite"),
    now: clock.now,
    adminToken: ADMIN_TOKEN,
    seed: f.seed,
    trustedCaDers: [f.caDer],
    watchFolders: false,
    log: () => undefined,
    ...options,
  });
  return {
    server,
    clock,
    dir,
    http: request(server.app),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const b64 = (u: Uint8Array) => Buffer.from(u).toString("base64");

export async function nonce(h: Harness, facility = FACILITY): Promise<string> {
  const r = await h.http.post("/api/v1/nonces").send({ medicalInstitutionCode: facility });
  if (r.status !== 200) throw new Error(`nonce: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.nonce as string;
}

/** What the card returns for COMPUTE DIGITAL SIGNATURE over the SHA-256 DigestInfo of the nonce bytes. */
export function cardSignature(c: LoadedCard, nonceB64url: string): string {
  return sign("sha256", Buffer.from(nonceB64url, "base64url"), c.userAuthKey).toString("base64");
}

const deviceKeys = new Map<string, KeyObject>();
export function deviceKey(deviceId: string): KeyObject {
  let k = deviceKeys.get(deviceId);
  if (!k) {
    k = createPrivateKey(readFileSync(join(FIXTURE_PATHS.devices, `${deviceId}.key.pem`)));
    deviceKeys.set(deviceId, k);
  }
  return k;
}

export interface CardCallOptions {
  readonly method?: "pin" | "face" | "visual";
  readonly simulationDate?: string;
  readonly consentFlow?: "since-2024-10-07" | "before-2024-10-07";
  readonly facility?: string;
  readonly deviceId?: string;
  readonly deviceKey?: KeyObject;
  readonly nonce?: string;
  readonly signature?: string;
  readonly certificate?: Uint8Array;
}

export function cardBody(c: LoadedCard, n: string, o: CardCallOptions = {}): Record<string, unknown> {
  const method = o.method ?? "pin";
  const facility = o.facility ?? FACILITY;
  const certificate = o.certificate ?? c.userAuthCertificateDer;
  const body: Record<string, unknown> = { medicalInstitutionCode: facility, nonce: n, certificate: b64(certificate), method };
  if (method === "pin") body.signature = o.signature ?? cardSignature(c, n);
  else {
    const deviceId = o.deviceId ?? "reader-device-01";
    body.deviceAttestation = {
      deviceId,
      signature:
        o.signature ??
        signDeviceAttestation(
          { nonce: n, certificateSha256Hex: certificateSha256Hex(certificate), method, deviceId, medicalInstitutionCode: facility },
          o.deviceKey ?? deviceKey(deviceId),
        ),
    };
  }
  if (o.simulationDate) body.simulationDate = o.simulationDate;
  if (o.consentFlow) body.consentFlow = o.consentFlow;
  return body;
}

/** supertest's body is `any`; this pins it to the response schema. */
export type TypedResponse<T> = Omit<Response, "body"> & { body: T };

export async function confirmCard(h: Harness, personId: string, o: CardCallOptions = {}): Promise<TypedResponse<QualificationResponse>> {
  const c = await card(personId);
  const n = o.nonce ?? (await nonce(h, o.facility ?? FACILITY));
  return (await h.http.post("/api/v1/qualifications/card").send(cardBody(c, n, o))) as TypedResponse<QualificationResponse>;
}

export function admin(h: Harness) {
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  return {
    get: (path: string) => h.http.get(path).set(auth),
    post: (path: string, body?: unknown) => (body === undefined ? h.http.post(path).set(auth) : h.http.post(path).set(auth).send(body as object)),
    delete: (path: string) => h.http.delete(path).set(auth),
  };
}

export const body = (r: { body: QualificationResponse }) => r.body.XmlMsg.MessageBody;
export const header = (r: { body: QualificationResponse }) => r.body.XmlMsg.MessageHeader;
export const firstResult = (r: { body: QualificationResponse }) => r.body.XmlMsg.MessageBody.ResultList?.ResultOfQualificationConfirmation[0];

/** POST an XML document to /api/xml/<kind>; the answer body as bytes (XML or PDF). */
export function postXml(h: Harness, kind: string, payload: string | Buffer, type = "application/xml") {
  return h.http
    .post(`/api/xml/${kind}`)
    .set("content-type", type)
    .send(payload as string)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => cb(null, Buffer.concat(chunks)));
    });
}

/** The text of the first <name> element. */
export const xmlTag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
