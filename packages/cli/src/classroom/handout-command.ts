/**
 * `onshi-sim scenario handout <name>… | --all --out DIR [--lang ja|en]`: plays each scenario on a system of its
 * own (classroom-stack.ts: server, agent, kiosk UI on free ports — nothing needs to be running) with headless
 * Chromium (Debian's /usr/bin/chromium, or $CHROMIUM) showing the kiosk and /reception, screenshots what the kiosk
 * really showed after each step (and /reception where staff act), and writes DIR/<name>.html, DIR/<name>.pdf (A4,
 * Chromium's page.pdf) and DIR/index.html. Exit 1 when a scenario did not play as expected (its handout is still
 * written, marked ✗).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { Browser, Page } from "playwright-core";
import { loadScenarios, needsFace, SCENARIOS_DIR, type Scenario, type Step } from "@onshi-sim/scenarios";
import type { Lang } from "@onshi-sim/texts";
import type { SessionView } from "@onshi-sim/agent/protocol";
import { UsageError } from "../main.js";
import { startClassroomStack } from "./classroom-stack.js";
import { handoutHtml, handoutIndexHtml, type HandoutShot } from "./handout-html.js";

export const HANDOUT_USAGE = `onshi-sim scenario handout <name>… | --all --out DIR [--lang ja|en] [--dir SCENARIOS]
  plays each scenario on its own agent, server and kiosk UI (free ports) in headless Chromium and writes
  DIR/<name>.html and DIR/<name>.pdf (A4) with a screenshot of each step, plus DIR/index.html
  (Chromium: /usr/bin/chromium or $CHROMIUM)
`;

const CHROMIUM = process.env.ONSHI_SIM_CHROMIUM ?? process.env.CHROMIUM ?? "/usr/bin/chromium";
/** Two frames later the page has painted what it rendered (a string: this package has no DOM types). */
const NEXT_FRAME = "new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))";
/** Steps where the receptionist's screen tells the story too. */
const RECEPTION_STEPS: ReadonlySet<Step["do"]> = new Set(["visual", "lookup", "consent", "pin", "face"]);

export interface HandoutResult {
  readonly name: string;
  readonly ok: boolean;
  readonly html: string;
  readonly pdf: string;
}

export async function writeHandouts(scenarios: readonly Scenario[], outDir: string, lang: Lang, log: (line: string) => void = () => {}): Promise<HandoutResult[]> {
  mkdirSync(outDir, { recursive: true });
  const { chromium } = await import("playwright-core");
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  let shots: HandoutShot[] = [];
  let current = "";
  let kiosk: Page | undefined;
  let reception: Page | undefined;
  const stack = await startClassroomStack({
    scenarios,
    face: scenarios.some(needsFace),
    player: {
      stepGapMs: 0,
      pinDigitMs: 0,
      afterStep: async (index: number, step: Step, _result, view: SessionView | undefined) => {
        if (!kiosk || !reception) return;
        // What the kiosk showed for this step: wait until it has drawn the session view the step ended with.
        const seq = view?.seq ?? 0;
        await kiosk.waitForFunction(`Number(document.querySelector(".kiosk")?.getAttribute("data-seq") ?? 0) >= ${seq}`, undefined, { timeout: 10_000 }).catch(() => undefined);
        await kiosk.evaluate(NEXT_FRAME);
        const dir = join(outDir, current);
        mkdirSync(dir, { recursive: true });
        const file = `step-${String(index + 1).padStart(2, "0")}`;
        await kiosk.screenshot({ path: join(dir, `${file}-kiosk.png`) });
        shots.push({ step: index, kind: "kiosk", file: `${current}/${file}-kiosk.png` });
        if (RECEPTION_STEPS.has(step.do)) {
          await reception.evaluate(NEXT_FRAME);
          await reception.screenshot({ path: join(dir, `${file}-reception.png`) });
          shots.push({ step: index, kind: "reception", file: `${current}/${file}-reception.png` });
        }
      },
    },
  });
  const results: HandoutResult[] = [];
  const made = new Date().toISOString().slice(0, 10);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
    kiosk = await context.newPage();
    reception = await context.newPage();
    await kiosk.goto(`${stack.uiUrl}/?mirror=1`);
    await reception.goto(`${stack.uiUrl}/reception`);
    await kiosk.locator("[data-screen]").first().waitFor({ timeout: 20_000 });
    for (const scenario of scenarios) {
      current = scenario.name;
      shots = [];
      const played = await stack.player.playThrough(scenario.name, 0);
      const htmlFile = join(outDir, `${scenario.name}.html`);
      writeFileSync(htmlFile, handoutHtml(scenario, played, shots, lang, made));
      const printer = await context.newPage();
      await printer.goto(pathToFileURL(resolve(htmlFile)).href);
      const pdfFile = join(outDir, `${scenario.name}.pdf`);
      await printer.pdf({ path: pdfFile, format: "A4", printBackground: true });
      await printer.close();
      results.push({ name: scenario.name, ok: played.ok === true, html: htmlFile, pdf: pdfFile });
      log(`${played.ok ? "✓" : "✗"} ${scenario.name}: ${htmlFile}, ${pdfFile} (${shots.length} screenshots)`);
    }
    writeFileSync(join(outDir, "index.html"), handoutIndexHtml(results.map((r) => ({ scenario: scenarios.find((s) => s.name === r.name)!, ok: r.ok })), lang, made));
  } finally {
    await browser.close().catch(() => {});
    await stack.close();
  }
  return results;
}

export async function runHandout(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { all: { type: "boolean", default: false }, out: { type: "string" }, lang: { type: "string", default: "ja" }, dir: { type: "string" }, help: { type: "boolean", default: false } },
  });
  if (values.help) {
    out.write(HANDOUT_USAGE);
    return 0;
  }
  if (!values.out) throw new UsageError(`scenario handout needs --out DIR\n\n${HANDOUT_USAGE}`);
  if (values.lang !== "ja" && values.lang !== "en") throw new UsageError("--lang must be ja or en");
  if (values.all === positionals.length > 0) throw new UsageError("scenario handout needs names or --all (not both)");
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
  const catalogue = loadScenarios(values.dir ?? SCENARIOS_DIR);
  const selected = values.all
    ? catalogue
    : positionals.map((n) => {
        const s = catalogue.find((c) => c.name === n);
        if (!s) throw new UsageError(`no scenario ${JSON.stringify(n)} (onshi-sim scenario list)`);
        return s;
      });
  const results = await writeHandouts(selected, values.out, values.lang, (line) => out.write(line + "\n"));
  out.write(`${results.length} handouts in ${join(values.out, "index.html")}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}
