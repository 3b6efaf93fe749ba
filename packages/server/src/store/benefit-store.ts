/**
 * 医療費助成 受給者証, 医療扶助 tickets and 資格確認書 applications, per person (table `benefits`, one JSON body per
 * row: these are read per lookup, never searched by their fields).
 */
import type { SqliteDatabase } from "../db/database.js";
import type { MedicalTicket, PublicExpenseCertificate } from "../domain/benefit-records.js";

export type { MedicalTicket, PublicExpenseCertificate };

type Kind = "pmh" | "ticket" | "kakuninsho-request";

interface Row {
  benefit_id: string;
  kind: Kind;
  body: string;
}

export class BenefitStore {
  private readonly byPerson;
  private readonly insertRow;

  constructor(private readonly db: SqliteDatabase) {
    this.byPerson = db.prepare<[string, string], Row>("SELECT benefit_id, kind, body FROM benefits WHERE person_id = ? AND kind = ? ORDER BY benefit_id");
    this.insertRow = db.prepare("INSERT OR REPLACE INTO benefits (benefit_id, person_id, kind, body, origin) VALUES (?, ?, ?, ?, ?)");
  }

  certificatesOf(personId: string): PublicExpenseCertificate[] {
    return this.byPerson.all(personId, "pmh").map((r) => JSON.parse(r.body) as PublicExpenseCertificate);
  }

  ticketsOf(personId: string): MedicalTicket[] {
    return this.byPerson.all(personId, "ticket").map((r) => JSON.parse(r.body) as MedicalTicket);
  }

  requestedKakuninsho(personId: string): boolean {
    return this.byPerson.all(personId, "kakuninsho-request").length > 0;
  }

  addCertificate(c: PublicExpenseCertificate, origin: "seed" | "admin" = "seed"): void {
    this.insertRow.run(c.id, c.personId, "pmh", JSON.stringify(c), origin);
  }

  addTicket(t: MedicalTicket, origin: "seed" | "admin" = "seed"): void {
    this.insertRow.run(t.id, t.personId, "ticket", JSON.stringify(t), origin);
  }

  addKakuninshoRequest(personId: string, origin: "seed" | "admin" = "seed"): void {
    this.insertRow.run(`kakuninsho-request-${personId}`, personId, "kakuninsho-request", "{}", origin);
  }

  get database(): SqliteDatabase {
    return this.db;
  }
}
