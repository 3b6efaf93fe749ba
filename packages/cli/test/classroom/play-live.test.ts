/**
 * Issue 13 §1 on the live kiosk: /trainer plays scenarios on a running system (its own server, agent with the
 * face verifier and kiosk UI: classroom-stack.ts), step by step with "next", and the kiosk page shows each step as
 * it happens — left-job-invalid ends in 資格無効, pin-locked-face (PIN locked → 顔認証) and visual-check (目視) in
 * 受付完了 — every step ✓. /present follows the same play. Then the handouts of a scenario: HTML with a screenshot
 * per step, and an A4 PDF.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScenarios } from "@onshi-sim/scenarios";
import { startClassroomStack, type ClassroomStack } from "../../src/classroom/classroom-stack.js";
import { writeHandouts } from "../../src/classroom/handout-command.js";

const CHROMIUM = process.env.ONSHI_SIM_CHROMIUM ?? "/usr/bin/chromium";
const run = existsSync(CHROMIUM);
const NAMES = ["left-job-invalid", "pin-locked-face", "visual-check"];
const WAIT = 30_000;

describe.skipIf(!run)("playing scenarios on the live kiosk", () => {
  let stack: ClassroomStack;
  let browser: Browser;
  let kiosk: Page;
  let trainer: Page;
  let present: Page;
  const out = mkdtempSync(join(tmpdir(), "onshi-handout-"));

  beforeAll(async () => {
    const all = loadScenarios();
    stack = await startClassroomStack({ scenarios: all.filter((s) => NAMES.includes(s.name)), face: true, player: { stepGapMs: 0, pinDigitMs: 50 } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "ja-JP" });
    kiosk = await context.newPage();
    trainer = await context.newPage();
    present = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: "ja-JP" })).newPage();
    await kiosk.goto(stack.uiUrl + "/");
    await trainer.goto(stack.uiUrl + "/trainer");
    await present.goto(stack.uiUrl + "/present");
    await kiosk.locator('[data-screen="place-card"]').waitFor({ timeout: WAIT });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    rmSync(out, { recursive: true, force: true });
  });

  /** Starts `name` on /trainer, then "next" step by step; `onStep(index)` looks at the kiosk after each one. */
  async function playOnTrainer(name: string, onStep: (index: number) => Promise<void>): Promise<void> {
    const panel = trainer.locator('[data-panel="play"]');
    await panel.locator(`select[name="playScenario"] option[value="${name}"]`).waitFor({ state: "attached", timeout: WAIT });
    await panel.locator('select[name="playScenario"]').selectOption(name);
    await panel.locator('[data-action="play-start"]').click();
    await panel.locator(`[data-play-scenario="${name}"]`).waitFor({ timeout: WAIT });
    const steps = await panel.locator("[data-play-steps] li").count();
    for (let i = 0; i < steps; i++) {
      await panel.locator('[data-action="play-next"]').click();
      const item = panel.locator("[data-play-steps] li").nth(i);
      await expect.poll(() => item.getAttribute("data-status"), { timeout: WAIT }).toMatch(/^(pass|fail)$/);
      expect(await item.getAttribute("data-status"), `${name} step ${i + 1}: ${JSON.stringify(stack.player.state.steps[i])}`).toBe("pass");
      await onStep(i);
    }
    await panel.locator('[data-play-finished="ok"]').waitFor({ timeout: WAIT });
  }

  const kioskScreen = (name: string) => kiosk.locator(`[data-screen="${name}"]`).waitFor({ timeout: WAIT });

  it("left-job-invalid: set up on the simulation date, the PIN typed on the kiosk, 資格無効", async () => {
    await playOnTrainer("left-job-invalid", async (i) => {
      if (i === 3) {
        await kioskScreen("not-usable");
        expect(await kiosk.locator("[data-screen=not-usable]").getAttribute("data-error-code")).toBe("qualification-invalid");
        await kiosk.getByRole("heading", { name: "資格無効" }).waitFor({ timeout: WAIT });
        // The presenter view shows the same step's narration.
        await expect.poll(() => present.locator("[data-present-narration]").innerText(), { timeout: WAIT }).toContain("資格無効");
      }
    });
    expect(stack.settings.view.simulationDate).toBe("20261122");
  }, 120_000);

  it("pin-locked-face: the locked PIN, then the camera face the player presents; 受付完了", async () => {
    await playOnTrainer("pin-locked-face", async (i) => {
      if (i === 0) await kioskScreen("pin-locked");
      if (i === 2) await kioskScreen("face");
      if (i === 4) await kioskScreen("done");
    });
  }, 120_000);

  it("visual-check: staff confirm (目視); 受付完了", async () => {
    await playOnTrainer("visual-check", async (i) => {
      if (i === 2) await kioskScreen("done");
    });
  }, 120_000);

  it("previous step: set up again and replayed up to the step before, waiting there", async () => {
    const panel = trainer.locator('[data-panel="play"]');
    await panel.locator('[data-action="play-prev"]').click();
    const items = panel.locator("[data-play-steps] li");
    // visual-check ended on its 4th step: back to the 3rd played, the 4th waiting.
    await expect.poll(() => items.nth(3).getAttribute("data-status"), { timeout: WAIT }).toBe("pending");
    await expect.poll(() => items.nth(2).getAttribute("data-status"), { timeout: WAIT }).toBe("pass");
    await panel.locator('[data-action="play-stop"]').click();
  });

  it("handout: HTML with a screenshot of every step and 資格無効 in it, and an A4 PDF", async () => {
    const [scenario] = loadScenarios().filter((s) => s.name === "left-job-invalid");
    const [result] = await writeHandouts([scenario!], out, "ja");
    expect(result?.ok).toBe(true);
    const html = readFileSync(join(out, "left-job-invalid.html"), "utf8");
    expect(html).toContain("資格無効");
    for (let i = 0; i < scenario!.steps.length; i++) {
      const section = html.split(`data-step="${i}"`)[1]?.split("</section>")[0] ?? "";
      expect(section, `step ${i + 1}`).toMatch(/<img src="left-job-invalid\/step-\d\d-kiosk\.png"/);
    }
    const pdf = readFileSync(join(out, "left-job-invalid.pdf"));
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    // A4 in points (595 × 842).
    expect(pdf.toString("latin1")).toMatch(/MediaBox \[0 0 59[56](\.\d+)? 84[12](\.\d+)?\]/);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("left-job-invalid.pdf");
  }, 120_000);
});
