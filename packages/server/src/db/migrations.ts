/**
 * Numbered schema migrations, applied in order inside one transaction each and recorded in
 * schema_migrations. Never edit a released migration: add the next number.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "initial schema",
    sql: `
      CREATE TABLE insurers (
        insurer_number TEXT PRIMARY KEY,           -- digits only (6 for 国保, 8 otherwise)
        name TEXT NOT NULL,
        kind TEXT NOT NULL
      );
      CREATE TABLE persons (
        person_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        name_kana TEXT NOT NULL,                   -- half-width katakana
        birthdate TEXT NOT NULL,                   -- YYYYMMDD
        sex TEXT NOT NULL,                         -- Sex1: 1 男, 2 女, 3 未設定
        address TEXT NOT NULL,
        post_number TEXT NOT NULL,
        note TEXT
      );
      CREATE TABLE qualifications (
        qualification_id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES persons(person_id) ON DELETE CASCADE,
        insurer_number TEXT NOT NULL REFERENCES insurers(insurer_number),
        insured_card_classification TEXT NOT NULL,
        insured_card_symbol TEXT,
        insured_identification_number TEXT NOT NULL,
        insured_branch_number TEXT,
        personal_family_classification TEXT NOT NULL,
        insured_name TEXT,
        qualification_date TEXT NOT NULL,
        disqualification_date TEXT,                -- 資格喪失日: the qualification is void from this day
        reason_of_loss TEXT,
        insured_card_valid_date TEXT,
        insured_card_expiration_date TEXT,
        partial_contribution_ratio TEXT,
        my_number_linked INTEGER NOT NULL,         -- 0: the insurer has not registered the マイナンバー (card path sees nothing)
        elderly_json TEXT,
        limit_json TEXT,
        specific_diseases_json TEXT,
        origin TEXT NOT NULL                       -- seed | admin
      );
      CREATE INDEX qualifications_by_person ON qualifications(person_id);
      CREATE INDEX qualifications_by_number ON qualifications(insurer_number, insured_identification_number);
      CREATE TABLE documents (
        document_id TEXT PRIMARY KEY,
        qualification_id TEXT NOT NULL REFERENCES qualifications(qualification_id) ON DELETE CASCADE,
        kind TEXT NOT NULL,                        -- legacy-card | kakuninsho-paper | kakuninsho-card
        issued_on TEXT NOT NULL,
        valid_until TEXT,                          -- printed expiry
        status TEXT NOT NULL                       -- active | lost | returned
      );
      CREATE INDEX documents_by_qualification ON documents(qualification_id);
      CREATE TABLE card_links (
        certificate_serial TEXT PRIMARY KEY,       -- uppercase hex of the user-auth certificate
        person_id TEXT NOT NULL REFERENCES persons(person_id) ON DELETE CASCADE,
        card_fixture_id TEXT,
        card_expires_on TEXT,                      -- YYYYMMDD
        registered_for_insurance INTEGER NOT NULL, -- 保険証利用登録
        registered_at TEXT,
        status TEXT NOT NULL                       -- active | suspended | revoked
      );
      CREATE INDEX card_links_by_person ON card_links(person_id);
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        public_key_pem TEXT NOT NULL,
        medical_institution_code TEXT,             -- NULL: any facility
        status TEXT NOT NULL,                      -- active | revoked
        description TEXT
      );
      CREATE TABLE confirmations (
        confirmation_id TEXT PRIMARY KEY,
        medical_institution_code TEXT NOT NULL,
        person_id TEXT NOT NULL,
        certificate_serial TEXT NOT NULL,
        method TEXT NOT NULL,
        simulation_date TEXT NOT NULL,
        consent_flow TEXT NOT NULL,
        usable INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL,
        completed_at_ms INTEGER,
        face_file TEXT
      );
      CREATE TABLE consents (
        consent_id INTEGER PRIMARY KEY AUTOINCREMENT,
        person_id TEXT NOT NULL,
        medical_institution_code TEXT NOT NULL,
        item TEXT NOT NULL,                        -- diagnosis | pharmacists | specificHealthCheckups | operation | limitApplication | specificDiseases
        flag TEXT NOT NULL,                        -- ConsFlg: 1 同意, 0 不同意
        cons_time TEXT NOT NULL,
        available_time TEXT,
        confirmation_id TEXT,
        recorded_at_ms INTEGER NOT NULL
      );
      CREATE INDEX consents_by_person_facility ON consents(person_id, medical_institution_code, item, consent_id);
      CREATE TABLE audit_log (
        audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,                          -- ISO instant
        channel TEXT NOT NULL,
        medical_institution_code TEXT,
        reference_classification TEXT,
        method TEXT,
        person_id TEXT,
        certificate_serial TEXT,
        simulation_date TEXT,
        segment_of_result TEXT,
        processing_result_status TEXT,
        qualification_validity TEXT,
        code TEXT,
        detail TEXT
      );
      CREATE TABLE faults (
        fault_id INTEGER PRIMARY KEY AUTOINCREMENT,
        medical_institution_code TEXT,             -- NULL: global
        kind TEXT NOT NULL,                        -- latency | timeout | maintenance | segment9
        delay_ms INTEGER,
        remaining INTEGER,                         -- NULL: until removed
        error_code TEXT,
        error_message TEXT,
        created_at TEXT NOT NULL
      );
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 2,
    name: "fewer pages per lookup commit",
    // A card lookup commits one confirmation and one audit row. With a rowid table and a TEXT primary key the
    // confirmation also wrote an index page, and AUTOINCREMENT rewrote sqlite_sequence on every commit: four WAL
    // pages per commit where two do. WITHOUT ROWID keeps confirmations in their (time-ordered) key's B-tree;
    // audit ids stay increasing without AUTOINCREMENT because audit rows are never deleted.
    sql: `
      CREATE TABLE confirmations_v2 (
        confirmation_id TEXT PRIMARY KEY NOT NULL,
        medical_institution_code TEXT NOT NULL,
        person_id TEXT NOT NULL,
        certificate_serial TEXT NOT NULL,
        method TEXT NOT NULL,
        simulation_date TEXT NOT NULL,
        consent_flow TEXT NOT NULL,
        usable INTEGER NOT NULL,
        created_at_ms INTEGER NOT NULL,
        completed_at_ms INTEGER,
        face_file TEXT
      ) WITHOUT ROWID;
      INSERT INTO confirmations_v2 SELECT confirmation_id, medical_institution_code, person_id, certificate_serial, method,
        simulation_date, consent_flow, usable, created_at_ms, completed_at_ms, face_file FROM confirmations;
      DROP TABLE confirmations;
      ALTER TABLE confirmations_v2 RENAME TO confirmations;
      CREATE TABLE audit_log_v2 (
        audit_id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        channel TEXT NOT NULL,
        medical_institution_code TEXT,
        reference_classification TEXT,
        method TEXT,
        person_id TEXT,
        certificate_serial TEXT,
        simulation_date TEXT,
        segment_of_result TEXT,
        processing_result_status TEXT,
        qualification_validity TEXT,
        code TEXT,
        detail TEXT
      );
      INSERT INTO audit_log_v2 SELECT audit_id, at, channel, medical_institution_code, reference_classification, method, person_id,
        certificate_serial, simulation_date, segment_of_result, processing_result_status, qualification_validity, code, detail FROM audit_log;
      DROP TABLE audit_log;
      ALTER TABLE audit_log_v2 RENAME TO audit_log;
      DELETE FROM sqlite_sequence WHERE name = 'audit_log';
    `,
  },
  {
    version: 3,
    name: "レセコン interfaces: 一括照会 receptions and 照会番号",
    sql: `
      CREATE TABLE bulk_receptions (
        reception_number TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL,                        -- qualification (OQSmuquc) | reference (OQSmuimm)
        medical_institution_code TEXT NOT NULL,
        simulation_date TEXT NOT NULL,
        arbitrary_file_identifier TEXT,
        request_json TEXT NOT NULL,                -- the people asked for, in request order
        received_at_ms INTEGER NOT NULL,
        ready_at_ms INTEGER NOT NULL,              -- before this, a 02 request answers SegmentOfResult 2 (処理中)
        result_json TEXT                           -- the units, once worked out
      ) WITHOUT ROWID;
      CREATE TABLE reference_numbers (
        medical_institution_code TEXT NOT NULL,
        person_id TEXT NOT NULL,
        reference_number TEXT NOT NULL,
        registered_at TEXT NOT NULL,
        PRIMARY KEY (medical_institution_code, person_id)
      ) WITHOUT ROWID;
      `,
    },
    {
      version: 4,
    name: "医療費助成 受給者証, 医療扶助 tickets, 資格確認書 applications",
    // Read per person by store/benefit-store.ts; one JSON body per row (never searched by its fields).
    sql: `
      CREATE TABLE benefits (
        benefit_id TEXT PRIMARY KEY NOT NULL,
        person_id TEXT NOT NULL REFERENCES persons(person_id) ON DELETE CASCADE,
        kind TEXT NOT NULL,                        -- pmh | ticket | kakuninsho-request
        body TEXT NOT NULL,                        -- JSON (benefit-seed.ts)
        origin TEXT NOT NULL                       -- seed | admin
      );
      CREATE INDEX benefits_by_person ON benefits(person_id, kind);
    `,
    },
  {
    version: 5,
    name: "smartphone certificates",
    // A phone's own user-auth certificate links to the person like a card's; token_kind says which it is
    // (card | android | iphone): a phone gets no grace after expiry, and results and the audit log say "phone".
    sql: `ALTER TABLE card_links ADD COLUMN token_kind TEXT NOT NULL DEFAULT 'card';`,
  },
];
