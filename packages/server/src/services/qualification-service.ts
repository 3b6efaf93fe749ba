/**
 * The two lookups of the オンライン資格確認等システム — by card (ReferenceClassification 1, challenge–response)
 * and by insurance number (2) — and 利用登録 at the reader.
 */
import { verify, type KeyObject } from "node:crypto";
import type { GroupCommit } from "../db/group-commit.js";
import { timeOrderedId } from "./random-pool.js";
import { normalizeInsurerNumber } from "../domain/insurer-number.js";
import { RESULT_CODES, type NoticeCode, type RefusalCode } from "../domain/result-codes.js";
import {
  cardPathValidity,
  defaultConsentFlow,
  documentCheck,
  expiryCheck,
  numberPathValidity,
  type ConsentFlow,
  type ExpiryCheck,
  type QualificationValidity,
} from "../domain/rules.js";
import { verifyDeviceAttestation } from "../protocol/device-attestation.js";
import type { CardQualificationRequest, InsuranceQualificationRequest, RegistrationRequest } from "../protocol/schemas.js";
import {
  isUsable,
  refusalMessage,
  resultOfQualification,
  successMessage,
  type HeaderInput,
  type ProvisionOptions,
} from "../results/result-builder.js";
import type { ResultOfQualificationConfirmation, SimulatorInfo, XmlMsg } from "../results/result-schema.js";
import type { CardLink, CardLinkStore, TokenKind } from "../store/card-link-store.js";
import type { ConfirmationStore } from "../store/confirmation-store.js";
import { VersionedCache, type DataVersion } from "../store/data-version.js";
import type { QualificationStore } from "../store/qualification-store.js";
import type { ReferenceNumberStore } from "../store/reference-number-store.js";
import { simulationTimestamp, type CompactDate } from "../time/jst.js";
import type { AuditChannel, AuditLog } from "./audit-log.js";
import type { CertificateVerifier, InspectedCertificate } from "./certificate-verifier.js";
import { ConsentService } from "./consent-service.js";
import type { DeviceRegistry } from "./device-registry.js";
import type { NonceStore } from "./nonce-store.js";
import type { SimulationClock } from "./simulation-clock.js";
import type { BenefitLookups } from "./benefit-lookups.js";

export interface LookupAnswer {
  readonly msg: XmlMsg;
  readonly simulator: SimulatorInfo;
}

export type RegistrationOutcome =
  | { readonly ok: true; readonly certificateSerial: string; readonly registeredAt: string }
  | { readonly ok: false; readonly code: RefusalCode };

export interface QualificationServiceDeps {
  readonly store: QualificationStore;
  readonly links: CardLinkStore;
  readonly confirmations: ConfirmationStore;
  readonly consents: ConsentService;
  readonly nonces: NonceStore;
  readonly certificates: CertificateVerifier;
  readonly devices: DeviceRegistry;
  readonly audit: AuditLog;
  readonly commits: GroupCommit;
  readonly dataVersion: DataVersion;
  readonly now: () => Date;
  /** The server's simulation date, for requests without one. */
  readonly clock: SimulationClock;
  /** 照会番号 registered per facility and person: results carry it unless the request brings its own. */
  readonly references: ReferenceNumberStore;
  /** 医療費助成 (PMH), 医療扶助 and the 2026 後期高齢者 documents (services/benefit-lookups.ts). */
  readonly benefits: BenefitLookups;
}

type AuthOutcome =
  | { readonly ok: true; readonly cert: InspectedCertificate; readonly link: CardLink; readonly notices: NoticeCode[] }
  | { readonly ok: false; readonly code: RefusalCode; readonly cert: InspectedCertificate | null };

/**
 * The card's PKCS#1 v1.5 SHA-256 signature over the nonce. Synchronous on purpose: an RSA-2048 verification is
 * ~30 µs, while handing it to libuv's thread pool costs the event loop more than that in thread wake-ups
 * (futex and the completion notification, measured with perf at 2,000 lookups/s on two cores).
 */
