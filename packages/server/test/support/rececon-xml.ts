/** Request documents of the レセコン interfaces beyond the single lookup, for the HTTP and folder tests. */
export interface Person {
  readonly insurer: string;
  readonly symbol?: string;
  readonly number: string;
  readonly branch?: string;
  readonly birth: string;
}

/** P1001 山田 花子 (有効), P1002 高橋 健一 (無効: left his job), and nobody (該当資格なし). */
export const VALID: Person = { insurer: "01130012", symbol: "13010001", number: "101", branch: "01", birth: "19820914" };
export const LEFT_JOB: Person = { insurer: "06139992", symbol: "10", number: "3001", branch: "00", birth: "19850714" };
export const NOBODY: Person = { insurer: "01130012", symbol: "13010001", number: "999", branch: "00", birth: "19700101" };

const decl = (sjis: boolean) => `<?xml version="1.0" encoding="${sjis ? "Shift_JIS" : "UTF-8"}"?>`;
const opt = (name: string, v: string | undefined) => (v === undefined ? "" : `<${name}>${v}</${name}>`);

export function bulkLookupXml(people: readonly Person[], o: { facility?: string; sjis?: boolean; date?: string; id?: string } = {}): string {
  const infos = people
    .map(
      (p, i) =>
        `<QualificationConfirmSearchInfo><InsurerNumber>${p.insurer}</InsurerNumber>${opt("InsuredCardSymbol", p.symbol)}<InsuredIdentificationNumber>${p.number}</InsuredIdentificationNumber>${opt("InsuredBranchNumber", p.branch)}<Birthdate>${p.birth}</Birthdate><ArbitraryIdentifier>患者${i + 1}</ArbitraryIdentifier></QualificationConfirmSearchInfo>`,
    )
    .join("\n");
  return `${decl(!!o.sjis)}
<XmlMsg><MessageHeader>${opt("QualificationConfirmationDate", o.date)}<MedicalInstitutionCode>${o.facility ?? "1311234567"}</MedicalInstitutionCode><ArbitraryFileIdentifier>${o.id ?? "明日の予約"}</ArbitraryFileIdentifier><CharacterCodeIdentifier>${o.sjis ? "1" : "0"}</CharacterCodeIdentifier></MessageHeader>
<MessageBody>${infos}</MessageBody></XmlMsg>`;
}

export function receptionXml(receptionNumber: string, o: { facility?: string; sjis?: boolean } = {}): string {
  return `${decl(!!o.sjis)}
<XmlMsg><MessageHeader><MedicalInstitutionCode>${o.facility ?? "1311234567"}</MedicalInstitutionCode><CharacterCodeIdentifier>${o.sjis ? "1" : "0"}</CharacterCodeIdentifier></MessageHeader>
<MessageBody><ReceptionNumber>${receptionNumber}</ReceptionNumber></MessageBody></XmlMsg>`;
}

const registrationInfo = (ref: string, p: Omit<Person, "birth">) =>
  `<ReferenceNumberRegistrationInfo><ReferenceNumber>${ref}</ReferenceNumber><InsurerNumber>${p.insurer}</InsurerNumber>${opt("InsuredCardSymbol", p.symbol)}<InsuredIdentificationNumber>${p.number}</InsuredIdentificationNumber>${opt("InsuredBranchNumber", p.branch)}</ReferenceNumberRegistrationInfo>`;

export function registrationXml(ref: string, p: Omit<Person, "birth">, o: { facility?: string } = {}): string {
  return `${decl(false)}
<XmlMsg><MessageHeader><MedicalInstitutionCode>${o.facility ?? "1311234567"}</MedicalInstitutionCode></MessageHeader>
<MessageBody>${registrationInfo(ref, p)}</MessageBody></XmlMsg>`;
}

export function bulkRegistrationXml(entries: readonly [string, Omit<Person, "birth">][], o: { facility?: string } = {}): string {
  return `${decl(false)}
<XmlMsg><MessageHeader><MedicalInstitutionCode>${o.facility ?? "1311234567"}</MedicalInstitutionCode></MessageHeader>
<MessageBody>${entries.map(([r, p]) => registrationInfo(r, p)).join("")}</MessageBody></XmlMsg>`;
}

export function medicalInfoXml(kind: "YZK" | "TKK", p: Omit<Person, "birth">, o: { facility?: string; fileCategory?: string; sjis?: boolean } = {}): string {
  return `${decl(!!o.sjis)}
<XmlMsg><MessageHeader><MedicalInstitutionCode>${o.facility ?? "1311234567"}</MedicalInstitutionCode><InsurerNumber>${p.insurer}</InsurerNumber>${opt("InsuranceCardSymbol", p.symbol)}<InsuredPersonIdentificationNumber>${p.number}</InsuredPersonIdentificationNumber>${opt("BranchNumber", p.branch)}<ArbitraryFileIdentifier>${kind}-1</ArbitraryFileIdentifier><CharacterCodeIdentifier>${o.sjis ? "1" : "0"}</CharacterCodeIdentifier></MessageHeader>
<MessageBody>${kind === "YZK" ? "<StartDate>202601</StartDate><EndDate>202612</EndDate>" : ""}<FileCategory>${o.fileCategory ?? "2"}</FileCategory><PrDiInfClassification>1</PrDiInfClassification></MessageBody></XmlMsg>`;
}

/** Every <name>…</name> text, in order. */
export const xmlTags = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, "g"))].map((m) => m[1]!);
