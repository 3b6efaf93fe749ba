/**
 * The house rules over the import graph (issue 12 §5), for the repository at `ROOT`: the layer tables are read from
 * its ARCHITECTURE.md, so the document and the check cannot drift. Every finding names the file and the import.
 * Run by layers.test.ts on this repository, and on small made-up repositories to show that each rule bites.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const SCOPE = "@onshi-sim/";
const MAX_SRC_LINES = 400;
const CODE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
/** Subpaths another package may import: its index and its protocol. */
const PUBLIC_SUBPATHS = new Set(["", "protocol"]);

// ── the tables in ARCHITECTURE.md ───────────────────────────────────────────────────────────────────

/** Rows of the first markdown table after `heading`: `| <row> | `a`, `b` | … |` → name → row. */
export function readLayerTable(markdown: string, heading: string): Map<string, number> {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`ARCHITECTURE.md has no heading "${heading}"`);
  const rows = new Map<string, number>();
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("#")) break;
    if (!line.startsWith("|")) {
      if (inTable) break;
      continue;
    }
    inTable = true;
    const cells = line.split("|").map((c) => c.trim());
    const row = Number(cells[1]);
    if (!/^\d+$/.test(cells[1] ?? "")) continue; // header and separator
    for (const m of (cells[2] ?? "").matchAll(/`([^`]+)`/g)) rows.set(m[1]!, row);
  }
  if (rows.size === 0) throw new Error(`ARCHITECTURE.md: no table rows under "${heading}"`);
  return rows;
}

export interface Pkg {
  dir: string; // packages/<dir>
  name: string; // apdu (without the scope)
  json: { exports?: Record<string, string> | string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
}

export interface HouseRules {
  readonly packageRows: Map<string, number>;
  readonly serverRows: Map<string, number>;
  packageFindings(): string[];
  cycleFindings(): string[];
  serverFindings(): string[];
  fileFindings(): string[];
}

export function houseRules(ROOT: string): HouseRules {
  const ARCHITECTURE = readFileSync(join(ROOT, "ARCHITECTURE.md"), "utf8");
  const PACKAGE_ROWS = readLayerTable(ARCHITECTURE, "## Packages and layers");
  const SERVER_ROWS = readLayerTable(ARCHITECTURE, "### Inside the server");

  // ── the workspace ───────────────────────────────────────────────────────────────────────────────────


  const PACKAGES: Pkg[] = readdirSync(join(ROOT, "packages"))
    .filter((d) => existsSync(join(ROOT, "packages", d, "package.json")))
    .map((d) => {
      const json = JSON.parse(readFileSync(join(ROOT, "packages", d, "package.json"), "utf8")) as Pkg["json"] & { name: string };
      return { dir: join("packages", d), name: json.name.replace(SCOPE, ""), json };
    });
  const BY_NAME = new Map(PACKAGES.map((p) => [p.name, p]));

  function declared(p: Pkg): Set<string> {
    const all = { ...p.json.dependencies, ...p.json.devDependencies, ...p.json.optionalDependencies, ...p.json.peerDependencies };
    return new Set(Object.keys(all).filter((k) => k.startsWith(SCOPE)).map((k) => k.slice(SCOPE.length)));
  }

  function walk(dir: string, out: string[] = []): string[] {
    if (!existsSync(dir)) return out;
    for (const entry of readdirSync(dir)) {
      if (entry === "node_modules" || entry === "dist" || entry === ".git" || entry === "data") continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path, out);
      else out.push(path);
    }
    return out;
  }

  const rel = (abs: string) => relative(ROOT, abs).split(sep).join("/");

  function importsOf(abs: string): string[] {
    return ts.preProcessFile(readFileSync(abs, "utf8"), true, true).importedFiles.map((f) => f.fileName);
  }

  /** The file a relative specifier names (`./x.js` → `./x.ts`), or the path as written when none exists. */
  function resolveRelative(from: string, spec: string): string {
    const base = resolve(dirname(from), spec);
    const candidates = [base, base.replace(/\.(m|c)?js$/, ".$1ts"), base.replace(/\.js$/, ".tsx"), `${base}.ts`, `${base}.tsx`, join(base, "index.ts")];
    return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
  }

  function packageOf(abs: string): Pkg | undefined {
    const r = rel(abs);
    return PACKAGES.find((p) => r === p.dir || r.startsWith(`${p.dir}/`));
  }

  /** The packages a root `test/` or `bench/` helper brings in (a package test importing it imports them too). */
  const rootHelperPackages = new Map<string, Set<string>>();
  function packagesBroughtBy(abs: string, seen = new Set<string>()): Set<string> {
    const cached = rootHelperPackages.get(abs);
    if (cached) return cached;
    const out = new Set<string>();
    if (seen.has(abs) || !existsSync(abs)) return out;
    seen.add(abs);
    for (const spec of importsOf(abs)) {
      if (spec.startsWith(SCOPE)) out.add(spec.slice(SCOPE.length).split("/")[0]!);
      else if (spec.startsWith(".")) {
        const target = resolveRelative(abs, spec);
        const owner = packageOf(target);
        if (owner) out.add(owner.name);
        else for (const n of packagesBroughtBy(target, seen)) out.add(n);
      }
    }
    rootHelperPackages.set(abs, out);
    return out;
  }

  // ── the findings ────────────────────────────────────────────────────────────────────────────────────

  function packageFindings(): string[] {
    const problems: string[] = [];
    for (const p of PACKAGES) if (!PACKAGE_ROWS.has(p.name)) problems.push(`${p.dir}: package ${SCOPE}${p.name} has no row in ARCHITECTURE.md's layer table`);
    for (const name of PACKAGE_ROWS.keys()) if (!BY_NAME.has(name)) problems.push(`ARCHITECTURE.md: layer table names ${name}, which is not a package`);

    for (const p of PACKAGES) {
      const exportsField = p.json.exports ?? {};
      const keys = typeof exportsField === "string" ? ["."] : Object.keys(exportsField);
      for (const k of keys) {
        if (k.includes("*")) problems.push(`${p.dir}/package.json: exports "${k}" (a package exports its index and protocol, not ./*)`);
        else if (!PUBLIC_SUBPATHS.has(k.replace(/^\.\/?/, ""))) problems.push(`${p.dir}/package.json: exports "${k}" (only "." and "./protocol")`);
      }
      const myRow = PACKAGE_ROWS.get(p.name);
      const mine = declared(p);
      for (const abs of walk(join(ROOT, p.dir)).filter((f) => CODE.test(f))) {
        const file = rel(abs);
        for (const spec of importsOf(abs)) {
          let targets: { name: string; how: string }[] = [];
          if (spec.startsWith(SCOPE)) {
            const [name, ...rest] = spec.slice(SCOPE.length).split("/");
            const sub = rest.join("/");
            if (!PUBLIC_SUBPATHS.has(sub)) problems.push(`${file}: imports "${spec}" — a deep path into ${SCOPE}${name} (use its index or ./protocol)`);
            targets = [{ name: name!, how: `"${spec}"` }];
          } else if (spec.startsWith(".")) {
            const target = resolveRelative(abs, spec);
            const owner = packageOf(target);
            if (owner && owner !== p) {
              const inside = rel(target).slice(owner.dir.length + 1);
              if (!inside.startsWith("test/")) problems.push(`${file}: imports "${spec}" — a relative path into ${owner.dir} (use ${SCOPE}${owner.name})`);
              targets = [{ name: owner.name, how: `"${spec}"` }];
            } else if (!owner) {
              targets = [...packagesBroughtBy(target)].map((name) => ({ name, how: `"${spec}" (which imports ${SCOPE}${name})` }));
            }
          }
          for (const { name, how } of targets) {
            if (name === p.name) continue;
            const row = PACKAGE_ROWS.get(name);
            if (!BY_NAME.has(name)) problems.push(`${file}: imports ${how} — no such package`);
            else if (myRow !== undefined && row !== undefined && row >= myRow)
              problems.push(`${file}: imports ${how} — ${SCOPE}${name} is on row ${row}, ${SCOPE}${p.name} on row ${myRow} (import only from lower rows)`);
            if (!mine.has(name) && spec.startsWith(SCOPE)) problems.push(`${file}: imports ${how} — not declared in ${p.dir}/package.json`);
          }
        }
      }
    }
    return [...new Set(problems)];
  }

  function cycleFindings(): string[] {
    const problems: string[] = [];
    const edges = new Map(PACKAGES.map((p) => [p.name, [...declared(p)].filter((n) => n !== p.name)]));
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (n: string) => {
      state.set(n, "open");
      stack.push(n);
      for (const m of edges.get(n) ?? []) {
        if (state.get(m) === "open") problems.push(`package cycle (dependencies + devDependencies): ${[...stack.slice(stack.indexOf(m)), m].map((x) => SCOPE + x).join(" → ")}`);
        else if (!state.has(m)) visit(m);
      }
      stack.pop();
      state.set(n, "done");
    };
    for (const p of PACKAGES) if (!state.has(p.name)) visit(p.name);
    return problems;
  }

  function serverFindings(): string[] {
    const problems: string[] = [];
    const srcDir = join(ROOT, "packages/server/src");
    const folderOf = (abs: string): string => {
      const inside = relative(srcDir, abs).split(sep);
      return inside.length > 1 ? inside[0]! : inside[0]!.replace(CODE, "");
    };
    const folders = new Set(walk(srcDir).filter((f) => CODE.test(f)).map(folderOf));
    for (const f of folders) if (!SERVER_ROWS.has(f)) problems.push(`packages/server/src/${f}: no row in ARCHITECTURE.md's server table`);
    for (const abs of walk(srcDir).filter((f) => CODE.test(f))) {
      const from = folderOf(abs);
      for (const spec of importsOf(abs).filter((s) => s.startsWith("."))) {
        const target = resolveRelative(abs, spec);
        if (!target.startsWith(srcDir + sep)) continue;
        const to = folderOf(target);
        if (to === from) continue;
        const a = SERVER_ROWS.get(from);
        const b = SERVER_ROWS.get(to);
        if (a !== undefined && b !== undefined && b >= a) problems.push(`${rel(abs)}: imports "${spec}" — server ${to} is on row ${b}, ${from} on row ${a} (import only from lower rows)`);
      }
    }
    return problems;
  }

  function fileFindings(): string[] {
    const problems: string[] = [];
    for (const abs of walk(join(ROOT, "fixtures"))) {
      if (CODE.test(abs) || /\.(py|sh)$/.test(abs)) problems.push(`${rel(abs)}: code in fixtures/ (it holds data only)`);
    }
    for (const p of PACKAGES) {
      for (const abs of walk(join(ROOT, p.dir, "src")).filter((f) => CODE.test(f))) {
        const lines = readFileSync(abs, "utf8").split("\n");
        const count = lines.at(-1) === "" ? lines.length - 1 : lines.length;
        if (count > MAX_SRC_LINES) problems.push(`${rel(abs)}: ${count} lines (at most ${MAX_SRC_LINES} under src/; split it by responsibility)`);
      }
    }
    // Built so that this file does not name it itself.
    const outside = ["..", "shared"].join("/");
    const text = /\.(md|ts|tsx|mts|js|mjs|cjs|json|html|css|ya?ml|txt)$/;
    for (const abs of walk(ROOT).filter((f) => text.test(f) && !f.endsWith("package-lock.json"))) {
      const lines = readFileSync(abs, "utf8").split("\n");
      lines.forEach((l, i) => {
        if (l.includes(outside)) problems.push(`${rel(abs)}:${i + 1}: refers to ${outside} (the repository stands alone)`);
      });
    }
    return problems;
  }

  return { packageRows: PACKAGE_ROWS, serverRows: SERVER_ROWS, packageFindings, cycleFindings, serverFindings, fileFindings };
}
