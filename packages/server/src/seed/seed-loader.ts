/**
 * Reads and checks the seed: fixtures/insurance/*.json (insurers, people with their qualifications and
 * documents, card registration states), fixtures/devices/devices.json (reader device keys) and the card
 * fixtures (certificate serial ↔ person). Every problem is reported as `file: path: reason`.
 */
import { createPublicKey } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { z } from "zod";
import { REPO_ROOT } from "../config.js";
import { toHalfWidthKana } from "../domain/kana.js";
import { normalizeSerial } from "../domain/certificate-serial.js";
import type { BenefitsFile } from "./benefit-seed.js";
import { loadBenefits } from "./benefit-seeding.js";
import type { CompactDate } from "../time/jst.js";
import {
  CardLinksFile,
  DevicesFile,
  InsurersFile,
  PersonsFile,
  ScenariosFile,
  type CardLinkSeed,
  type ScenarioSeed,
  type InsurerSeed,
  type QualificationSeed,
} from "./seed-schema.js";

/** What the server needs from one card fixture (adapted from the fixtures package's LoadedCard). */
export interface CardFixtureInfo {
  readonly fixtureId: string;
  readonly personId: string;
  readonly certificateSerial: string; // uppercase hex
  readonly cardExpiresOn: CompactDate | null;
  /** A phone's certificate (android | iphone): linked to its card's person; absent for a card. */
  readonly tokenKind?: "android" | "iphone" | undefined;
  readonly holder: {
    readonly name: string;
    readonly nameKana: string;
    readonly birthdate: CompactDate;
    readonly sex: "1" | "2" | "3";
    readonly address: string;
    readonly postNumber: string;
  };
}

export interface ResolvedPerson {
  readonly personId: string;
  readonly name: string;
  readonly nameKana: string; // half-width
  readonly birthdate: CompactDate;
  readonly sex: "1" | "2" | "3";
  readonly address: string;
  readonly postNumber: string;
  readonly note: string | null;
  readonly qualifications: readonly QualificationSeed[];
}

export interface ResolvedCardLink {
  readonly certificateSerial: string;
  readonly personId: string;
  readonly cardFixtureId: string;
  readonly cardExpiresOn: CompactDate | null;
  readonly registeredForInsurance: boolean;
  readonly status: CardLinkSeed["status"];
  readonly tokenKind?: "card" | "android" | "iphone" | undefined;
}

export interface ResolvedDevice {
  readonly deviceId: string;
  readonly publicKeyPem: string;
  readonly medicalInstitutionCode: string | null;
  readonly status: "active" | "revoked";
  readonly description: string | null;
}

export interface SeedData {
  readonly insurers: readonly InsurerSeed[];
  readonly persons: readonly ResolvedPerson[];
  readonly cardLinks: readonly ResolvedCardLink[];
  readonly devices: readonly ResolvedDevice[];
  readonly scenarios: readonly ScenarioSeed[];
  /** 医療費助成 受給者証, 医療扶助 tickets, 資格確認書 applications (benefits.json). */
  readonly benefits: BenefitsFile;
  readonly warnings: readonly string[];
}

export class SeedError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`seed data is invalid:\n  ${problems.join("\n  ")}`);
    this.name = "SeedError";
  }
}

export interface SeedSources {
  readonly insuranceDir: string;
  readonly devicesDir: string;
  readonly cards: readonly CardFixtureInfo[];
}

const display = (file: string) => (file.startsWith(REPO_ROOT) ? relative(REPO_ROOT, file) : file);

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(root)";
}

async function readJson<S extends z.ZodType>(file: string, schema: S, problems: string[]): Promise<z.output<S> | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    problems.push(`${display(file)}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    problems.push(`${display(file)}: not valid JSON (${(e as Error).message})`);
    return null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${display(file)}: ${formatPath(issue.path)}: ${issue.message}`);
    return null;
  }
  return parsed.data;
}

