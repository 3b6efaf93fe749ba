/**
 * The kiosk in Chromium against a real agent and server (no face models: PIN, 目視 and the server's answers).
 * One browser for the file; each test inserts its own card.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { SmartCard } from "@onshi-sim/reader-bindings";
import { attr, confirmWithPin, contains, enterPin, heading, screen, see } from "../support/page.js";
import { chromiumAvailable, READER, STAFF_PIN, startStack, type Stack } from "../support/stack.js";

const run = chromiumAvailable();

describe.skipIf(!run)("kiosk (PIN, 目視, server answers)", () => {
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

  it("PIN path end to end: place card → 暗証番号 → 包括同意 → 受付完了, and the reception view shows the result", async () => {
    const reception = await stack.page("/reception");
    await heading(page, "マイナンバーカードをカードリーダーに置いてください");
    await stack.insert("yamada-taro");
    await screen(page, "choose-method");
    await page.locator('[data-method="pin"]').click();
    await screen(page, "pin");
    await contains(page.locator("[data-tries-left]"), "残り 3 回");
    await enterPin(page, "1234");
    await screen(page, "consent");
    await page.locator('[data-consent="all"]').click();
    await screen(page, "done");
    await heading(page, "受付完了");
    await see(page, "お呼びするまでお待ちください");
    await see(page, "カードを忘れずに！");
    // No personal data on the kiosk.
    const text = await page.locator("main").innerText();
    expect(text).not.toContain("山田");
    expect(text).not.toContain("1234");

    // The receptionist sees the result.
    const panel = reception.locator("[data-session]").first();
    await panel.waitFor({ timeout: 5000 });
    await contains(panel.locator('[data-field="validity"]'), "資格有効");
    await contains(panel, "山田 太郎");
    await contains(panel.locator('[data-field="ratio"]'), "3割");
    await contains(panel.locator('[data-field="consents"]'), "診療: 同意");
    // What the doctor can see now that the patient consented (包括同意): 薬剤情報 and 特定健診情報.
    await contains(panel.locator('[data-field="drugs"]'), "アムロジピン錠5mg");
    await contains(panel.locator('[data-field="checkups"]'), "HbA1c");

    await stack.remove();
    await screen(page, "place-card");
    expect(await page.locator("main").innerText()).not.toContain("受付完了");
    await reception.context().close();
  });

  it("switches to English and back; a new card starts in Japanese", async () => {
    await stack.insert("yamada-taro");
    await screen(page, "choose-method");
    await page.getByRole("button", { name: "Switch to English" }).click();
    await heading(page, "How would you like to confirm it is you?");
    await page.locator('[data-method="pin"]').click();
    await heading(page, "Enter your 4-digit PIN");
    await page.getByRole("button", { name: "Cancel" }).click();
    await screen(page, "aborted");
    await stack.remove();
    await screen(page, "place-card");
    await stack.insert("yamada-taro");
    await screen(page, "choose-method");
    await heading(page, "本人確認の方法を選んでください");
    await stack.remove();
    await screen(page, "place-card");
  });

  it("keyboard: digits, Backspace and Enter drive the PIN pad", async () => {
    await stack.insert("sato-hanako");
    await screen(page, "choose-method");
    await page.locator('[data-method="pin"]').click();
    await screen(page, "pin");
    await page.keyboard.type("129");
    await page.keyboard.press("Backspace");
    await attr(page.locator("[data-digits]"), "data-digits", "2");
    await page.keyboard.type("34");
    await page.keyboard.press("Enter");
    await screen(page, "consent");
    // Per item: everything but 手術.
    await page.locator('[data-consent="choose"]').click();
    await screen(page, "consent-items");
    for (const item of ["diagnosis", "pharmacists", "specificHealthCheckups", "specificDiseases"]) await page.locator(`[data-item="${item}"] button`).first().click();
    await page.locator('[data-item="operation"] button').nth(1).click();
    await page.locator('[data-consent="submit"]').click();
    await screen(page, "done");
    await stack.remove();
    await screen(page, "place-card");
  });

  it.each([
    // SELECT JPKI refused: some other IC card.
    ["not-my-number-card", "マイナンバーカードではありません", null, () => Uint8Array.of(0x6a, 0x82)],
    // READ BINARY fails.
    ["read-error", "読み取りに失敗しました", "カードリーダーの中央に置いてください", (c: Uint8Array) => (c[1] === 0xb0 ? Uint8Array.of(0x6f, 0x00) : Uint8Array.of(0x90, 0x00))],
  ] as const)("%s: its screen and the way forward", async (code, title, next, transmit) => {
    const card: SmartCard = { atr: Uint8Array.of(0x3b, 0x00), powerOn() {}, powerOff() {}, reset() {}, transmit };
    stack.memory.insert(card, READER);
    await screen(page, "error");
    await attr(page.locator("[data-screen=error]"), "data-error-code", code);
    await heading(page, title);
    if (next) await see(page, next);
    await stack.remove();
    await screen(page, "place-card");
  });

  it.each([
    ["N101", "cert-expiring-soon", "電子証明書の有効期限が近づいています"], // its certificate ends 2027-01-31
    // N102 (cert-expired inside the grace) has no consent screens: kiosk-benefits.test.ts.
  ])("%s: %s still confirms, and 受付完了 says to renew the certificate", async (_code, cardId, notice) => {
    // cert-expiring-soon also holds a 難病 受給者証: the PMH screen is another test's (kiosk-benefits.test.ts).
    stack.settings.update({ simulationDate: "20261201", publicExpenseScreen: false });
    try {
      await stack.insert(cardId);
      await confirmWithPin(page, "1234");
      await screen(page, "consent");
      await page.locator('[data-consent="all"]').click();
      await screen(page, "done");
      await see(page, notice);
      await stack.remove();
      await screen(page, "place-card");
    } finally {
      stack.settings.update({ simulationDate: null, publicExpenseScreen: null });
    }
  });

  it("スマホ at a clinic with no phone reader: its screen says to bring the card, and カードで受付する goes back", async () => {
    await screen(page, "place-card");
    await page.locator('[data-phone="start"]').click();
    await screen(page, "error");
    await attr(page.locator("[data-screen=error]"), "data-error-code", "phone-reader-missing");
    await heading(page, "この医療機関ではスマホで受付できません");
    await see(page, "次回はマイナンバーカードをお持ちください");
    expect(await page.locator('[data-phone="retry"]').count()).toBe(0);
    await page.locator('[data-phone="use-card"]').click();
    await screen(page, "place-card");
  });

  it("資格無効: the server has P0001 lose the qualification", async () => {
    await stack.api.personAction({ params: { personId: "P0001" }, body: { action: "lose-qualification", reasonOfLoss: "99" } });
    try {
      await stack.insert("yamada-taro");
      await confirmWithPin(page, "1234");
      await screen(page, "not-usable");
      await attr(page.locator("[data-screen=not-usable]"), "data-error-code", "qualification-invalid");
      await heading(page, "資格無効");
      await see(page, "カードをお取りください");
      await stack.remove();
      await screen(page, "place-card");
    } finally {
      await stack.api.personAction({ params: { personId: "P0001" }, body: { action: "restore" } });
    }
  });

  it("資格情報なし: blocked-6983 (P0008) is locked → 目視 by staff on /reception → the leaflet's next steps", async () => {
    const reception = await stack.page("/reception");
    await stack.insert("blocked-6983");
    await screen(page, "pin-locked");
    await see(page, "市区町村窓口");
    await page.locator('[data-method="visual"]').click();
    await screen(page, "visual");
    const row = reception.locator(`[data-reader="${READER}"]`);
    await row.locator('input[name="staffPin"]').fill(STAFF_PIN);
    await row.getByRole("button", { name: "目視確認済み" }).click();
    await screen(page, "not-usable");
    await attr(page.locator("[data-screen=not-usable]"), "data-error-code", "qualification-not-found");
    await heading(page, "資格情報なし");
    await see(page, "資格情報のお知らせ");
    await see(page, "マイナンバーを提出していない");
    await contains(reception.locator("[data-session]").first().locator('[data-field="validity"]'), "資格情報なし");
    await stack.remove();
    await screen(page, "place-card");
    await reception.context().close();
  });

  it("server down: the error screen says what to show instead, and 再確認 works once the server is back", async () => {
    await stack.api.addFault({ body: { kind: "maintenance" } });
    try {
      await stack.insert("yamada-taro");
      await confirmWithPin(page, "1234");
      await screen(page, "error");
      await attr(page.locator("[data-screen=error]"), "data-error-code", "server-down");
      await see(page, "資格確認書");
    } finally {
      await stack.api.clearFaults();
    }
    await page.getByRole("button", { name: "もう一度確認する" }).click();
    await screen(page, "consent");
    await page.locator('[data-consent="none"]').click();
    await screen(page, "done");
    await stack.remove();
    await screen(page, "place-card");
  });

  it("idle reset: the result screen gives way to the start screen (with the take-your-card reminder) and no trace of the session", async () => {
    const { resultResetSeconds } = (await (await fetch(`${stack.uiUrl}/ui/config.json`)).json()) as { resultResetSeconds: number };
    // The page's timers run on Playwright's clock, held from 受付完了 on: the screen cannot go before the test
    // has seen it, and its reset comes when the clock is moved on, not when a busy machine gets round to it.
    const quick = await stack.page("/", undefined, (blank) => blank.clock.install());
    await screen(quick, "place-card");
    await stack.insert("yamada-taro");
    await confirmWithPin(quick, "1234");
    await screen(quick, "consent");
    await quick.clock.pauseAt(Date.now() + 1000);
    await quick.locator('[data-consent="all"]').click();
    await screen(quick, "done");
    await quick.clock.runFor((resultResetSeconds - 1) * 1000);
    await screen(quick, "done");
    await quick.clock.runFor(2000);
    await screen(quick, "place-card");
    await see(quick, "カードをお取りください");
    expect(await quick.locator("main").innerText()).not.toContain("受付完了");
    await stack.remove();
    await screen(page, "place-card");
    await quick.context().close();
  });

  it("a page that has the agent's snapshot before its screens subscribe still shows it (kiosk and reception)", async () => {
    // The screens subscribe in an effect, which Preact runs after the next frame; the agent's snapshot can come
    // first (a busy machine, a reload). Holding the page's clock — Playwright fakes its timers and animation
    // frames, not its socket — makes that order certain: the snapshot is in before any effect has run.
    const held = async (path: string): Promise<Page> => {
      let snapshotIn!: () => void;
      const snapshot = new Promise<void>((resolve) => (snapshotIn = resolve));
      const p = await stack.page(path, undefined, async (blank) => {
        await blank.clock.install();
        await blank.clock.pauseAt(Date.now() + 1000);
        blank.on("websocket", (ws) => ws.on("framereceived", (f) => String(f.payload).includes('"agent:snapshot"') && snapshotIn()));
      });
      await snapshot;
      await p.evaluate(() => 0); // one more task on the page's thread: the snapshot's message event has been handled
      await p.clock.resume();
      return p;
    };
    await stack.insert("yamada-taro");
    await screen(page, "choose-method");
    const kiosk = await held("/");
    await screen(kiosk, "choose-method");
    const reception = await held("/reception");
    await attr(reception.locator(`[data-reader="${READER}"]`), "data-phase", "choose-method");
    await page.getByRole("button", { name: "受付を中止する" }).click();
    await screen(page, "aborted");
    await stack.remove();
    await screen(page, "place-card");
    await kiosk.context().close();
    await reception.context().close();
  });

  it("a kiosk that reconnects shows the current state", async () => {
    await stack.insert("yamada-taro");
    await screen(page, "choose-method");
    await page.locator('[data-method="pin"]').click();
    await screen(page, "pin");
    await page.reload();
    await screen(page, "pin");
    await page.getByRole("button", { name: "受付を中止する" }).click();
    // Cancelled, then pulled: straight back to the start (a card pulled first would show 中止 for returnToIdleMs).
    await screen(page, "aborted");
    await stack.remove();
    await screen(page, "place-card");
  });
});
