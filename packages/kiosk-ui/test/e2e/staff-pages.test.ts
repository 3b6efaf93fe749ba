/**
 * Issue 13 §4–5 as staff see it: /trainer in English, its scenario buttons on the simulation date (left-job on
 * the class's day gives 資格無効), the XML panel following the session; /reception's history of the day (filter,
 * CSV), consent times as dates, a wrong staff PIN said plainly with the tries left, and the 券面 on the 目視 panel.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { attr, confirmWithPin, contains, screen } from "../support/page.js";
import { chromiumAvailable, READER, STAFF_PIN, startStack, type Stack } from "../support/stack.js";

const run = chromiumAvailable();

describe.skipIf(!run)("staff pages", () => {
  let stack: Stack;
  let kiosk: Page;
  let trainer: Page;
  let reception: Page;

  beforeAll(async () => {
    stack = await startStack({ face: false });
    kiosk = await stack.page("/");
    trainer = await stack.page("/trainer");
    reception = await stack.page("/reception");
    await screen(kiosk, "place-card");
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("left-job from the console records the 資格喪失日 on the simulation date: 資格無効 on that day", async () => {
    await trainer.locator('input[name="simulationDate"]').fill("2026-11-22");
    await trainer.locator('[data-action="set-date"]').click();
    await contains(trainer.locator("[data-current-date]"), "20261122");
    await trainer.locator("button", { hasText: /^left-job$/ }).click();
    await contains(trainer.locator("[data-message]"), "left-job");
    const p1 = await stack.api.person({ params: { personId: "P0001" } });
    expect(p1.qualifications.map((q) => q.disqualificationDate)).toContain("20261122");
    await stack.insert("yamada-taro");
    await confirmWithPin(kiosk, "1234");
    await screen(kiosk, "not-usable");
    await attr(kiosk.locator("[data-screen=not-usable]"), "data-error-code", "qualification-invalid");
    // The XML panel shows this session's result.
    await contains(trainer.locator("[data-xml]"), "<QualificationValidity>2</QualificationValidity>");
    await stack.remove();
    await screen(kiosk, "place-card");
    await stack.api.reseed();
    await trainer.locator("button", { hasText: "今日に戻す" }).click();
    await expect.poll(() => stack.settings.view.simulationDate).toBe(null);
  });

  it("reception: today's history newest first, filtered, exported as CSV; consent times as dates", async () => {
    await stack.insert("sato-hanako");
    await confirmWithPin(kiosk, "1234");
    await screen(kiosk, "consent");
    await kiosk.locator('[data-consent="all"]').click();
    await screen(kiosk, "done");
    await stack.remove();
    await screen(kiosk, "place-card");
    const history = reception.locator("[data-history] [data-session]");
    await expect.poll(() => history.count()).toBe(2);
    await contains(history.first(), "佐藤");
    // 同意日時 as a date, not 14 digits.
    await expect.poll(() => history.first().locator("[data-cons-time]").first().innerText().catch(() => "")).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    await reception.locator('select[name="historyOutcome"]').selectOption("invalid");
    await expect.poll(() => history.count()).toBe(1);
    await contains(history.first(), "山田");
    await reception.locator('select[name="historyOutcome"]').selectOption("all");
    await reception.locator('input[name="historyText"]').fill("佐藤");
    await expect.poll(() => history.count()).toBe(1);
    const download = reception.waitForEvent("download");
    await reception.locator('[data-action="export-csv"]').click();
    const csv = await (await download).createReadStream().then(async (s) => {
      const chunks: Buffer[] = [];
      for await (const c of s) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    });
    expect(csv.split("\r\n")[0]).toContain("時刻,リーダー,結果");
    expect(csv).toContain("佐藤");
    expect(csv).not.toContain("山田");
    await reception.locator('input[name="historyText"]').fill("");
  });

  it("目視: a wrong staff PIN is said plainly with the tries left; the 券面 shows the card's photo and dates", async () => {
    await stack.insert("blocked-6983");
    await screen(kiosk, "pin-locked");
    await kiosk.locator('[data-method="visual"]').click();
    await screen(kiosk, "visual");
    const row = reception.locator(`[data-reader="${READER}"]`);
    await row.locator('input[name="staffPin"]').fill("999999");
    await row.getByRole("button", { name: "目視確認済み" }).click();
    const alert = row.locator('[data-staff-message="error"]');
    await contains(alert, "職員用暗証番号が違います");
    await contains(alert, "あと4回");
    await row.locator('input[name="staffPin"]').fill(STAFF_PIN);
    await row.locator('[data-action="show-card-face"]').click();
    await row.locator("[data-card-face] img.card-face-photo").waitFor();
    await expect.poll(() => row.locator("[data-card-face] img.card-face-photo").evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await contains(row.locator('[data-field="card-birth"]'), "/");
    // The patient's screen never gets the card face.
    expect(await kiosk.locator("[data-card-face]").count()).toBe(0);
    await row.locator('input[name="staffPin"]').fill(STAFF_PIN);
    await row.getByRole("button", { name: "目視確認済み" }).click();
    await screen(kiosk, "not-usable");
    await stack.remove();
    await screen(kiosk, "place-card");
  });

  it("trainer in English: the switch changes the console's words and is kept for the next visit", async () => {
    await trainer.locator('[data-lang="en"]').click();
    await contains(trainer.locator("h1"), "Trainer");
    await contains(trainer.locator('[data-panel="xml"] h2'), "result XML");
    await contains(trainer.locator("label.switch"), "Card reader out of order");
    await trainer.reload();
    await contains(trainer.locator("h1"), "Trainer");
    await trainer.locator('[data-lang="ja"]').click();
    await contains(trainer.locator("h1"), "トレーナー");
  });
});
