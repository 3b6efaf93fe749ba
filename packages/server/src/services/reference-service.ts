/**
 * 照会番号 registration (OQSsiimm01, and each person of an OQSmuimm01 batch), and finding the one person that
 * insurance numbers without a birth date name — what 照会番号 and 薬剤・特定健診情報 requests carry.
 */
import { normalizeInsurerNumber } from "../domain/insurer-number.js";
import type { QualificationStore } from "../store/qualification-store.js";
import type { ReferenceNumberStore } from "../store/reference-number-store.js";
import type { AuditLog } from "./audit-log.js";
import type { SimulationClock } from "./simulation-clock.js";

export interface InsuranceNumbers {
  readonly insurerNumber: string;
  readonly insuredCardSymbol?: string | undefined;
  readonly insuredIdentificationNumber: string;
  readonly insuredBranchNumber?: string | undefined;
}

export type PersonMatch = { readonly ok: true; readonly personId: string } | { readonly ok: false; readonly code: "E411" | "E412" };

const normalizeSymbol = (s: string | null | undefined) => (s ?? "").normalize("NFKC").trim();

/** The person those numbers name: E411 nobody, E412 several (a family without 枝番). Any qualification counts, past ones too. */
export function findPerson(store: QualificationStore, n: InsuranceNumbers): PersonMatch {
  const symbol = normalizeSymbol(n.insuredCardSymbol);
  const people = new Set(
    store
      .byInsuranceNumber(normalizeInsurerNumber(n.insurerNumber), n.insuredIdentificationNumber.trim())
      .filter((q) => !symbol || q.insuredCardSymbol === null || normalizeSymbol(q.insuredCardSymbol) === symbol)
      .filter((q) => n.insuredBranchNumber === undefined || q.insuredBranchNumber === null || q.insuredBranchNumber === n.insuredBranchNumber)
      .map((q) => q.personId),
  );
  if (people.size === 0) return { ok: false, code: "E411" };
  if (people.size > 1) return { ok: false, code: "E412" };
  return { ok: true, personId: [...people][0]! };
}

export class ReferenceService {
  constructor(
    private readonly store: QualificationStore,
    private readonly references: ReferenceNumberStore,
    private readonly audit: AuditLog,
    private readonly clock: SimulationClock,
  ) {}

  /** Registers (or replaces) the number for the person the insurance numbers name, at that facility. */
  register(facility: string, referenceNumber: string, numbers: InsuranceNumbers): PersonMatch {
    const match = findPerson(this.store, numbers);
    const simulationDate = this.clock.today();
    if (match.ok) this.references.put(facility, match.personId, referenceNumber, this.clock.timestamp());
    this.audit.record({
      channel: "reference-number",
      medicalInstitutionCode: facility,
      personId: match.ok ? match.personId : null,
      simulationDate,
      processingResultStatus: match.ok ? "1" : "2",
      code: match.ok ? null : match.code,
    });
    return match;
  }
}
