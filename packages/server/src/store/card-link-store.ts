/** Certificate serial ↔ person (what J-LIS knows) and whether the card is registered for insurance use. */
import type { SqliteDatabase } from "../db/database.js";
import type { CompactDate } from "../time/jst.js";

export interface CardLink {
  readonly certificateSerial: string;
  readonly personId: string;
  readonly cardFixtureId: string | null;
  readonly cardExpiresOn: CompactDate | null;
  readonly registeredForInsurance: boolean;
  readonly registeredAt: string | null;
  readonly status: "active" | "suspended" | "revoked";
  /** The card itself, or the card's function on a phone (its own certificate, REFERENCE §6). */
  readonly tokenKind: TokenKind;
}

export type TokenKind = "card" | "android" | "iphone";

interface CardLinkRow {
  certificate_serial: string;
  person_id: string;
  card_fixture_id: string | null;
  card_expires_on: string | null;
  registered_for_insurance: number;
  registered_at: string | null;
  status: CardLink["status"];
  token_kind: TokenKind;
}

const toLink = (r: CardLinkRow): CardLink => ({
  certificateSerial: r.certificate_serial,
  personId: r.person_id,
  cardFixtureId: r.card_fixture_id,
  cardExpiresOn: r.card_expires_on,
  registeredForInsurance: r.registered_for_insurance === 1,
  registeredAt: r.registered_at,
  status: r.status,
  tokenKind: r.token_kind,
});

export class CardLinkStore {
  private readonly bySerial;
  private readonly byPerson;
  private readonly register;

  constructor(private readonly db: SqliteDatabase) {
    this.bySerial = db.prepare<[string], CardLinkRow>("SELECT * FROM card_links WHERE certificate_serial = ?");
    this.byPerson = db.prepare<[string], CardLinkRow>("SELECT * FROM card_links WHERE person_id = ? ORDER BY certificate_serial");
    this.register = db.prepare("UPDATE card_links SET registered_for_insurance = 1, registered_at = ? WHERE certificate_serial = ?");
  }

  get(serial: string): CardLink | null {
    const r = this.bySerial.get(serial);
    return r ? toLink(r) : null;
  }

  ofPerson(personId: string): CardLink[] {
    return this.byPerson.all(personId).map(toLink);
  }

  markRegistered(serial: string, at: string): void {
    this.register.run(at, serial);
  }

  /** Sets a field on the person's cards (or the one serial given); returns how many cards changed. */
  update(personId: string, serial: string | undefined, change: { status?: CardLink["status"]; registered?: boolean }): number {
    const sets: string[] = [];
    const args: (string | number | null)[] = [];
    if (change.status) (sets.push("status = ?"), args.push(change.status));
    if (change.registered !== undefined) {
      sets.push("registered_for_insurance = ?", "registered_at = ?");
      args.push(change.registered ? 1 : 0, change.registered ? "admin" : null);
    }
    const where = serial ? "person_id = ? AND certificate_serial = ?" : "person_id = ?";
    return this.db.prepare(`UPDATE card_links SET ${sets.join(", ")} WHERE ${where}`).run(...args, personId, ...(serial ? [serial] : [])).changes;
  }
}
