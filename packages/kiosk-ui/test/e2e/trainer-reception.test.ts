/**
 * /trainer inserts a card and changes the simulation date (and the consent flow: the pre-2024-10-07 限度額 screen),
 * marks the reader out of order and steps through a scenario (guided demo);
 * /reception looks up by insurance number through the server's HTTP API; the trainer's fault and reseed buttons.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { agreeUntil, contains, enterPin, screen, see } from "../support/page.js";
import { chromiumAvailable, startStack, type Stack } from "../support/stack.js";

const run = chromiumAvailable();

describe.skipIf(!run)("trainer console and reception lookups", () => {
  let stack: Stack;
  let kiosk: Page;
  let trainer: Page;

  beforeAll(async () => {
    stack = await startStack({ face: false });
    kiosk = await stack.page("/");
    trainer = await stack.page("/trainer");
    await screen(kiosk, "place-card");
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("inserts a card, sets the date and the old consent flow; the kiosk shows the 限度額 screen and the timeline explains each step", async () => {
    await trainer.locator('select[name="card"] option[value="sato-hanako"]').waitFor({ state: "attached" });
    await trainer.locator('select[name="card"]').selectOption("sato-hanako");
    await trainer.locator('input[name="simulationDate"]').fill("2024-09-01");
    await trainer.locator('[data-action="set-date"]').click();
    await contains(trainer.locator("[data-current-date]"), "20240901");
    expect(stack.settings.view.simulationDate).toBe("20240901");
    await trainer.locator('select[name="consentFlow"]').selectOption("before-2024-10-07");
    await expect.poll(() => stack.settings.view.consentFlow).toBe("before-2024-10-07");

    await trainer.locator('[data-action="insert"]').click();
    await screen(kiosk, "choose-method");
    await kiosk.locator('[data-method="pin"]').click();
    await enterPin(kiosk, "1234");
    // Old flow: one screen per item, 限度額 among them.
    await agreeUntil(kiosk, "consent-limit");
    await see(kiosk, "限度額適用認定証");
    await agreeUntil(kiosk, "done");
    const view = stack.agent.snapshot().sessions[0];
    expect(view?.result?.simulationDate).toBe("20240901");
    expect(view?.result?.consentFlow).toBe("before-2024-10-07");
    expect(view?.result?.consents.some((c) => c.item === "limitApplication" && c.consented)).toBe(true);
    expect(view?.result?.insured?.limitApplicationBracket).toBe("A03");

    await contains(trainer.locator("[data-timeline]"), "consent");
    await contains(trainer.locator("[data-timeline]"), "オンライン資格確認等システムへ照会中");
    await contains(trainer.locator("[data-xml]"), "<QualificationValidity>1</QualificationValidity>");

    await trainer.locator('[data-action="remove"]').click();
    await screen(kiosk, "place-card");
    await trainer.locator("button", { hasText: "今日に戻す" }).click();
    await expect.poll(() => stack.settings.view.simulationDate).toBe(null);
  });

  it("the reader-broken switch: the kiosk says where to go instead; a card placed meanwhile is not read; switching it off brings back the place-card screen", async () => {
    await screen(kiosk, "place-card");
    await trainer.locator('[data-action="reader-broken"]').check();
    await screen(kiosk, "error");
    await kiosk.locator('[data-error-code="reader-broken"]').waitFor();
    await see(kiosk, "故障中");
    await contains(kiosk.locator('[data-screen="error"]'), "資格情報のお知らせ");
    const events: string[] = [];
    const record = (e: { event: string }) => events.push(e.event);
    stack.agent.manager.on("log", record);
    await trainer.locator('[data-action="insert"]').click();
    await contains(trainer.locator("[data-message]"), "を置きました");
    stack.agent.manager.off("log", record);
    // The agent took the card in and left it unread before it answered the trainer (a read would have begun in
    // that same turn), so there is nothing to wait for.
    expect(events).toContain("card-ignored");
    expect(stack.agent.snapshot().sessions[0]).toMatchObject({ phase: "error", error: { code: "reader-broken" } });
    await trainer.locator('[data-action="remove"]').click();
    await trainer.locator('[data-action="reader-broken"]').uncheck();
    await screen(kiosk, "place-card");
  });

  it("guided demo: lists the scenarios and steps through one with its narration, rule and sources", async () => {
    const demo = trainer.locator('[data-panel="guided-demo"]');
    await demo.locator('select[name="demoScenario"] option[value="oshirase-with-card-reader-broken"]').waitFor({ state: "attached" });
    await demo.locator('select[name="demoScenario"]').selectOption("mynacard-pin");
    await contains(demo.locator("[data-demo-position]"), "1 /");
    await contains(demo.locator("[data-demo-narration]"), "山田太郎さんがマイナンバーカードをカードリーダーに置きます");
    await demo.locator('[data-action="demo-next"]').click();
    await contains(demo.locator("[data-demo-position]"), "2 /");
    await demo.locator('[data-action="demo-prev"]').click();
    await contains(demo.locator("[data-demo-position]"), "1 /");
    await demo.locator("[data-demo-rule]").waitFor();
    // Sources are named documents (issuer「title」), never private ids.
    await contains(demo.locator("[data-demo-sources]"), "このシナリオの出典");
    await contains(demo.locator("[data-demo-sources]"), "onshi-sim の文書「docs/domain.md」");
    await contains(demo.locator("[data-demo-rule-source]"), "大阪薬業健康保険組合「マイナ保険証 Q&A」（2024-11） Q7");
    expect(await demo.innerText()).not.toMatch(/seed-\d{3}/);
  });

  it("reception: manual lookup by insurance number (資格確認書 never issued → E205; plain lookup → 資格有効)", async () => {
    const reception = await stack.page("/reception");
    const form = reception.locator('[data-form="manual-lookup"]');
    await form.locator('input[name="insurerNumber"]').fill("01130012");
    await form.locator('input[name="insuredCardSymbol"]').fill("13010001");
    await form.locator('input[name="insuredIdentificationNumber"]').fill("101");
    await form.locator('input[name="insuredBranchNumber"]').fill("01");
    await form.locator('input[name="birthdate"]').fill("19820914");
    await form.getByRole("button", { name: "照会" }).click();
    await contains(reception.locator("[data-lookup-result]"), "資格有効");
    await form.locator('select[name="presentedDocument"]').selectOption("shikaku-kakuninsho");
    await form.getByRole("button", { name: "照会" }).click();
    await contains(reception.locator("[data-lookup-result]"), "E205");
    await reception.context().close();
  });

  it("server faults and reseed: the trainer's writes reach the server through the UI (JSON, from its own origin)", async () => {
    const faults = async () => (await stack.api.faults()).faults.map((f) => f.kind);
    await trainer.locator("button", { hasText: "メンテナンス（503）" }).click();
    await expect.poll(faults).toEqual(["maintenance"]);
    await contains(trainer.locator("p.note", { hasText: "有効な障害" }), "maintenance");
    await trainer.locator("button", { hasText: "障害を解除" }).click();
    await expect.poll(faults).toEqual([]);
    await trainer.locator("button", { hasText: "初期状態に戻す" }).click();
    await contains(trainer.locator("[data-message]"), "初期状態に戻しました");
  });
});
