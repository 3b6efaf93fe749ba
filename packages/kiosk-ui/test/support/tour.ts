/**
 * Walks the kiosk through every screen with real cards, the real agent and the real server, calling `visit`
 * on each (screenshots, accessibility checks). Needs a stack started with `face: true`.
 */
import type { Page } from "playwright-core";
import { agreeUntil, enterPin, screen } from "./page.js";
import { READER, STAFF_PIN, type Stack } from "./stack.js";

export type Visit = (name: string, page: Page) => Promise<void>;

/** The names `tour` visits, in order (the screenshot files are these with a number). */
export const TOUR_SCREENS = [
  "connecting",
  "place-card",
  "place-card-en",
  "reading",
  "choose-method",
  "pin",
  "pin-wrong",
  "pin-last-try",
  "pin-locked",
  "face",
  "visual",
  "confirming",
  "consent",
  "consent-items",
  "done",
  "done-en",
  "consent-item-old-flow",
  "consent-limit-old-flow",
  "qualification-invalid",
  "qualification-not-found",
  "error-server-down",
  "error-not-registered",
  "aborted-cancelled",
  "aborted-card-removed",
  "reception",
  "trainer",
  // 2025–2026 (issue 14), after the others so the earlier files keep their numbers
  "register-offer",
  "register-consent",
  "done-registered",
  "consent-pmh",
  "done-qualification-only",
] as const;

async function cleanUp(stack: Stack, page: Page): Promise<void> {
  await stack.remove();
  await screen(page, "place-card");
}

async function toChoose(stack: Stack, page: Page, card: string): Promise<void> {
  await stack.insert(card);
  await screen(page, card === "pin-locked" || card === "blocked-6983" ? "pin-locked" : "choose-method");
}

