/**
 * The 2025–2026 kiosk in Chromium against a real agent and server (issue 14): the 医療費助成 (PMH) screen
 * 提供する / 提供しない and what /reception then shows, the grace period's "qualification only — why no consent"
 * screen, and 保険証利用登録 at the kiosk followed by 資格有効 in the same visit.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { confirmWithPin, contains, heading, screen, see } from "../support/page.js";
import { chromiumAvailable, startStack, type Stack } from "../support/stack.js";

const run = chromiumAvailable();

describe.skipIf(!run)("kiosk: PMH, grace, registration at the reader", () => {
  let stack: Stack;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ face: false });
    page = await stack.page("/");
    await screen(page, "place-card");
  });
  afterAll(async () => {
    await stack?.close();
  });

  const withDate = async (date: string, body: () => Promise<void>) => {
    stack.settings.update({ simulationDate: date });
    try {
      await body();
    } finally {
      stack.settings.update({ simulationDate: null, publicExpenseScreen: null });
      await stack.remove();
      await screen(page, "place-card");
    }
  };

  it("PMH 提供する: the screen after 包括同意; /reception shows the 受給者証", async () => {
    const reception = await stack.page("/reception");
    await withDate("20261201", async () => {
      await stack.insert("family-child");
      await confirmWithPin(page, "1234");
      await screen(page, "consent");
      await page.locator('[data-consent="all"]').click();
      await screen(page, "consent-pmh");
      await heading(page, "医療費助成の受給者証");
      await see(page, "医療費助成の各種受給者証を利用しますか");
      await page.locator('[data-pmh="provide"]').click();
      await screen(page, "done");
      const panel = reception.locator("[data-session]").first();
      await contains(panel.locator('[data-field="public-expense"]'), "88135017");
      await contains(panel.locator('[data-field="consents"]'), "医療費助成: 同意");
    });
    await reception.context().close();
  });

  it("PMH 提供しない: done, and no 受給者証 reaches /reception", async () => {
    const reception = await stack.page("/reception");
    await withDate("20261201", async () => {
      await stack.insert("family-child");
      await confirmWithPin(page, "1234");
      await screen(page, "consent");
      await page.locator('[data-consent="all"]').click();
      await screen(page, "consent-pmh");
      await page.locator('[data-pmh="decline"]').click();
      await screen(page, "done");
      const panel = reception.locator("[data-session]").first();
      await contains(panel.locator('[data-field="consents"]'), "医療費助成: 不同意");
      expect(await panel.locator('[data-field="public-expense"]').count()).toBe(0);
    });
    await reception.context().close();
  });

  it("PMH switched off by the trainer (a municipality not on PMH): no screen", async () => {
    await withDate("20261201", async () => {
      stack.settings.update({ publicExpenseScreen: false });
      await stack.insert("family-child");
      await confirmWithPin(page, "1234");
      await screen(page, "consent");
      await page.locator('[data-consent="all"]').click();
      await screen(page, "done");
    });
  });

  it("grace period: the qualification only — no consent screens, and the kiosk says why", async () => {
    await withDate("20261201", async () => {
      await stack.insert("cert-expired");
      await confirmWithPin(page, "1234");
      await screen(page, "done");
      const notice = page.locator('[data-notice="qualification-only"]');
      await contains(notice, "資格情報のみで受付しました");
      await contains(notice, "資格情報のみ提供します");
      await contains(notice, "電子証明書を更新してください");
    });
  });

  it("保険証利用登録 at the kiosk: not-registered registers, then 資格有効 in the same visit", async () => {
    const reception = await stack.page("/reception");
    await withDate("20261201", async () => {
      await stack.insert("not-registered");
      await confirmWithPin(page, "1234");
      await screen(page, "register-offer");
      await heading(page, "保険証利用登録がされていません");
      await page.locator('[data-register="yes"]').click();
      await screen(page, "register-consent");
      await see(page, "マイナンバーカードを健康保険証として利用することに同意し");
      await page.locator('[data-register="agree"]').click();
      await screen(page, "consent");
      await page.locator('[data-consent="all"]').click();
      await screen(page, "done");
      await see(page, "保険証利用登録が完了しました");
      await contains(reception.locator("[data-session]").first().locator('[data-field="validity"]'), "資格有効");
    });
    await reception.context().close();
  });
});
