/**
 * The records the rules and results work on: a person, a qualification (with its 高齢受給者 / 限度額 / 特定疾病
 * certificates) and a document (健康保険証 or 資格確認書). They belong to the domain so that the rules do not depend
 * on the store that reads them, nor the store on the seed files that fill it (the seed schemas are checked
 * against these shapes in seed/seed-schema.ts).
 */
import type { CompactDate } from "../time/jst.js";

/** 高齢受給者証: dates YYYYMMDD; contribution ratio 010/020/030 (1割/2割/3割). */
export interface ElderlyRecipientRecord {
  readonly certificateDate?: CompactDate | undefined;
  readonly validStartDate: CompactDate;
  readonly validEndDate: CompactDate;
  readonly contributionRatio: "010" | "020" | "030";
}

export type LimitBracketCode = "A01" | "A02" | "A03" | "A04" | "A05" | "A06" | "B01" | "B02" | "B03" | "B04" | "B05" | "B06" | "B07" | "B08" | "B09" | "B10";

/** 限度額適用: classification 01 限度額適用認定証, 02 限度額適用・標準負担額減額認定証, 03 (その他); brackets A01–B10. */
export interface LimitApplicationRecord {
  readonly classification: "01" | "02" | "03";
  readonly bracket: LimitBracketCode;
  readonly certificateDate?: CompactDate | undefined;
  readonly validStartDate: CompactDate;
  readonly validEndDate?: CompactDate | undefined;
  readonly longTermHospitalizationDate?: CompactDate | undefined;
}

/** 特定疾病: 1 人工透析を要する慢性腎不全, 2 血友病, 3 血液製剤由来HIV; selfPay = 自己負担限度額 in yen. */
export interface SpecificDiseaseRecord {
  readonly category: "1" | "2" | "3";
  readonly certificateDate?: CompactDate | undefined;
  readonly validStartDate: CompactDate;
  readonly validEndDate?: CompactDate | undefined;
  readonly selfPay: "10000" | "20000";
}

export interface PersonRecord {
  readonly personId: string;
  readonly name: string;
  readonly nameKana: string;
  readonly birthdate: CompactDate;
  readonly sex: "1" | "2" | "3";
  readonly address: string;
  readonly postNumber: string;
  readonly note: string | null;
}

export interface QualificationRecord {
  readonly qualificationId: string;
  readonly personId: string;
  readonly insurerNumber: string; // digits
  readonly insurerName: string;
  readonly insurerKind: string;
  readonly insuredCardClassification: "01" | "02" | "03" | "04" | "05" | "06" | "07" | "A1";
  readonly insuredCardSymbol: string | null;
  readonly insuredIdentificationNumber: string;
  readonly insuredBranchNumber: string | null;
  readonly personalFamilyClassification: "1" | "2";
  readonly insuredName: string | null;
  readonly qualificationDate: CompactDate;
  readonly disqualificationDate: CompactDate | null;
  readonly reasonOfLoss: "01" | "02" | "03" | "99" | null;
  readonly insuredCardValidDate: CompactDate | null;
  readonly insuredCardExpirationDate: CompactDate | null;
  readonly partialContributionRatio: "010" | "020" | "030" | null;
  readonly myNumberLinked: boolean;
  readonly elderly: ElderlyRecipientRecord | null;
  readonly limit: LimitApplicationRecord | null;
  readonly specificDiseases: readonly SpecificDiseaseRecord[] | null;
  readonly origin: "seed" | "admin";
}

export interface DocumentRecord {
  readonly documentId: string;
  readonly qualificationId: string;
  readonly kind: "legacy-card" | "kakuninsho-paper" | "kakuninsho-card" | "oshirase";
  readonly issuedOn: CompactDate;
  readonly validUntil: CompactDate | null;
  readonly status: "active" | "lost" | "returned";
}