export async function tour(stack: Stack, visit: Visit, viewport = { width: 1280, height: 900 }): Promise<void> {
  // Connecting: the agent cannot be reached.
  const offline = await stack.page("/", viewport);
  await offline.route("**/ui/config.json", (route) =>
    route.fulfill({ json: { agentUrl: "http://127.0.0.1:9", agentToken: "x", facility: "1311234567", resultResetSeconds: 20 } }),
  );
  await offline.reload();
  await screen(offline, "connecting");
  await visit("connecting", offline);
  await offline.context().close();

  const page = await stack.page("/", viewport);
  await screen(page, "place-card");
  await visit("place-card", page);
  await page.getByRole("button", { name: "Switch to English" }).click();
  await visit("place-card-en", page);
  await page.getByRole("button", { name: "日本語に切り替える" }).click();

  // 読み取り中: the card's answers held until the screen has been visited.
  // The PIN is locked on elderly-suzuki (Grace Hopper's photo too), so yamada-taro keeps its tries for later.
  const releaseCard = stack.holdReader();
  await stack.insert("elderly-suzuki");
  await screen(page, "reading");
  await visit("reading", page);
  releaseCard();
  await screen(page, "choose-method");
  await visit("choose-method", page);
  await page.locator('[data-method="pin"]').click();
  await screen(page, "pin");
  await page.getByRole("button", { name: "1", exact: true }).click();
  await page.getByRole("button", { name: "2", exact: true }).click();
  await visit("pin", page);
  await page.getByRole("button", { name: "訂正" }).click();
  await enterPin(page, "0000");
  await page.locator('[data-tries-left="2"]').waitFor();
  await visit("pin-wrong", page);
  await enterPin(page, "1111");
  await page.locator('[data-tries-left="1"]').waitFor();
  await visit("pin-last-try", page);
  await enterPin(page, "2222");
  await screen(page, "pin-locked");
  await visit("pin-locked", page);
  await page.locator('[data-method="face"]').click();
  await screen(page, "face");
  await page.locator('[data-face-status="shooting"], [data-face-status="checking"]').first().waitFor();
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { videoWidth: number } | null } }).document;
    const v = doc.querySelector("video");
    return v !== null && v.videoWidth > 0;
  });
  await visit("face", page);
  await screen(page, "consent", 30_000);
  await page.getByRole("button", { name: "受付を中止する" }).click();
  await cleanUp(stack, page);

  // 目視 (staff) and 資格確認中 (the server answers slowly).
  await toChoose(stack, page, "yamada-taro");
  await page.locator('[data-method="visual"]').click();
  await screen(page, "visual");
  await visit("visual", page);
  const releaseServer = stack.holdServer();
  const snapshot = stack.agent.snapshot().sessions.find((s) => s.reader === READER);
  if (!snapshot) throw new Error("no session");
  const visual = stack.agent.manager.bySessionId(snapshot.sessionId)?.staffVisual(STAFF_PIN);
  await screen(page, "confirming");
  await visit("confirming", page);
  releaseServer();
  await visual;
  await screen(page, "consent");
  await visit("consent", page);
  await page.locator('[data-consent="choose"]').click();
  await screen(page, "consent-items");
  await page.locator('[data-item="diagnosis"] button').first().click();
  await page.locator('[data-item="pharmacists"] button').first().click();
  await page.locator('[data-item="operation"] button').nth(1).click();
  await visit("consent-items", page);
  await page.getByRole("button", { name: "戻る" }).click();
  await page.locator('[data-consent="all"]').click();
  await screen(page, "done");
  await visit("done", page);
  await page.getByRole("button", { name: "Switch to English" }).click();
  await visit("done-en", page);
  await cleanUp(stack, page);

  // The older consent flow: one item per screen, then 限度額.
  stack.settings.update({ consentFlow: "before-2024-10-07", simulationDate: "20240901" });
  await toChoose(stack, page, "sato-hanako");
  await page.locator('[data-method="pin"]').click();
  await enterPin(page, "1234");
  await screen(page, "consent-item");
  await visit("consent-item-old-flow", page);
  await agreeUntil(page, "consent-limit");
  await visit("consent-limit-old-flow", page);
  await agreeUntil(page, "done");
  stack.settings.update({ consentFlow: null, simulationDate: null });
  await cleanUp(stack, page);

  // 資格無効 (P0001 lost the qualification).
  await stack.api.personAction({ params: { personId: "P0001" }, body: { action: "lose-qualification", reasonOfLoss: "99" } });
  await toChoose(stack, page, "yamada-taro");
  await page.locator('[data-method="pin"]').click();
  await enterPin(page, "1234");
  await screen(page, "not-usable");
  await visit("qualification-invalid", page);
  await stack.api.personAction({ params: { personId: "P0001" }, body: { action: "restore" } });
  await cleanUp(stack, page);

  // 資格情報なし (P0008: the employer has not submitted the マイナンバー), via face.
  await toChoose(stack, page, "blocked-6983");
  await page.locator('[data-method="face"]').click();
  await screen(page, "not-usable", 30_000);
  await visit("qualification-not-found", page);
  await cleanUp(stack, page);

  // The server is down.
  await stack.api.addFault({ body: { kind: "maintenance" } });
  await toChoose(stack, page, "sato-hanako");
  await page.locator('[data-method="pin"]').click();
  await enterPin(page, "1234");
  await screen(page, "error");
  await visit("error-server-down", page);
  await stack.api.clearFaults();
  await cleanUp(stack, page);

  // Not registered for insurance use (E131): the reader offers to register now; 登録しない explains.
  await toChoose(stack, page, "not-registered");
  await page.locator('[data-method="pin"]').click();
  await enterPin(page, "1234");
  await screen(page, "register-offer");
  await page.locator('[data-register="no"]').click();
  await screen(page, "error");
  await visit("error-not-registered", page);
  await cleanUp(stack, page);

  // Cancelled, and the card taken mid-session.
  await toChoose(stack, page, "sato-hanako");
  await page.getByRole("button", { name: "受付を中止する" }).click();
  await screen(page, "aborted");
  await visit("aborted-cancelled", page);
  await cleanUp(stack, page);
  await toChoose(stack, page, "sato-hanako");
  await stack.remove();
  await screen(page, "aborted");
  await visit("aborted-card-removed", page);
  await screen(page, "place-card");

  // The staff pages, with the results above.
  const reception = await stack.page("/reception", viewport);
  await reception.locator("h1").waitFor();
  await toChoose(stack, page, "yamada-taro");
  await page.locator('[data-method="pin"]').click();
  await enterPin(page, "1234");
  await screen(page, "consent");
  await page.locator('[data-consent="all"]').click();
  await screen(page, "done");
  await reception.locator("[data-session]").first().waitFor();
  await visit("reception", reception);
  const trainer = await stack.page("/trainer", viewport);
  await trainer.locator('select[name="card"] option').first().waitFor({ state: "attached" });
  await stack.remove();
  await screen(page, "place-card");
  await trainer.locator("[data-timeline] li").first().waitFor();
  await trainer.getByRole("button", { name: "最新を表示" }).click();
  await trainer.locator("[data-xml]").waitFor();
  await visit("trainer", trainer);
  await benefitsTour(stack, page, visit);
  await page.context().close();
  await reception.context().close();
  await trainer.context().close();
}

/** The 2025–2026 screens (issue 14): 保険証利用登録 at the reader, the PMH screen, the grace period's notice. */
async function benefitsTour(stack: Stack, page: Page, visit: Visit): Promise<void> {
  stack.settings.update({ simulationDate: "20261201" });
  try {
    await toChoose(stack, page, "not-registered");
    await page.locator('[data-method="pin"]').click();
    await enterPin(page, "1234");
    await screen(page, "register-offer");
    await visit("register-offer", page);
    await page.locator('[data-register="yes"]').click();
    await screen(page, "register-consent");
    await visit("register-consent", page);
    await page.locator('[data-register="agree"]').click();
    await screen(page, "consent");
    await page.locator('[data-consent="all"]').click();
    await screen(page, "done");
    await visit("done-registered", page);
    await cleanUp(stack, page);

    await toChoose(stack, page, "family-child");
    await page.locator('[data-method="pin"]').click();
    await enterPin(page, "1234");
    await screen(page, "consent");
    await page.locator('[data-consent="all"]').click();
    await screen(page, "consent-pmh");
    await visit("consent-pmh", page);
    await page.locator('[data-pmh="provide"]').click();
    await screen(page, "done");
    await cleanUp(stack, page);

    await toChoose(stack, page, "cert-expired");
    await page.locator('[data-method="pin"]').click();
    await enterPin(page, "1234");
    await screen(page, "done");
    await visit("done-qualification-only", page);
    await cleanUp(stack, page);
  } finally {
    stack.settings.update({ simulationDate: null });
  }
}