function verifyPinSignature(data: Buffer, publicKey: KeyObject, signatureBase64: string): boolean {
  try {
    return verify("sha256", data, publicKey, Buffer.from(signatureBase64, "base64"));
  } catch {
    return false;
  }
}

/** The method the audit log records: the verification method, or for a phone its kind (the phone proved presence). */
export function recordedMethod(method: string, token: TokenKind): string {
  return token === "card" ? method : `smartphone-${token}`;
}

const CERT_CODES = { notYet: "E113", expiring: "N101", grace: "N102", expired: "E114" } as const;
const CARD_CODES = { notYet: null, expiring: "N103", grace: "N104", expired: "E117" } as const;

/** NFKC and trimmed, so 全角 digits in a 記号 match the half-width ones on file. */
const normalizeSymbol = (s: string | null | undefined) => (s ?? "").normalize("NFKC").trim();

export class QualificationService {
  /** Card-path lookups per person, facility, date and flow: the same card read again costs no query until data changes. */
  private readonly cardLookups: VersionedCache<{ validity: QualificationValidity; results: ResultOfQualificationConfirmation[] }>;
  /** Certificate serial → card link, likewise. */
  private readonly links: VersionedCache<CardLink | null>;

  constructor(private readonly deps: QualificationServiceDeps) {
    this.cardLookups = new VersionedCache(deps.dataVersion);
    this.links = new VersionedCache(deps.dataVersion);
  }

  private today(now: Date): CompactDate {
    return this.deps.clock.today(now);
  }

  /** Nonce, certificate chain and dates, proof of presence (PIN signature or device), then the serial's link. */
  private authenticate(
    req: { medicalInstitutionCode: string; nonce: string; certificate: string; signature?: string | undefined },
    proof: { kind: "pin" } | { kind: "device"; method: "face" | "visual"; deviceId: string; signature: string },
    d: CompactDate,
    allowGrace: boolean,
  ): AuthOutcome {
    const { nonces, certificates, devices } = this.deps;
    const nonce = nonces.consume(req.nonce, req.medicalInstitutionCode);
    if (!nonce.ok) return { ok: false, code: nonce.code, cert: null };
    const cert = certificates.inspect(req.certificate);
    if (!cert) return { ok: false, code: "E110", cert: null };
    if (!cert.chainsToTrustedCa) return { ok: false, code: "E112", cert };
    if (proof.kind === "pin") {
      if (!verifyPinSignature(nonce.bytes, cert.publicKey, req.signature ?? "")) return { ok: false, code: "E111", cert };
    } else {
      const device = devices.get(proof.deviceId);
      if (!device) return { ok: false, code: "E121", cert };
      if (device.status !== "active") return { ok: false, code: "E122", cert };
      if (device.medicalInstitutionCode !== null && device.medicalInstitutionCode !== req.medicalInstitutionCode) return { ok: false, code: "E124", cert };
      const fields = { nonce: req.nonce, certificateSha256Hex: cert.derSha256Hex, method: proof.method, deviceId: proof.deviceId, medicalInstitutionCode: req.medicalInstitutionCode };
      if (!verifyDeviceAttestation(fields, Buffer.from(proof.signature, "base64"), device.publicKey)) return { ok: false, code: "E123", cert };
    }
    const notices: NoticeCode[] = [];
    const certCheck: ExpiryCheck = expiryCheck(cert, d, CERT_CODES);
    if (!certCheck.ok) return { ok: false, code: certCheck.code, cert };
    if (certCheck.notice) {
      if (certCheck.notice === "N102" && !allowGrace) return { ok: false, code: "E114", cert };
      notices.push(certCheck.notice);
    }
    const link = this.links.get(cert.serial, () => this.deps.links.get(cert.serial));
    if (!link) return { ok: false, code: "E133", cert };
    if (link.status === "suspended") return { ok: false, code: "E115", cert };
    if (link.status === "revoked") return { ok: false, code: "E116", cert };
    if (link.cardExpiresOn) {
      const cardCheck = expiryCheck({ notBefore: null, notAfter: link.cardExpiresOn }, d, CARD_CODES);
      if (!cardCheck.ok) return { ok: false, code: cardCheck.code, cert };
      if (cardCheck.notice) notices.push(cardCheck.notice);
    }
    // A phone's certificate is its own: once it or the card has expired the phone stops at once — the 3-month
    // grace is the card's only (REFERENCE §6 [C]; デジタル庁 スマホ用電子証明書 FAQ).
    if (link.tokenKind !== "card") {
      if (notices.includes("N102")) return { ok: false, code: "E114", cert };
      if (notices.includes("N104")) return { ok: false, code: "E117", cert };
    }
    return { ok: true, cert, link, notices };
  }