export async function loadSeed(sources: SeedSources): Promise<SeedData> {
  const problems: string[] = [];
  const warnings: string[] = [];
  const insurersFile = join(sources.insuranceDir, "insurers.json");
  const personsFile = join(sources.insuranceDir, "persons.json");
  const linksFile = join(sources.insuranceDir, "card-links.json");
  const scenariosFile = join(sources.insuranceDir, "scenarios.json");
  const devicesFile = join(sources.devicesDir, "devices.json");
  const [insurers, persons, links, scenarios, devices] = await Promise.all([
    readJson(insurersFile, InsurersFile, problems),
    readJson(personsFile, PersonsFile, problems),
    readJson(linksFile, CardLinksFile, problems),
    readJson(scenariosFile, ScenariosFile, problems),
    readJson(devicesFile, DevicesFile, problems),
  ]);
  if (!insurers || !persons || !links || !scenarios || !devices) throw new SeedError(problems);

  const insurerNumbers = new Set<string>();
  insurers.insurers.forEach((ins, i) => {
    if (insurerNumbers.has(ins.insurerNumber)) problems.push(`${display(insurersFile)}: insurers[${i}].insurerNumber: duplicate ${ins.insurerNumber}`);
    insurerNumbers.add(ins.insurerNumber);
  });

  const cardsByPerson = new Map<string, CardFixtureInfo[]>();
  for (const c of sources.cards) cardsByPerson.set(c.personId, [...(cardsByPerson.get(c.personId) ?? []), c]);

  const resolved: ResolvedPerson[] = [];
  const personIds = new Set<string>();
  const qualificationIds = new Set<string>();
  const documentIds = new Set<string>();
  persons.persons.forEach((p, i) => {
    const at = `${display(personsFile)}: persons[${i}]`;
    if (personIds.has(p.personId)) problems.push(`${at}.personId: duplicate ${p.personId}`);
    personIds.add(p.personId);
    const card = cardsByPerson.get(p.personId)?.[0];
    const holder = card?.holder;
    const field = <K extends keyof NonNullable<typeof holder>>(key: K, given: string | undefined): string => {
      if (given !== undefined) {
        if (holder && key !== "nameKana" && holder[key] !== given)
          problems.push(`${at}.${key}: "${given}" differs from card fixture ${card?.fixtureId} ("${holder[key]}")`);
        return given;
      }
      if (holder) return holder[key];
      problems.push(`${at}.${key}: required (no card fixture has personId ${p.personId})`);
      return "";
    };
    const kanaSource = field("nameKana", p.nameKana);
    p.qualifications.forEach((q, j) => {
      const qat = `${at}.qualifications[${j}]`;
      if (qualificationIds.has(q.id)) problems.push(`${qat}.id: duplicate ${q.id}`);
      qualificationIds.add(q.id);
      if (!insurerNumbers.has(q.insurerNumber)) problems.push(`${qat}.insurerNumber: ${q.insurerNumber} is not in insurers.json`);
      q.documents.forEach((d, k) => {
        if (documentIds.has(d.id)) problems.push(`${qat}.documents[${k}].id: duplicate ${d.id}`);
        documentIds.add(d.id);
      });
    });
    resolved.push({
      personId: p.personId,
      name: field("name", p.name),
      nameKana: toHalfWidthKana(kanaSource) ?? "",
      birthdate: field("birthdate", p.birthdate),
      sex: field("sex", p.sex) as "1" | "2" | "3",
      address: field("address", p.address),
      postNumber: field("postNumber", p.postNumber),
      note: p.note ?? null,
      qualifications: p.qualifications,
    });
  });

  // A card fixture whose person the seed does not describe still gets a person (no qualification, not registered).
  for (const [personId, cards] of cardsByPerson) {
    if (personIds.has(personId)) continue;
    const h = cards[0]!.holder;
    warnings.push(`card fixture ${cards[0]!.fixtureId}: person ${personId} is not in persons.json; seeded with no qualification and no registration`);
    resolved.push({ personId, ...h, nameKana: toHalfWidthKana(h.nameKana) ?? "", note: "from the card fixture only", qualifications: [] });
    personIds.add(personId);
  }

  const linkSeeds = new Map<string, CardLinkSeed>();
  links.cardLinks.forEach((l, i) => {
    if (linkSeeds.has(l.personId)) problems.push(`${display(linksFile)}: cardLinks[${i}].personId: duplicate ${l.personId}`);
    if (!cardsByPerson.has(l.personId)) problems.push(`${display(linksFile)}: cardLinks[${i}].personId: no card fixture has personId ${l.personId}`);
    linkSeeds.set(l.personId, l);
  });
  const cardLinks: ResolvedCardLink[] = [];
  const serials = new Set<string>();
  for (const c of sources.cards) {
    if (serials.has(normalizeSerial(c.certificateSerial))) problems.push(`card fixture ${c.fixtureId}: certificate serial ${c.certificateSerial} used by two cards`);
    serials.add(normalizeSerial(c.certificateSerial));
    const seed = linkSeeds.get(c.personId);
    cardLinks.push({
      certificateSerial: normalizeSerial(c.certificateSerial),
      personId: c.personId,
      cardFixtureId: c.fixtureId,
      cardExpiresOn: c.cardExpiresOn,
      registeredForInsurance: seed?.registeredForInsurance ?? false,
      status: seed?.status ?? "active",
      // A phone shares its card's registration and status (one person, one 利用登録).
      tokenKind: c.tokenKind ?? "card",
    });
  }

  const resolvedDevices: ResolvedDevice[] = [];
  for (const [i, d] of devices.devices.entries()) {
    const keyFile = join(sources.devicesDir, d.publicKeyFile);
    try {
      const pem = await readFile(keyFile, "utf8");
      createPublicKey(pem); // fail at seed time, not at the first face read
      resolvedDevices.push({ deviceId: d.deviceId, publicKeyPem: pem, medicalInstitutionCode: d.medicalInstitutionCode, status: d.status, description: d.description ?? null });
    } catch (e) {
      problems.push(`${display(devicesFile)}: devices[${i}].publicKeyFile: ${display(keyFile)}: ${(e as Error).message}`);
    }
  }

  // 家族 whose 被保険者 is given by personId take that person's (possibly card-fixture) name.
  const names = new Map(resolved.map((p) => [p.personId, p.name]));
  for (const [i, p] of resolved.entries()) {
    const qualifications = p.qualifications.map((q, j) => {
      if (!q.insuredPersonId) return q;
      const name = names.get(q.insuredPersonId);
      if (!name) problems.push(`${display(personsFile)}: persons[${i}].qualifications[${j}].insuredPersonId: no person ${q.insuredPersonId}`);
      return { ...q, insuredName: name ?? "" };
    });
    resolved[i] = { ...p, qualifications };
  }

  const scenarioNames = new Set<string>();
  scenarios.scenarios.forEach((sc, i) => {
    if (scenarioNames.has(sc.name)) problems.push(`${display(scenariosFile)}: scenarios[${i}].name: duplicate ${sc.name}`);
    scenarioNames.add(sc.name);
    sc.steps.forEach((st, j) => {
      if (!personIds.has(st.personId)) problems.push(`${display(scenariosFile)}: scenarios[${i}].steps[${j}].personId: no person ${st.personId}`);
    });
  });

  const benefits = await loadBenefits(sources.insuranceDir, personIds, problems, display);

  if (problems.length) throw new SeedError(problems);
  return { insurers: insurers.insurers, persons: resolved, cardLinks, devices: resolvedDevices, scenarios: scenarios.scenarios, benefits, warnings };
}
