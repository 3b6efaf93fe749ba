/** Writes the seed into the database: all of it (reseed) or one person (admin "restore"). */
import type { SqliteDatabase } from "../db/database.js";
import type { ResolvedPerson, SeedData } from "./seed-loader.js";
import { insertBenefits } from "./benefit-seeding.js";

export interface SeedSummary {
  readonly insurers: number;
  readonly persons: number;
  readonly qualifications: number;
  readonly documents: number;
  readonly cardLinks: number;
  readonly devices: number;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

function insertPerson(db: SqliteDatabase, p: ResolvedPerson): { qualifications: number; documents: number } {
  db.prepare(
    "INSERT INTO persons (person_id, name, name_kana, birthdate, sex, address, post_number, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  ).run(p.personId, p.name, p.nameKana, p.birthdate, p.sex, p.address, p.postNumber, p.note);
  const insertQ = db.prepare(`INSERT INTO qualifications (qualification_id, person_id, insurer_number, insured_card_classification,
      insured_card_symbol, insured_identification_number, insured_branch_number, personal_family_classification, insured_name,
      qualification_date, disqualification_date, reason_of_loss, insured_card_valid_date, insured_card_expiration_date,
      partial_contribution_ratio, my_number_linked, elderly_json, limit_json, specific_diseases_json, origin)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'seed')`);
  const insertD = db.prepare("INSERT INTO documents (document_id, qualification_id, kind, issued_on, valid_until, status) VALUES (?, ?, ?, ?, ?, ?)");
  let documents = 0;
  for (const q of p.qualifications) {
    insertQ.run(
      q.id, p.personId, q.insurerNumber, q.insuredCardClassification, q.insuredCardSymbol ?? null, q.insuredIdentificationNumber,
      q.insuredBranchNumber ?? null, q.personalFamilyClassification, q.insuredName ?? (q.personalFamilyClassification === "1" ? p.name : null),
      q.qualificationDate, q.disqualificationDate ?? null, q.reasonOfLoss ?? null, q.insuredCardValidDate ?? null,
      q.insuredCardExpirationDate ?? null, q.partialContributionRatio ?? null, q.myNumberLinked ? 1 : 0,
      json(q.elderlyRecipient), json(q.limitApplication), json(q.specificDiseases),
    );
    for (const d of q.documents) {
      insertD.run(d.id, q.id, d.kind, d.issuedOn, d.validUntil ?? null, d.status);
      documents++;
    }
  }
  return { qualifications: p.qualifications.length, documents };
}

function insertCardLinks(db: SqliteDatabase, seed: SeedData, personId?: string): number {
  const stmt = db.prepare(`INSERT INTO card_links (certificate_serial, person_id, card_fixture_id, card_expires_on,
      registered_for_insurance, registered_at, status, token_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  let n = 0;
  for (const l of seed.cardLinks) {
    if (personId && l.personId !== personId) continue;
    stmt.run(l.certificateSerial, l.personId, l.cardFixtureId, l.cardExpiresOn, l.registeredForInsurance ? 1 : 0, l.registeredForInsurance ? "seed" : null, l.status, l.tokenKind ?? "card");
    n++;
  }
  return n;
}

/** Replaces every domain table with the seed. The audit log is kept (it records the reseed). */
export function reseed(db: SqliteDatabase, seed: SeedData): SeedSummary {
  return db.transaction(() => {
    for (const table of ["consents", "confirmations", "bulk_receptions", "reference_numbers", "faults", "benefits", "card_links", "documents", "qualifications", "persons", "insurers", "devices"])
      db.exec(`DELETE FROM ${table}`);
    const insIns = db.prepare("INSERT INTO insurers (insurer_number, name, kind) VALUES (?, ?, ?)");
    for (const i of seed.insurers) insIns.run(i.insurerNumber, i.name, i.kind);
    let qualifications = 0;
    let documents = 0;
    for (const p of seed.persons) {
      const r = insertPerson(db, p);
      qualifications += r.qualifications;
      documents += r.documents;
    }
    const cardLinks = insertCardLinks(db, seed);
    insertBenefits(db, seed.benefits);
    const insDev = db.prepare("INSERT INTO devices (device_id, public_key_pem, medical_institution_code, status, description) VALUES (?, ?, ?, ?, ?)");
    for (const d of seed.devices) insDev.run(d.deviceId, d.publicKeyPem, d.medicalInstitutionCode, d.status, d.description);
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded_at', ?)").run(new Date().toISOString());
    return { insurers: seed.insurers.length, persons: seed.persons.length, qualifications, documents, cardLinks, devices: seed.devices.length };
  })();
}

/** Puts one person back to the seed: qualifications, documents and card links (consents at clinics stay). */
export function restorePerson(db: SqliteDatabase, seed: SeedData, personId: string): boolean {
  const person = seed.persons.find((p) => p.personId === personId);
  if (!person) return false;
  db.transaction(() => {
    db.prepare("DELETE FROM persons WHERE person_id = ?").run(personId); // cascades to qualifications, documents, card links
    insertPerson(db, person);
    insertCardLinks(db, seed, personId);
    insertBenefits(db, seed.benefits, personId);
  })();
  return true;
}

export function isSeeded(db: SqliteDatabase): boolean {
  return db.prepare("SELECT value FROM meta WHERE key = 'seeded_at'").get() !== undefined;
}
