/**
 * Trainer and test control of a person's state: lose or gain a qualification, suspend/revoke/reactivate a card,
 * remove the registration or the insurer's マイナンバー link, register a 医療扶助 ticket, apply for a 資格確認書, or put
 * the person back to the seed.
 */
import type { SqliteDatabase } from "../db/database.js";
import { cardPathValidity, isActiveOn } from "../domain/rules.js";
import type { PersonAction, PersonState } from "../protocol/schemas.js";
import { restorePerson } from "../seed/seeder.js";
import type { SeedData } from "../seed/seed-loader.js";
import type { CardLinkStore } from "../store/card-link-store.js";
import type { DataVersion } from "../store/data-version.js";
import type { QualificationStore } from "../store/qualification-store.js";
import type { AuditLog } from "./audit-log.js";
import { applyBenefitAction } from "./benefit-actions.js";
import { BenefitStore } from "../store/benefit-store.js";

export type ActionOutcome = { readonly ok: true; readonly state: PersonState } | { readonly ok: false; readonly code: "R008" | "R010"; readonly message: string };

export class ScenarioService {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly store: QualificationStore,
    private readonly links: CardLinkStore,
    private readonly audit: AuditLog,
    private readonly seed: () => SeedData,
    /** The simulation date (the server's clock). */
    private readonly today: () => string,
    private readonly dataVersion: DataVersion,
  ) {}

  state(personId: string): PersonState | null {
    const p = this.store.person(personId);
    if (!p) return null;
    const quals = this.store.qualificationsOf(personId);
    return {
      personId: p.personId,
      name: p.name,
      nameKana: p.nameKana,
      birthdate: p.birthdate,
      sex: p.sex,
      note: p.note,
      qualifications: quals.map((q) => ({
        qualificationId: q.qualificationId,
        insurerNumber: q.insurerNumber,
        insurerName: q.insurerName,
        insuredCardSymbol: q.insuredCardSymbol,
        insuredIdentificationNumber: q.insuredIdentificationNumber,
        insuredBranchNumber: q.insuredBranchNumber,
        personalFamilyClassification: q.personalFamilyClassification,
        qualificationDate: q.qualificationDate,
        disqualificationDate: q.disqualificationDate,
        reasonOfLoss: q.reasonOfLoss,
        myNumberLinked: q.myNumberLinked,
        origin: q.origin,
        documents: this.store.documentsOf(q.qualificationId).map((d) => ({ documentId: d.documentId, kind: d.kind, issuedOn: d.issuedOn, validUntil: d.validUntil, status: d.status })),
      })),
      cards: this.links.ofPerson(personId).map((l) => ({
        certificateSerial: l.certificateSerial,
        cardFixtureId: l.cardFixtureId,
        cardExpiresOn: l.cardExpiresOn,
        registeredForInsurance: l.registeredForInsurance,
        status: l.status,
        tokenKind: l.tokenKind,
      })),
      cardPathValidityToday: cardPathValidity(quals, this.today()).validity,
    };
  }

  scenarios(): { name: string; description: string; steps: number }[] {
    return this.seed().scenarios.map((s) => ({ name: s.name, description: s.description, steps: s.steps.length }));
  }

  /**
   * Applies a named scenario from fixtures/insurance/scenarios.json, step by step (stops at the first failure),
   * on `today` (YYYYMMDD, the simulation date) or the server's Japan date.
   */
  applyScenario(name: string, today?: string): { ok: true; persons: PersonState[] } | { ok: false; code: "R008" | "R010"; message: string } {
    const scenario = this.seed().scenarios.find((s) => s.name === name);
    if (!scenario) return { ok: false, code: "R008", message: `no scenario ${name}` };
    const touched: PersonState[] = [];
    for (const step of scenario.steps) {
      const out = this.apply(step.personId, step.action, today);
      if (!out.ok) return { ok: false, code: out.code, message: `${name}: ${step.personId}: ${out.message}` };
      touched.push(out.state);
    }
    return { ok: true, persons: touched };
  }

  states(): PersonState[] {
    return this.store.persons().map((p) => this.state(p.personId)!);
  }

  /** `today` (YYYYMMDD): the day an action without its own date happens on; default the server's Japan date. */
  apply(personId: string, action: PersonAction, simulationDate?: string): ActionOutcome {
    if (!this.store.person(personId)) return { ok: false, code: "R008", message: `no person ${personId}` };
    const today = simulationDate ?? this.today();
    const conflict = (message: string): ActionOutcome => ({ ok: false, code: "R010", message });
    switch (action.action) {
      case "lose-qualification": {
        const date = action.disqualificationDate ?? today;
        const targets = this.store
          .qualificationsOf(personId)
          .filter((q) => (action.qualificationId ? q.qualificationId === action.qualificationId : q.disqualificationDate === null || isActiveOn(q, date)));
        const open = targets.filter((q) => q.qualificationDate < date);
        if (open.length === 0) return conflict("no qualification to end on that date (it must start before the 資格喪失日)");
        const stmt = this.db.prepare("UPDATE qualifications SET disqualification_date = ?, reason_of_loss = ? WHERE qualification_id = ?");
        this.db.transaction(() => open.forEach((q) => stmt.run(date, action.reasonOfLoss, q.qualificationId)))();
        break;
      }
      case "gain-qualification": {
        const date = action.qualificationDate ?? today;
        const ins = this.db.prepare("SELECT 1 FROM insurers WHERE insurer_number = ?").get(action.insurerNumber);
        if (!ins) return conflict(`insurer ${action.insurerNumber} is not in the seed's insurers`);
        const id = action.qualificationId ?? `${personId}-ADM-${Date.now().toString(36)}`;
        if (this.store.qualification(id)) return conflict(`qualification ${id} exists`);
        const person = this.store.person(personId)!;
        this.db.transaction(() => {
          if (action.endCurrent) {
            const end = this.db.prepare("UPDATE qualifications SET disqualification_date = ?, reason_of_loss = '03' WHERE qualification_id = ?");
            for (const q of this.store.qualificationsOf(personId)) if (q.qualificationDate < date && (q.disqualificationDate === null || q.disqualificationDate > date)) end.run(date, q.qualificationId);
          }
          this.db
            .prepare(`INSERT INTO qualifications (qualification_id, person_id, insurer_number, insured_card_classification, insured_card_symbol,
              insured_identification_number, insured_branch_number, personal_family_classification, insured_name, qualification_date,
              partial_contribution_ratio, my_number_linked, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'admin')`)
            .run(id, personId, action.insurerNumber, action.insuredCardClassification, action.insuredCardSymbol ?? null, action.insuredIdentificationNumber,
              action.insuredBranchNumber ?? null, action.personalFamilyClassification, action.insuredName ?? (action.personalFamilyClassification === "1" ? person.name : null),
              date, action.partialContributionRatio, action.myNumberLinked ? 1 : 0);
        })();
        break;
      }
      case "suspend-card":
      case "revoke-card":
      case "reactivate-card": {
        const status = action.action === "suspend-card" ? "suspended" : action.action === "revoke-card" ? "revoked" : "active";
        if (this.links.update(personId, action.certificateSerial, { status }) === 0) return conflict("the person has no such card");
        break;
      }
      case "unregister-card":
        if (this.links.update(personId, action.certificateSerial, { registered: false }) === 0) return conflict("the person has no such card");
        break;
      case "unlink-my-number":
      case "link-my-number":
        this.db.prepare("UPDATE qualifications SET my_number_linked = ? WHERE person_id = ?").run(action.action === "link-my-number" ? 1 : 0, personId);
        break;
      case "register-medical-ticket":
      case "request-kakuninsho": {
        const out = applyBenefitAction(new BenefitStore(this.db), this.store, personId, action, today);
        if (!out.ok) return conflict(out.message);
        break;
      }
      case "restore":
        if (!restorePerson(this.db, this.seed(), personId)) return conflict(`${personId} is not in the seed (created by registration only?)`);
        break;
    }
    this.dataVersion.bump();
    this.audit.record({ channel: "admin", personId, detail: { action: action.action } });
    return { ok: true, state: this.state(personId)! };
  }
}
