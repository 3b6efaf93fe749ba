/** Reads fixtures/insurance/benefits.json (optional: a seed folder without it has no benefits) and writes it. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SqliteDatabase } from "../db/database.js";
import { BenefitsFile } from "./benefit-seed.js";
import { BenefitStore } from "../store/benefit-store.js";

export const NO_BENEFITS: BenefitsFile = { publicExpenseCertificates: [], medicalTickets: [], kakuninshoRequests: [] };

/** Problems go to `problems` as `file: path: reason`, like the rest of the seed. */
export async function loadBenefits(insuranceDir: string, personIds: ReadonlySet<string>, problems: string[], display: (f: string) => string): Promise<BenefitsFile> {
  const file = join(insuranceDir, "benefits.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return NO_BENEFITS;
    problems.push(`${display(file)}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    return NO_BENEFITS;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    problems.push(`${display(file)}: not valid JSON (${(e as Error).message})`);
    return NO_BENEFITS;
  }
  const parsed = BenefitsFile.safeParse(json);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${display(file)}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    return NO_BENEFITS;
  }
  const b = parsed.data;
  const ids = new Set<string>();
  const check = (list: string, i: number, id: string, personId: string) => {
    if (ids.has(id)) problems.push(`${display(file)}: ${list}[${i}].id: duplicate ${id}`);
    ids.add(id);
    if (!personIds.has(personId)) problems.push(`${display(file)}: ${list}[${i}].personId: no person ${personId}`);
  };
  b.publicExpenseCertificates.forEach((c, i) => check("publicExpenseCertificates", i, c.id, c.personId));
  b.medicalTickets.forEach((t, i) => check("medicalTickets", i, t.id, t.personId));
  b.kakuninshoRequests.forEach((p, i) => {
    if (!personIds.has(p)) problems.push(`${display(file)}: kakuninshoRequests[${i}]: no person ${p}`);
  });
  return b;
}

/** Writes the benefits of everyone (or of one person, for the admin "restore"). */
export function insertBenefits(db: SqliteDatabase, b: BenefitsFile, personId?: string): number {
  const store = new BenefitStore(db);
  const mine = <T extends { personId: string }>(x: T) => !personId || x.personId === personId;
  const certificates = b.publicExpenseCertificates.filter(mine);
  const tickets = b.medicalTickets.filter(mine);
  const requests = b.kakuninshoRequests.filter((p) => !personId || p === personId);
  for (const c of certificates) store.addCertificate(c);
  for (const t of tickets) store.addTicket(t);
  for (const p of requests) store.addKakuninshoRequest(p);
  return certificates.length + tickets.length + requests.length;
}