  async confirmByCard(req: CardQualificationRequest): Promise<LookupAnswer> {
    const { confirmations, audit, commits } = this.deps;
    const now = this.deps.now();
    const d = req.simulationDate ?? this.today(now);
    const flow: ConsentFlow = req.consentFlow ?? defaultConsentFlow(d);
    const h: HeaderInput = {
      processTime: simulationTimestamp(d, now),
      simulationDate: d,
      medicalInstitutionCode: req.medicalInstitutionCode,
      arbitraryFileIdentifier: req.arbitraryFileIdentifier,
      referenceClassification: "1",
      characterCode: "0",
    };
    const proof =
      req.method === "pin"
        ? ({ kind: "pin" } as const)
        : ({ kind: "device", method: req.method, deviceId: req.deviceAttestation?.deviceId ?? "", signature: req.deviceAttestation?.signature ?? "" } as const);
    const auth = this.authenticate(req, proof, d, true);
    // A phone is recorded as its kind (smartphone-android / smartphone-iphone), from the server's own link, never
    // from what the request says; the response marks it in simulator.token (our flag, server README).
    const token = auth.ok ? auth.link.tokenKind : this.tokenOf(auth.cert?.serial);
    const method = recordedMethod(req.method, token);
    const auditExtra = { method, ...(req.deviceAttestation && { detail: { deviceId: req.deviceAttestation.deviceId } }) };
    const tokenMark = token === "card" ? {} : { token };
    if (!auth.ok) {
      const msg = refusalMessage(h, auth.code, undefined, req.referenceNumber);
      await commits.run(() => audit.recordResult("card", msg, { ...auditExtra, certificateSerial: auth.cert?.serial ?? null }));
      return { msg, simulator: { simulationDate: d, consentFlow: flow, usable: false, notices: [], method: req.method, ...tokenMark } };
    }
    if (!auth.link.registeredForInsurance) {
      const msg = refusalMessage(h, "E131", undefined, req.referenceNumber);
      await commits.run(() => audit.recordResult("card", msg, { ...auditExtra, certificateSerial: auth.cert.serial, personId: auth.link.personId }));
      return { msg, simulator: { simulationDate: d, consentFlow: flow, usable: false, notices: [], method: req.method, ...tokenMark } };
    }
    const { msg, usable } = this.cardResult(auth.link.personId, req.medicalInstitutionCode, d, flow, h, auth.notices, req.referenceNumber);
    // Grace after an expiry (N102 certificate, N104 card): only the qualification — no consent screens (REFERENCE §6).
    const qualificationOnly = auth.notices.includes("N102") || auth.notices.includes("N104");
    const publicExpenseOffered = usable && !qualificationOnly && this.deps.benefits.publicExpenseOffered(auth.link.personId, d, flow, req.publicExpenseScreen);
    const confirmationId = timeOrderedId(Date.now());
    await commits.run(() => {
      confirmations.insert({
        confirmationId,
        medicalInstitutionCode: req.medicalInstitutionCode,
        personId: auth.link.personId,
        certificateSerial: auth.cert.serial,
        method: req.method,
        simulationDate: d,
        consentFlow: flow,
        usable,
        createdAtMs: now.getTime(),
      });
      audit.recordResult("card", msg, {
        ...auditExtra,
        personId: auth.link.personId,
        certificateSerial: auth.cert.serial,
        detail: { confirmationId, ...(req.deviceAttestation && { deviceId: req.deviceAttestation.deviceId }), ...(auth.notices.length > 1 && { notices: auth.notices }) },
      });
    });
    return {
      msg,
      simulator: { confirmationId, simulationDate: d, consentFlow: flow, usable, notices: this.noticeList(auth.notices), method: req.method, publicExpenseOffered, qualificationOnly, ...tokenMark },
    };
  }

