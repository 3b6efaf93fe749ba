/** The card fixtures and the test JPKI CA, from the fixtures package, adapted to what the server needs. */
import type { LoadedCard, LoadedPhone } from "@onshi-sim/jpki-testkit";
import { normalizeSerial } from "../domain/certificate-serial.js";
import { toCompactDate } from "../time/jst.js";
import type { CardFixtureInfo } from "./seed-loader.js";

/** Sex1: 1 男, 2 女, 3 未設定 — from whichever form the fixture uses. */
function sexCode(v: unknown): "1" | "2" | "3" {
  const s = String(v).trim().toLowerCase();
  if (["1", "male", "m", "男"].includes(s)) return "1";
  if (["2", "female", "f", "女"].includes(s)) return "2";
  return "3";
}

export function cardFixtureInfo(c: LoadedCard): CardFixtureInfo {
  const f = c.fixture;
  const sex = sexCode(f.holder.sex);
  return {
    fixtureId: f.id,
    personId: f.personId,
    certificateSerial: normalizeSerial(c.certificateSerial),
    cardExpiresOn: f.card.expiresOn ? toCompactDate(f.card.expiresOn) : null,
    holder: {
      name: f.holder.name,
      nameKana: f.holder.nameKana,
      birthdate: toCompactDate(f.holder.birthDate),
      sex,
      address: f.holder.address,
      postNumber: f.holder.postcode.replace(/\D/g, ""),
    },
  };
}

/** A phone: its own certificate, linked to its card's person; it stops when the card does (card expiry kept). */
export function phoneFixtureInfo(p: LoadedPhone): CardFixtureInfo {
  return { ...cardFixtureInfo(p.card), fixtureId: p.fixture.id, certificateSerial: normalizeSerial(p.certificateSerial), tokenKind: p.fixture.os };
}

// Loaded on first use, so a server given its seed and CA (tests, benches) never touches the fixtures package.
const fixtures = () => import("@onshi-sim/jpki-testkit");

export async function loadFixtureCards(dir?: string): Promise<CardFixtureInfo[]> {
  const { loadCardFixtures, loadPhoneFixtures } = await fixtures();
  const cards = await (dir ? loadCardFixtures(dir) : loadCardFixtures());
  const phones = await (dir ? loadPhoneFixtures(dir) : loadPhoneFixtures());
  // Cards first: a person's first entry (the card) gives the holder's details.
  return [...cards.map(cardFixtureInfo), ...phones.map(phoneFixtureInfo)];
}

export async function loadTrustedCaDer(): Promise<Uint8Array> {
  const { loadTestCa } = await fixtures();
  return (await loadTestCa()).certificateDer;
}
