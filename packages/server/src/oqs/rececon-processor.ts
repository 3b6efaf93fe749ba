/**
 * The レセコン request kinds beyond the single lookup, one XML document in, one answer out (XML, or a PDF for
 * 薬剤・特定健診情報 asked for as one): 一括照会 (OQSmuquc01/02), 照会番号 (OQSsiimm01, OQSmuimm01/02) and
 * 薬剤・特定健診情報 (YZKsiquc01, TKKsiquc01). Shared by the folder interface and POST /api/xml/:kind; unreadable
 * requests throw OqsRequestError, which OqsProcessor turns into the usual SegmentOfResult 9 result.
 */
import { RESULT_CODES } from "../domain/result-codes.js";
import type { BulkKind, BulkService, Reception, Unit } from "./bulk-service.js";
import type { MedicalInfoService } from "./medical-info-service.js";
import type { ReferenceService } from "../services/reference-service.js";
import type { SimulationClock } from "../services/simulation-clock.js";
import type { RequestKind } from "./file-kinds.js";
import * as X from "./rececon-xml-schemas.js";
import { parseXmlWith, type CharacterCode } from "./xml-codec.js";

export interface RececonAnswer {
  /** The XmlMsg answer (for a PDF answer: what it says, for the audit and tests). */
  readonly doc: { MessageHeader: Record<string, unknown>; MessageBody: Record<string, unknown> };
  readonly characterCode: CharacterCode;
  /** Set when the answer is a PDF document instead of XML. */
  readonly pdf?: Buffer;
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export class RececonProcessor {
  constructor(
    private readonly bulk: BulkService,
    private readonly references: ReferenceService,
    private readonly medicalInfo: MedicalInfoService,
    private readonly clock: SimulationClock,
  ) {}

  async handle(kind: Exclude<RequestKind, "OQSsiquc01">, text: string): Promise<RececonAnswer> {
    switch (kind) {
      case "OQSmuquc01": {
        const r = parseXmlWith(X.BulkLookupRequest, text).XmlMsg;
        const h = r.MessageHeader;
        return this.#receive("qualification", h, h.QualificationConfirmationDate, r.MessageBody.QualificationConfirmSearchInfo);
      }
      case "OQSmuimm01": {
        const r = parseXmlWith(X.BulkRegistrationRequest, text).XmlMsg;
        return this.#receive("reference", r.MessageHeader, undefined, r.MessageBody.ReferenceNumberRegistrationInfo);
      }
      case "OQSmuquc02":
      case "OQSmuimm02":
        return this.#results(kind === "OQSmuquc02" ? "qualification" : "reference", parseXmlWith(X.ReceptionRequest, text).XmlMsg);
      case "OQSsiimm01":
        return this.#registerOne(parseXmlWith(X.SingleRegistrationRequest, text).XmlMsg);
      case "YZKsiquc01":
        return this.medicalInfo.drugs(parseXmlWith(X.DrugInfoRequest, text).XmlMsg);
      case "TKKsiquc01":
        return this.medicalInfo.checkups(parseXmlWith(X.CheckupInfoRequest, text).XmlMsg);
    }
  }

  #header(h: { MedicalInstitutionCode: string; ArbitraryFileIdentifier?: string | undefined }, extra: Record<string, unknown> = {}) {
    return defined({ ProcessExecutionTime: this.clock.timestamp(), MedicalInstitutionCode: h.MedicalInstitutionCode, ArbitraryFileIdentifier: h.ArbitraryFileIdentifier, ...extra });
  }

  #receive(
    kind: BulkKind,
    h: { MedicalInstitutionCode: string; ArbitraryFileIdentifier?: string | undefined; CharacterCodeIdentifier?: CharacterCode | undefined },
    date: string | undefined,
    items: readonly (X.SearchInfo | X.RegistrationInfo)[],
  ): RececonAnswer {
    const characterCode = h.CharacterCodeIdentifier ?? "0";
    const out = this.bulk.receive(kind, h.MedicalInstitutionCode, date ?? this.clock.today(), h.ArbitraryFileIdentifier, items);
    if (!out.ok) {
      return { characterCode, doc: { MessageHeader: this.#header(h, { SegmentOfResult: "9", ErrorCode: out.code, ErrorMessage: out.message, CharacterCodeIdentifier: characterCode }), MessageBody: {} } };
    }
    return {
      characterCode,
      doc: {
        MessageHeader: this.#header(h, { SegmentOfResult: "1", CharacterCodeIdentifier: characterCode }),
        MessageBody: { ReceptionNumber: out.reception.receptionNumber, ReceptionDateTime: out.reception.receptionDateTime },
      },
    };
  }

  async #results(kind: BulkKind, r: X.ReceptionRequest["XmlMsg"]): Promise<RececonAnswer> {
    const h = r.MessageHeader;
    const characterCode = h.CharacterCodeIdentifier ?? "0";
    const number = r.MessageBody.ReceptionNumber;
    const state = await this.bulk.result(kind, h.MedicalInstitutionCode, number);
    const head = (reception: Reception | null, segment: "1" | "2" | "9", rest: Record<string, unknown>) =>
      this.#header(
        { MedicalInstitutionCode: h.MedicalInstitutionCode, ArbitraryFileIdentifier: h.ArbitraryFileIdentifier ?? reception?.arbitraryFileIdentifier ?? undefined },
        { QualificationConfirmationDate: reception?.simulationDate, ReceptionNumber: number, SegmentOfResult: segment, ...rest },
      );
    if (state.state === "unknown") {
      return { characterCode, doc: { MessageHeader: head(null, "9", { ErrorCode: "S913", ErrorMessage: RESULT_CODES.S913.message, CharacterCodeIdentifier: characterCode }), MessageBody: {} } };
    }
    if (state.state === "processing") {
      return { characterCode, doc: { MessageHeader: head(state.reception, "2", { CharacterCodeIdentifier: characterCode }), MessageBody: {} } };
    }
    const units: readonly Unit[] = state.units;
    const normal = units.filter((u) => u.ProcessingResultStatus === "1").length;
    const counts = { NumberOfProcessingResult: String(units.length), NumberOfNormalProcessing: String(normal), NumberOfError: String(units.length - normal) };
    const unitName = kind === "qualification" ? "BulkConfirmUnit" : "BulkRegistrationUnit";
    return { characterCode, doc: { MessageHeader: head(state.reception, "1", { ...counts, CharacterCodeIdentifier: characterCode }), MessageBody: { [unitName]: [...units] } } };
  }

  #registerOne(r: X.SingleRegistrationRequest["XmlMsg"]): RececonAnswer {
    const h = r.MessageHeader;
    const characterCode = h.CharacterCodeIdentifier ?? "0";
    const info = r.MessageBody.ReferenceNumberRegistrationInfo;
    const match = this.references.register(h.MedicalInstitutionCode, info.ReferenceNumber, {
      insurerNumber: info.InsurerNumber,
      insuredCardSymbol: info.InsuredCardSymbol,
      insuredIdentificationNumber: info.InsuredIdentificationNumber,
      insuredBranchNumber: info.InsuredBranchNumber,
    });
    return {
      characterCode,
      doc: {
        MessageHeader: this.#header(h, { SegmentOfResult: "1", CharacterCodeIdentifier: characterCode }),
        MessageBody: defined({
          ReferenceNumberRegistrationInfo: defined(info),
          ProcessingResultStatus: match.ok ? "1" : "2",
          ProcessingResultCode: match.ok ? undefined : match.code,
          ProcessingResultMessage: match.ok ? undefined : RESULT_CODES[match.code].message,
        }),
      },
    };
  }
}