  /** The card-path result for a person (also used again at session completion, with the consents given since). */
  cardResult(
    personId: string,
    facility: string,
    d: CompactDate,
    flow: ConsentFlow,
    h: HeaderInput,
    notices: readonly NoticeCode[],
    referenceNumber?: string,
  ): { msg: XmlMsg; usable: boolean } {
    const { store, consents } = this.deps;
    const lookup = this.cardLookups.get(`${personId}|${facility}|${d}|${flow}`, () => {
      const person = store.person(personId);
      if (!person) return { validity: "4" as const, results: [] };
      const outcome = cardPathValidity(store.qualificationsOf(personId), d);
      const snapshot = consents.snapshot(personId, facility);
      const provision = ConsentService.cardProvision(flow, snapshot);
      const results = outcome.qualifications.map((q) => resultOfQualification(person, q, d, provision));
      return this.deps.benefits.apply(person, outcome, results, d, facility, snapshot);
    });
    const msg = successMessage(h, lookup.validity, lookup.results, notices, referenceNumber ?? this.deps.references.get(facility, personId) ?? undefined);
    return { msg, usable: isUsable(msg) };
  }

  /** The token kind of a certificate serial (a refused lookup has no link in hand; "card" when unknown). */
  tokenOf(serial: string | null | undefined): TokenKind {
    if (!serial) return "card";
    return this.links.get(serial, () => this.deps.links.get(serial))?.tokenKind ?? "card";
  }

  private noticeList(codes: readonly NoticeCode[]) {
    return codes.map((code) => ({ code, message: RESULT_CODES[code].message }));
  }

