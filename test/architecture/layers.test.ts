/**
 * The house rules, checked over the import graph (issue 12 §5). The layer tables are read from ARCHITECTURE.md,
 * so the document and the check cannot drift: change a row there and this test holds the code to it.
 *
 * Every code file of a package counts — `src/`, `test/`, `scripts/`, `bin/` — since a test's import is a
 * (dev) dependency too and a cycle through devDependencies is still a cycle. Cross-layer suites live in the root
 * `test/` (not a package), which may import any package through its index. There is no allow-list.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { houseRules } from "./house-rules.js";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const rules = houseRules(REPO);
const PACKAGE_ROWS = rules.packageRows;
const SERVER_ROWS = rules.serverRows;
const { packageFindings, cycleFindings, serverFindings, fileFindings } = rules;

describe("the house rules (ARCHITECTURE.md)", () => {
  it("reads both layer tables", () => {
    expect(PACKAGE_ROWS.get("apdu")).toBe(0);
    expect(PACKAGE_ROWS.get("cli")).toBeGreaterThan(PACKAGE_ROWS.get("kiosk-ui")!);
    expect(SERVER_ROWS.size).toBeGreaterThan(3);
  });

  it("a package imports only lower rows, through their index or protocol, declared in its package.json; exports no ./*", () => {
    expect(packageFindings()).toEqual([]);
  });

  it("no package cycle through dependencies or devDependencies", () => {
    expect(cycleFindings()).toEqual([]);
  });

  it("inside the server, a folder imports only folders on lower rows", () => {
    expect(serverFindings()).toEqual([]);
  });

  it("fixtures/ holds data only; no src/ file over 400 lines; nothing refers outside the repository", () => {
    expect(fileFindings()).toEqual([]);
  });
});

describe("the house rules bite (a made-up repository)", () => {
  const root = mkdtempSync(join(tmpdir(), "onshi-house-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const pkg = (name: string, deps: Record<string, string> = {}, exports: Record<string, string> = { ".": "./src/index.ts" }, devDeps: Record<string, string> = {}) =>
    write(`packages/${name}/package.json`, JSON.stringify({ name: `@onshi-sim/${name}`, exports, dependencies: deps, devDependencies: devDeps }));
  write(
    "ARCHITECTURE.md",
    ["## Packages and layers", "", "| row | package | job |", "|---|---|---|", "| 0 | `low` | x |", "| 1 | `mid` | x |", "| 2 | `high` | x |", "", "### Inside the server", "", "| row | folders | job |", "|---|---|---|", "| 0 | `domain` | x |", "| 1 | `store` | x |", ""].join("\n"),
  );
  pkg("low", {}, { ".": "./src/index.ts", "./*": "./src/*.ts" });
  pkg("mid", { "@onshi-sim/low": "0.1.0" }, undefined, { "@onshi-sim/high": "0.1.0" });
  pkg("high", { "@onshi-sim/mid": "0.1.0" });
  pkg("server");
  write("packages/low/src/index.ts", `import { x } from "@onshi-sim/mid";\nexport const y = x;\n`);
  write("packages/mid/src/index.ts", `export { a } from "@onshi-sim/low/src/a.js";\nexport const x = 1;\n`);
  write("packages/mid/test/mid.test.ts", `import { h } from "@onshi-sim/high";\nimport { z } from "@onshi-sim/nowhere";\n`);
  write("packages/high/src/index.ts", `import { y } from "@onshi-sim/low";\nimport { b } from "../../mid/src/index.js";\n` + "// line\n".repeat(401));
  write("packages/server/src/domain/rules.ts", `import type { R } from "../store/records.js";\n`);
  write("packages/server/src/store/records.ts", `export type R = 1;\n`);
  write("fixtures/tool.ts", "export {};\n");
  write("docs/notes.md", `see ${["..", "shared"].join("/")}/x\n`);
  const made = houseRules(root);

  it("names the file and the import for each broken rule", () => {
    const found = made.packageFindings().join("\n");
    expect(found).toContain('packages/low/src/index.ts: imports "@onshi-sim/mid" — @onshi-sim/mid is on row 1, @onshi-sim/low on row 0');
    expect(found).toContain('packages/low/src/index.ts: imports "@onshi-sim/mid" — not declared in packages/low/package.json');
    expect(found).toContain('packages/mid/src/index.ts: imports "@onshi-sim/low/src/a.js" — a deep path');
    expect(found).toContain('packages/mid/test/mid.test.ts: imports "@onshi-sim/high" — @onshi-sim/high is on row 2');
    expect(found).toContain('packages/mid/test/mid.test.ts: imports "@onshi-sim/nowhere" — no such package');
    expect(found).toContain('packages/high/src/index.ts: imports "../../mid/src/index.js" — a relative path into packages/mid');
    expect(found).toContain('packages/low/package.json: exports "./*"');
    expect(found).toContain("package @onshi-sim/server has no row");
    expect(made.cycleFindings().join("\n")).toMatch(/@onshi-sim\/(mid|high) → @onshi-sim\/(high|mid) → /);
    expect(made.serverFindings()).toEqual(['packages/server/src/domain/rules.ts: imports "../store/records.js" — server store is on row 1, domain on row 0 (import only from lower rows)']);
    const files = made.fileFindings().join("\n");
    expect(files).toContain("fixtures/tool.ts: code in fixtures/");
    expect(files).toContain("packages/high/src/index.ts: 403 lines");
    expect(files).toContain("docs/notes.md:1: refers to");
  });
});
