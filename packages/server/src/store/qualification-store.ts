/** Read access to people, qualifications and documents through prepared statements (the lookup hot path). */
import type { SqliteDatabase } from "../db/database.js";
import type { DocumentRecord, PersonRecord, QualificationRecord } from "../domain/records.js";
import type { CompactDate } from "../time/jst.js";

// The records are the domain's shapes; re-exported for the store's users.
export type { DocumentRecord, PersonRecord, QualificationRecord } from "../domain/records.js";

interface QualificationRow {
  qualification_id: string;
  person_id: string;
  insurer_number: string;
  insurer_name: string;
  insurer_kind: string;
  insured_card_classification: string;
  insured_card_symbol: string | null;
  insured_identification_number: string;
  insured_branch_number: string | null;
  personal_family_classification: string;
  insured_name: string | null;
  qualification_date: string;
  disqualification_date: string | null;
  reason_of_loss: string | null;
  insured_card_valid_date: string | null;
  insured_card_expiration_date: string | null;
  partial_contribution_ratio: string | null;
  my_number_linked: number;
  elderly_json: string | null;
  limit_json: string | null;
  specific_diseases_json: string | null;
  origin: string;
}

interface PersonRow {
  person_id: string;
  name: string;
  name_kana: string;
  birthdate: string;
  sex: string;
  address: string;
  post_number: string;
  note: string | null;
}

interface DocumentRow {
  document_id: string;
  qualification_id: string;
  kind: string;
  issued_on: string;
  valid_until: string | null;
  status: string;
}

const parseJson = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

function toQualification(r: QualificationRow): QualificationRecord {
  return {
    qualificationId: r.qualification_id,
    personId: r.person_id,
    insurerNumber: r.insurer_number,
    insurerName: r.insurer_name,
    insurerKind: r.insurer_kind,
    insuredCardClassification: r.insured_card_classification as QualificationRecord["insuredCardClassification"],
    insuredCardSymbol: r.insured_card_symbol,
    insuredIdentificationNumber: r.insured_identification_number,
    insuredBranchNumber: r.insured_branch_number,
    personalFamilyClassification: r.personal_family_classification as "1" | "2",
    insuredName: r.insured_name,
    qualificationDate: r.qualification_date,
    disqualificationDate: r.disqualification_date,
    reasonOfLoss: r.reason_of_loss as QualificationRecord["reasonOfLoss"],
    insuredCardValidDate: r.insured_card_valid_date,
    insuredCardExpirationDate: r.insured_card_expiration_date,
    partialContributionRatio: r.partial_contribution_ratio as QualificationRecord["partialContributionRatio"],
    myNumberLinked: r.my_number_linked === 1,
    elderly: parseJson(r.elderly_json),
    limit: parseJson(r.limit_json),
    specificDiseases: parseJson(r.specific_diseases_json),
    origin: r.origin as "seed" | "admin",
  };
}

function toPerson(r: PersonRow): PersonRecord {
  return {
    personId: r.person_id,
    name: r.name,
    nameKana: r.name_kana,
    birthdate: r.birthdate,
    sex: r.sex as PersonRecord["sex"],
    address: r.address,
    postNumber: r.post_number,
    note: r.note,
  };
}

const Q_SELECT = `SELECT q.*, i.name AS insurer_name, i.kind AS insurer_kind FROM qualifications q JOIN insurers i ON i.insurer_number = q.insurer_number`;

export class QualificationStore {
  private readonly personById;
  private readonly qualificationsByPerson;
  private readonly qualificationsByNumber;
  private readonly qualificationById;
  private readonly documentsByQualification;
  private readonly allPersons;

  constructor(private readonly db: SqliteDatabase) {
    this.personById = db.prepare<[string], PersonRow>("SELECT * FROM persons WHERE person_id = ?");
    this.allPersons = db.prepare<[], PersonRow>("SELECT * FROM persons ORDER BY person_id");
    this.qualificationsByPerson = db.prepare<[string], QualificationRow>(`${Q_SELECT} WHERE q.person_id = ? ORDER BY q.qualification_date, q.qualification_id`);
    this.qualificationsByNumber = db.prepare<[string, string], QualificationRow>(
      `${Q_SELECT} WHERE q.insurer_number = ? AND q.insured_identification_number = ? ORDER BY q.qualification_date, q.qualification_id`,
    );
    this.qualificationById = db.prepare<[string], QualificationRow>(`${Q_SELECT} WHERE q.qualification_id = ?`);
    this.documentsByQualification = db.prepare<[string], DocumentRow>("SELECT * FROM documents WHERE qualification_id = ? ORDER BY issued_on, document_id");
  }

  person(personId: string): PersonRecord | null {
    const r = this.personById.get(personId);
    return r ? toPerson(r) : null;
  }

  persons(): PersonRecord[] {
    return this.allPersons.all().map(toPerson);
  }

  qualificationsOf(personId: string): QualificationRecord[] {
    return this.qualificationsByPerson.all(personId).map(toQualification);
  }

  qualification(qualificationId: string): QualificationRecord | null {
    const r = this.qualificationById.get(qualificationId);
    return r ? toQualification(r) : null;
  }

  byInsuranceNumber(insurerDigits: string, identificationNumber: string): QualificationRecord[] {
    return this.qualificationsByNumber.all(insurerDigits, identificationNumber).map(toQualification);
  }

  documentsOf(qualificationId: string): DocumentRecord[] {
    return this.documentsByQualification.all(qualificationId).map((r) => ({
      documentId: r.document_id,
      qualificationId: r.qualification_id,
      kind: r.kind as DocumentRecord["kind"],
      issuedOn: r.issued_on,
      validUntil: r.valid_until,
      status: r.status as DocumentRecord["status"],
    }));
  }

  get database(): SqliteDatabase {
    return this.db;
  }
}
