/**
 * The benefits part of a lookup, for QualificationService: reads the benefit store (and the person's cards for the
 * 後期高齢者 rule) and applies benefit-results.ts / domain/benefit-rules.ts.
 */
import { koukiKakuninsho, pmhScreenOn } from "../domain/benefit-rules.js";
import type { ConsentFlow, QualificationValidity } from "../domain/rules.js";
import type { ConsentSnapshot } from "../results/result-builder.js";
import type { ResultOfQualificationConfirmation } from "../results/result-schema.js";
import type { CardLinkStore } from "../store/card-link-store.js";
import type { DocumentRecord, PersonRecord, QualificationRecord } from "../store/qualification-store.js";
import type { CompactDate } from "../time/jst.js";
import type { BenefitStore } from "../store/benefit-store.js";
import { currentCertificates, validityWithBenefits, withBenefits } from "../results/benefit-results.js";

export class BenefitLookups {
  constructor(
    private readonly benefits: BenefitStore,
    private readonly links: CardLinkStore,
  ) {}

  /** Validity (6 for an unregistered 医療扶助 month) and the results with what benefits add. */
  apply(
    person: PersonRecord,
    outcome: { validity: QualificationValidity; qualifications: readonly QualificationRecord[] },
    results: readonly ResultOfQualificationConfirmation[],
    d: CompactDate,
    facility: string,
    consents: ConsentSnapshot,
  ): { validity: QualificationValidity; results: ResultOfQualificationConfirmation[] } {
    const facts = {
      certificates: this.benefits.certificatesOf(person.personId),
      tickets: this.benefits.ticketsOf(person.personId),
      publicExpenseConsent: consents.publicExpense,
      facility,
    };
    return {
      validity: validityWithBenefits(outcome.validity, outcome.qualifications, facts.tickets, d),
      results: results.map((r, i) => withBenefits(r, outcome.qualifications[i]!, d, facts)),
    };
  }

  /** Whether the kiosk shows the PMH screen to this person now. */
  publicExpenseOffered(personId: string, d: CompactDate, flow: ConsentFlow, setting: boolean | undefined): boolean {
    return pmhScreenOn(d, flow, setting) && currentCertificates(this.benefits.certificatesOf(personId), d).length > 0;
  }

  /**
   * A 後期高齢者's 資格確認書 as the 広域連合 sends them (2026 rule), beside the documents on file: an issue on file
   * for the same period wins.
   */
  documentsFor(person: PersonRecord, q: QualificationRecord, onFile: readonly DocumentRecord[], d: CompactDate): DocumentRecord[] {
    if (q.insurerKind !== "kouki") return [...onFile];
    const hasUsableMynaCard = this.links.ofPerson(person.personId).some((l) => l.registeredForInsurance && l.status === "active" && (l.cardExpiresOn === null || l.cardExpiresOn >= d));
    const issued = koukiKakuninsho({ birthdate: person.birthdate, qualificationDate: q.qualificationDate, hasUsableMynaCard, requested: this.benefits.requestedKakuninsho(person.personId) }, d);
    const virtual: DocumentRecord[] = issued
      .filter((v) => !onFile.some((f) => f.kind !== "legacy-card" && f.validUntil === v.validUntil))
      .map((v) => ({ documentId: `kouki-${q.qualificationId}-${v.issuedOn}`, qualificationId: q.qualificationId, kind: "kakuninsho-card", issuedOn: v.issuedOn, validUntil: v.validUntil, status: "active" }));
    return [...onFile, ...virtual].sort((a, b) => a.issuedOn.localeCompare(b.issuedOn));
  }
}
