import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FIXTURE_PATHS } from "../../src/config.js";
import { hasValidInsurerCheckDigit } from "../../src/domain/insurer-number.js";
import { loadSeed, SeedError } from "../../src/seed/seed-loader.js";
import { testFixtures } from "../support/server-harness.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function copyInsurance(): string {
  const d = mkdtempSync(join(tmpdir(), "onshi-seed-"));
  dirs.push(d);
  cpSync(FIXTURE_PATHS.insurance, d, { recursive: true });
  return d;
}

function edit(dir: string, file: string, change: (json: Record<string, unknown[]>) => void): void {
  const p = join(dir, file);
  const json = JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown[]>;
  change(json);
  writeFileSync(p, JSON.stringify(json));
}

async function problemsOf(insuranceDir: string): Promise<string[]> {
  const { cards } = await testFixtures();
  const { cardFixtureInfo } = await import("../../src/seed/fixture-sources.js");
  try {
    await loadSeed({ insuranceDir, devicesDir: FIXTURE_PATHS.devices, cards: cards.map(cardFixtureInfo) });
  } catch (e) {
    if (e instanceof SeedError) return [...e.problems];
    throw e;
  }
  return [];
}

describe("the committed seed", () => {
  it("loads without problems or warnings and covers every card fixture person", async () => {
    const { seed, cards } = await testFixtures();
    expect(seed.warnings).toEqual([]);
    const ids = new Set(seed.persons.map((p) => p.personId));
    for (const c of cards) expect(ids).toContain(c.fixture.personId);
    for (const i of seed.insurers) expect(hasValidInsurerCheckDigit(i.insurerNumber)).toBe(true);
    expect(seed.cardLinks.filter((l) => !l.registeredForInsurance).map((l) => l.personId)).toEqual(["P0011"]);
    for (const p of seed.persons) expect(p.nameKana).toMatch(/^[\uFF65-\uFF9F ]+$/);
    expect(seed.devices.map((d) => d.deviceId)).toContain("reader-device-01");
  });
});

describe("seed errors name the file and the path", () => {
  it("invalid JSON", async () => {
    const d = copyInsurance();
    writeFileSync(join(d, "persons.json"), "{ not json");
    expect((await problemsOf(d))[0]).toMatch(/^.*persons\.json: not valid JSON/);
  });

  it("a bad check digit, an unknown insurer, a duplicate id, a too-long paper 資格確認書", async () => {
    const d = copyInsurance();
    edit(d, "insurers.json", (j) => ((j.insurers![0] as { insurerNumber: string }).insurerNumber = "01130013"));
    let problems = await problemsOf(d);
    expect(problems).toContainEqual(expect.stringMatching(/insurers\.json: insurers\[0\]\.insurerNumber: not a 6- or 8-digit 保険者番号 with a valid check digit/));

    const d2 = copyInsurance();
    edit(d2, "persons.json", (j) => {
      const persons = j.persons as { qualifications: { id: string; insurerNumber: string; documents: { kind: string; issuedOn: string; validUntil: string }[] }[] }[];
      persons[0]!.qualifications[0]!.insurerNumber = "01130020";
      persons[1]!.qualifications[0]!.id = persons[2]!.qualifications[0]!.id;
    });
    problems = await problemsOf(d2);
    expect(problems).toContainEqual(expect.stringMatching(/persons\.json: persons\[0\]\.qualifications\[0\]\.insurerNumber: 01130020 is not in insurers\.json/));
    expect(problems).toContainEqual(expect.stringMatching(/persons\.json: persons\[\d+\]\.qualifications\[0\]\.id: duplicate/));

    // Schema problems are reported before cross-file checks.
    const d3 = copyInsurance();
    edit(d3, "persons.json", (j) => {
      const persons = j.persons as { qualifications: { documents: unknown[] }[] }[];
      persons[0]!.qualifications[0]!.documents.push({ id: "DX", kind: "kakuninsho-paper", issuedOn: "2025-01-06", validUntil: "2025-06-30" });
    });
    expect(await problemsOf(d3)).toContainEqual(expect.stringMatching(/persons\[0\]\.qualifications\[0\]\.documents\[1\]\.validUntil: kakuninsho-paper is valid at most 3 months \(until 2025-04-06\)/));
  });

  it("an unknown field and a wrong date", async () => {
    const d = copyInsurance();
    edit(d, "persons.json", (j) => {
      const p = j.persons![11] as Record<string, unknown>;
      p.favouriteColour = "blue";
      p.birthdate = "1982-02-30";
    });
    const problems = await problemsOf(d);
    expect(problems).toContainEqual(expect.stringMatching(/persons\[11\]: .*favouriteColour/));
    expect(problems).toContainEqual(expect.stringMatching(/persons\[11\]\.birthdate: not a calendar date/));
  });
});