  async lookupByInsurance(
    req: InsuranceQualificationRequest,
    channel: AuditChannel = "insurance",
    options: { characterCode?: "0" | "1"; limitConsFlg?: "0" | "1" } = {},
  ): Promise<LookupAnswer> {
    const { store, audit, commits } = this.deps;
    const now = this.deps.now();
    const d = req.simulationDate ?? this.today(now);
    const processTime = simulationTimestamp(d, now);
    const h: HeaderInput = {
      processTime,
      simulationDate: d,
      medicalInstitutionCode: req.medicalInstitutionCode,
      arbitraryFileIdentifier: req.arbitraryFileIdentifier,
      referenceClassification: "2",
      characterCode: options.characterCode ?? "0",
    };
    const digits = normalizeInsurerNumber(req.insurerNumber);
    const wantSymbol = normalizeSymbol(req.insuredCardSymbol);
    const candidates = store.byInsuranceNumber(digits, req.insuredIdentificationNumber.trim()).filter((q) => {
      if (wantSymbol && q.insuredCardSymbol !== null && normalizeSymbol(q.insuredCardSymbol) !== wantSymbol) return false;
      if (req.insuredBranchNumber !== undefined && q.insuredBranchNumber !== null && q.insuredBranchNumber !== req.insuredBranchNumber) return false;
      return true;
    });
    const people = new Map(candidates.map((q) => [q.personId, store.person(q.personId)]));
    const matches = candidates
      .filter((q) => people.get(q.personId)?.birthdate === req.birthdate)
      .map((q) => ({ qualification: q, personQualifications: store.qualificationsOf(q.personId) }));
    let outcome = numberPathValidity(matches, d);
    const limitFlag = options.limitConsFlg ?? (req.limitApplicationConsent === undefined ? undefined : req.limitApplicationConsent ? "1" : "0");
    const sdFlag = req.specificDiseasesConsent === undefined ? undefined : req.specificDiseasesConsent ? "1" : "0";
    const provision: ProvisionOptions = {
      limitApplication: { include: limitFlag === "1", consFlg: limitFlag, consTime: limitFlag ? processTime : undefined },
      specificDiseases: { include: sdFlag === "1", consFlg: sdFlag, consTime: sdFlag ? processTime : undefined },
      consents: {},
    };
    const plain = outcome.qualifications.map((q) => resultOfQualification(people.get(q.personId)!, q, d, provision));
    const persons = new Set(outcome.qualifications.map((q) => q.personId));
    const onlyPerson = persons.size === 1 ? [...persons][0]! : null;
    const referenceNumber = req.referenceNumber ?? (onlyPerson ? (this.deps.references.get(req.medicalInstitutionCode, onlyPerson) ?? undefined) : undefined);
    // The number path has no PMH screen: 受給者証 are not carried; 医療扶助 answers as on the card path.
    const only = outcome.qualifications.length === 1 ? people.get(outcome.qualifications[0]!.personId) : undefined;
    const withBenefits = only ? this.deps.benefits.apply(only, outcome, plain, d, req.medicalInstitutionCode, {}) : { validity: outcome.validity, results: plain };
    const results = withBenefits.results;
    outcome = { ...outcome, validity: withBenefits.validity };
    const notices: NoticeCode[] = [];
    let msg: XmlMsg | null = null;
    let documentId: string | null = null;
    if (req.presentedDocument && outcome.validity === "1") {
      const q = outcome.qualifications[0]!;
      const documents = this.deps.benefits.documentsFor(people.get(q.personId)!, q, store.documentsOf(q.qualificationId), d);
      const check = documentCheck(req.presentedDocument, documents, d, req.cardReadFailure);
      documentId = check.document?.documentId ?? null;
      if (!check.ok) msg = refusalMessage(h, check.code, { validity: outcome.validity, results }, referenceNumber);
      else if (check.notice) notices.push(check.notice);
    }
    msg ??= successMessage(h, outcome.validity, results, notices, referenceNumber);
    const done = msg;
    await commits.run(() => audit.recordResult(channel, done, {
      personId: onlyPerson,
      detail: {
        ...(req.presentedDocument && { presentedDocument: req.presentedDocument }),
        ...(documentId && { documentId }),
        ...(req.cardReadFailure && { cardReadFailure: req.cardReadFailure }),
      },
    }));
    return {
      msg,
      simulator: { simulationDate: d, consentFlow: defaultConsentFlow(d), usable: isUsable(msg), notices: this.noticeList(notices) },
    };
  }

  /** 保険証利用登録 at the reader: PIN-signed nonce, then the certificate is registered for insurance use. */
  register(req: RegistrationRequest): RegistrationOutcome {
    const now = this.deps.now();
    const d = req.simulationDate ?? this.today(now);
    // An expired certificate cannot be used to register, grace or not.
    const auth = this.authenticate(req, { kind: "pin" }, d, false);
    const base = { channel: "registration" as const, medicalInstitutionCode: req.medicalInstitutionCode, method: "pin", simulationDate: d };
    if (!auth.ok) {
      this.deps.audit.record({ ...base, certificateSerial: auth.cert?.serial ?? null, code: auth.code, processingResultStatus: "2" });
      return { ok: false, code: auth.code };
    }
    if (auth.link.registeredForInsurance) {
      this.deps.audit.record({ ...base, certificateSerial: auth.cert.serial, personId: auth.link.personId, code: "E132", processingResultStatus: "2" });
      return { ok: false, code: "E132" };
    }
    const registeredAt = simulationTimestamp(d, now);
    this.deps.store.database.transaction(() => {
      this.deps.links.markRegistered(auth.cert.serial, registeredAt);
      this.deps.dataVersion.bump();
      this.deps.audit.record({ ...base, certificateSerial: auth.cert.serial, personId: auth.link.personId, processingResultStatus: "1" });
    })();
    return { ok: true, certificateSerial: auth.cert.serial, registeredAt };
  }
}
