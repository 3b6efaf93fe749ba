/**
 * The scenario file format: bad files fail with the file name, the field path and the reason; the catalogue
 * itself is valid, covers the list, and names public documents (or the project's own) as its sources.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenarioFile, loadScenarios, needsFace, parseScenario, ScenarioError, SCENARIOS_DIR, type Scenario } from "../src/scenario-schema.js";
import { SCENARIO_SCHEMA_FILE } from "../src/scenario-json-schema.js";

const dir = mkdtempSync(join(tmpdir(), "onshi-scenario-schema-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const minimal = (): Record<string, unknown> => ({
  name: "sample",
  title: { ja: "例", en: "Example" },
  summary: { ja: "例です。", en: "An example." },
  source: [{ issuer: "全国健康保険協会", title: "資格情報のお知らせ", date: "2024-06" }],
  steps: [{ do: "insert", card: "yamada-taro", narration: { ja: "カードを置きます。", en: "The card is placed." } }],
});

function writeScenario(file: string, content: unknown): string {
  const path = join(dir, file);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

function failure(file: string, content: unknown): ScenarioError {
  const path = writeScenario(file, content);
  try {
    loadScenarioFile(path);
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error(`${file} was accepted`);
}

describe("scenario files: errors name the file, the field and the reason", () => {
  it("accepts a minimal scenario", () => {
    const s = loadScenarioFile(writeScenario("sample.json", minimal()));
    expect(s.name).toBe("sample");
    expect(needsFace(s)).toBe(false);
  });

  it("not JSON", () => {
    const e = failure("sample.json", "{ name: ");
    expect(e.message).toMatch(/sample\.json: not valid JSON/);
  });

  it("a missing field", () => {
    const s = minimal();
    delete s.title;
    const e = failure("sample.json", s);
    expect(e.path).toBe("title");
    expect(e.message).toMatch(/sample\.json: title: /);
  });

  it("a step without narration", () => {
    const s = minimal();
    s.steps = [{ do: "insert", card: "yamada-taro" }];
    expect(failure("sample.json", s).path).toBe("steps.0.narration");
  });

  it("an unknown step kind", () => {
    const s = minimal();
    s.steps = [{ do: "dance", narration: { ja: "踊る", en: "dance" } }];
    const e = failure("sample.json", s);
    expect(e.path).toBe("steps.0.do");
  });

  it("an unknown field (strict)", () => {
    const s = minimal();
    s.steps = [{ do: "insert", card: "yamada-taro", colour: "red", narration: { ja: "置く", en: "place" } }];
    const e = failure("sample.json", s);
    expect(e.path).toBe("steps.0");
    expect(e.reason).toMatch(/colour/);
  });

  it("a bad expectation value", () => {
    const s = minimal();
    s.steps = [{ do: "insert", card: "yamada-taro", narration: { ja: "置く", en: "place" }, expect: { phase: "finished" } }];
    expect(failure("sample.json", s).path).toBe("steps.0.expect.phase");
    s.steps = [{ do: "pin", pin: "12345", narration: { ja: "入力", en: "type" } }];
    expect(failure("sample.json", s).path).toBe("steps.0.pin");
    s.steps = [{ do: "insert", card: "yamada-taro", narration: { ja: "置く", en: "place" }, expect: { error: "pin-lockd" } }];
    expect(failure("sample.json", s).path).toBe("steps.0.expect.error");
  });

  it("a card that is not a fixture", () => {
    const s = minimal();
    s.steps = [{ do: "insert", card: "yamada-tar", narration: { ja: "置く", en: "place" } }];
    const e = failure("sample.json", s);
    expect(e.message).toBe(`${e.file}: steps.0.card: no card fixture "yamada-tar" (fixtures/cards)`);
  });

  it("a face image that does not exist", () => {
    const s = minimal();
    s.steps = [{ do: "face", image: "nobody.jpg", narration: { ja: "顔", en: "face" } }];
    expect(failure("sample.json", s).path).toBe("steps.0.image");
  });

  it("an unknown person or server scenario", () => {
    const s = minimal();
    s.setup = { personActions: [{ personId: "P9999", action: { action: "unlink-my-number" } }] };
    expect(failure("sample.json", s).path).toBe("setup.personActions.0.personId");
    s.setup = { serverScenario: "no-such-case" };
    expect(failure("sample.json", s).message).toMatch(/setup\.serverScenario: no server scenario "no-such-case"/);
  });

  it("a person action the server would refuse (its own schema)", () => {
    const s = minimal();
    s.setup = { personActions: [{ personId: "P0001", action: { action: "lose-qualification", reasonOfLoss: "42" } }] };
    expect(failure("sample.json", s).path).toBe("setup.personActions.0.action.reasonOfLoss");
  });

  it("a lookup request the server would refuse (its own schema)", () => {
    const s = minimal();
    s.steps = [{ do: "lookup", request: { insurerNumber: "123", insuredIdentificationNumber: "1", birthdate: "19700101" }, narration: { ja: "照会", en: "look up" } }];
    expect(failure("sample.json", s).path).toBe("steps.0.request.insurerNumber");
  });

  it("a date that is not on the calendar", () => {
    const s = minimal();
    s.setup = { date: "2026-02-30" };
    expect(failure("sample.json", s).path).toBe("setup.date");
  });

  it("a name that does not match the file", () => {
    const e = failure("other.json", minimal());
    expect(e.path).toBe("name");
    expect(e.reason).toMatch(/file name/);
  });

  it("parseScenario checks objects too", () => {
    expect(() => parseScenario({ ...minimal(), source: [] }, "inline")).toThrow(/inline: source: /);
  });
});

describe("the catalogue (fixtures/scenarios)", () => {
  const catalogue: Scenario[] = loadScenarios();
  const names = new Set(catalogue.map((s) => s.name));

  it("every file is valid and named after its scenario", () => {
    expect(readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith(".json") && f !== SCENARIO_SCHEMA_FILE).length).toBe(catalogue.length);
  });

  it("covers every case in issue 6's list", () => {
    const required = [
      "mynacard-pin", "mynacard-face", "left-job-invalid", "job-change-new-qualification",
      "number-not-submitted", "number-submitted-late", "number-submitted-wrong", "multiple-qualifications",
      "pin-locked-face", "face-fails-pin", "visual-check", "family-member-pin", "face-only-card",
      "cert-expired-grace", "cert-expired-after-grace", "card-lost-suspended", "not-registered-register-at-reader",
      "kakuninsho-paper-new-member", "kakuninsho-card", "kakuninsho-expired", "oshirase-with-card-reader-broken",
      "mynaportal-with-card", "oshirase-only-refused", "legacy-card-before-end", "legacy-card-interim",
      "legacy-card-after-interim", "legacy-card-after-leaving-job", "elderly-70-74-ratio", "limit-bracket-old-flow",
      "limit-bracket-since-2024-10-07", "specific-disease", "server-maintenance", "slow-server",
    ];
    expect(required.filter((n) => !names.has(n))).toEqual([]);
  });

  it("every scenario is listed in fixtures/scenarios/README.md", () => {
    const readme = readFileSync(join(SCENARIOS_DIR, "README.md"), "utf8");
    expect(catalogue.filter((s) => !readme.includes(`\`${s.name}\``)).map((s) => s.name)).toEqual([]);
  });

  it("every step has narration in both languages, every scenario a source", () => {
    for (const s of catalogue) {
      expect(s.source.length, s.name).toBeGreaterThan(0);
      for (const step of s.steps) expect(step.narration.ja && step.narration.en, `${s.name} ${step.do}`).toBeTruthy();
    }
  });

  it("a source names a document, not a private id; a source of our own is a file of this repository", () => {
    const repo = join(SCENARIOS_DIR, "..", "..");
    const bad: string[] = [];
    for (const s of catalogue) {
      const refs = [...s.source, ...s.steps.flatMap((step) => (step.rule ? [step.rule.source] : []))];
      for (const ref of refs) if (ref.issuer === "onshi-sim" && !existsSync(join(repo, ref.title))) bad.push(`${s.name}: no ${ref.title} in the repository`);
    }
    expect(bad).toEqual([]);
    const domain = readFileSync(join(repo, "docs", "domain.md"), "utf8");
    const cited = new Set(catalogue.flatMap((s) => [...s.source, ...s.steps.flatMap((step) => (step.rule ? [step.rule.source] : []))]).filter((r) => r.title === "docs/domain.md").map((r) => /^§\d+/.exec(r.section ?? "")?.[0]));
    for (const section of cited) expect(domain, `docs/domain.md has ${section}`).toContain(`## ${section} `);
  });

  it("refuses a private id as a source, and a source without issuer or title", () => {
    expect(() => parseScenario({ ...minimal(), source: [{ issuer: "onshi-sim", title: "seed-004" }] }, "inline")).toThrow(/not a private id/);
    expect(() => parseScenario({ ...minimal(), source: [{ document: "seed-004" }] }, "inline")).toThrow(/inline: source\.0/);
    expect(() => parseScenario({ ...minimal(), source: [{ issuer: "墨田区", title: "一体化", url: "file:///etc/passwd" }] }, "inline")).toThrow(/http\(s\) URL/);
    expect(parseScenario({ ...minimal(), source: [{ issuer: "うちの医院", title: "受付マニュアル 第3版" }] }, "inline").source[0]?.issuer).toBe("うちの医院");
  });
});
