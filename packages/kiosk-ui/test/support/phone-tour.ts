/**
 * The smartphone マイナ保険証 at the kiosk, every screen of it (issue 14 §2): Android and iPhone end to end, and
 * each failure with its way forward. Drives a stack started with `phone: true`; `visit` is called on each screen
 * once it is shown and checked (the Chromium test asserts, the screenshot script takes pictures).
 */
import type { Locator, Page } from "playwright-core";
import { enterPin, heading, screen, see, WAIT } from "./page.js";
import type { Stack } from "./stack.js";

export type Visit = (name: string, page: Page) => Promise<void>;

/** Waits for `selector` with the attribute at `value` (no vitest here: the screenshot script runs this too). */
async function attr(locator: Locator, name: string, value: string): Promise<void> {
  await locator.and(locator.page().locator(`[${name}="${value}"]`)).first().waitFor({ timeout: WAIT });
}

export const PHONE_SCREENS = [
  "phone-start",
  "phone-os",
  "phone-hold",
  "phone-pin",
  "phone-pin-wrong",
  "phone-done-android",
  "phone-owner-auth",
  "phone-not-authenticated",
  "phone-done-iphone",
  "phone-pin-locked",
  "phone-certificate-expired",
  "phone-other-person",
  "phone-removed",
] as const;

async function errorScreen(page: Page, code: string, title: string): Promise<void> {
  await screen(page, "error");
  await attr(page.locator("[data-screen=error]"), "data-error-code", code);
  await heading(page, title);
}

/** From the start screen: スマホで受付 → the phone kind → hold it over the phone reader. */
export async function startPhone(page: Page, os: "android" | "iphone", visit?: Visit): Promise<void> {
  await screen(page, "place-card");
  await page.locator('[data-phone="start"]').click();
  await screen(page, "phone-os");
  await visit?.("phone-os", page);
  await page.locator(`[data-phone-os="${os}"]`).click();
  await screen(page, "phone-hold");
}

/** Back to the start (カードで受付する), phone off the reader. */
async function backToStart(stack: Stack, page: Page): Promise<void> {
  await page.locator('[data-phone="use-card"]').click();
  await screen(page, "place-card");
  await stack.removePhone();
}

async function consentAndDone(stack: Stack, page: Page, name: string, visit: Visit): Promise<void> {
  await screen(page, "consent");
  await page.locator('[data-consent="all"]').click();
  await screen(page, "done");
  await heading(page, "受付完了");
  await visit(name, page);
  await stack.removePhone();
  await screen(page, "place-card");
}

export async function phoneTour(stack: Stack, page: Page, visit: Visit = async () => {}): Promise<void> {
  // Android: PIN on the reader (a wrong one first: tries left), consent, 受付完了.
  await screen(page, "place-card");
  await visit("phone-start", page);
  await startPhone(page, "android", visit);
  await visit("phone-hold", page);
  await stack.insertPhone("phone-android-yamada-taro");
  await screen(page, "phone-pin");
  await heading(page, "スマホ用電子証明書の暗証番号（数字4桁）を入力してください");
  await visit("phone-pin", page);
  await enterPin(page, "0000");
  await attr(page.locator("[data-tries-left]"), "data-tries-left", "2");
  await attr(page.locator("[data-screen=phone-pin] [data-error-code]"), "data-error-code", "pin-wrong");
  await visit("phone-pin-wrong", page);
  await enterPin(page, "5678");
  await consentAndDone(stack, page, "phone-done-android", visit);

  // iPhone: "authenticate on your phone"; continue before Face ID is refused with its notice, after it succeeds.
  await startPhone(page, "iphone");
  await stack.insertPhone("phone-iphone-yamada-taro");
  await screen(page, "phone-owner-auth");
  await heading(page, "スマートフォンで本人確認（Face ID など）をしてください");
  await visit("phone-owner-auth", page);
  await page.locator('[data-phone="continue"]').click();
  await attr(page.locator("[data-screen=phone-owner-auth] [data-error-code]"), "data-error-code", "phone-not-authenticated");
  await visit("phone-not-authenticated", page);
  stack.ownerAuth("phone-iphone-yamada-taro", true);
  await page.locator('[data-phone="continue"]').click();
  await consentAndDone(stack, page, "phone-done-iphone", visit);

  // Locked phone PIN: its screen, and the way back to the card.
  await startPhone(page, "android");
  await stack.insertPhone("phone-android-pin-locked");
  await errorScreen(page, "phone-pin-locked", "スマホ用電子証明書の暗証番号がロックされています");
  await see(page, "カードで受付する");
  await visit("phone-pin-locked", page);
  await backToStart(stack, page);

  // The phone certificate ended 2026-09-30: no grace for a phone (the card would still get N102).
  stack.settings.update({ simulationDate: "20261201" });
  try {
    await startPhone(page, "android");
    await stack.insertPhone("phone-android-cert-expired");
    await screen(page, "phone-pin");
    await enterPin(page, "5678");
    await errorScreen(page, "phone-certificate-expired", "スマホ用電子証明書の有効期限が切れています");
    await see(page, "マイナンバーカードまたは資格確認書をお出しください");
    await visit("phone-certificate-expired", page);
    // もう一度: back to holding the phone (it still lies there, so it is read again).
    await page.locator('[data-phone="retry"]').click();
    await screen(page, "phone-pin");
    await page.getByRole("button", { name: "受付を中止する" }).click();
    await screen(page, "aborted");
    await stack.removePhone();
    await screen(page, "place-card");
  } finally {
    stack.settings.update({ simulationDate: null });
  }

  // A child's card on the parent's iPhone.
  await startPhone(page, "iphone");
  await stack.insertPhone("phone-iphone-family-child");
  await errorScreen(page, "phone-other-person", "このスマートフォンではご本人のマイナ保険証として受付できません");
  await visit("phone-other-person", page);
  await backToStart(stack, page);

  // The phone taken away before the end.
  await startPhone(page, "android");
  await stack.insertPhone("phone-android-yamada-taro");
  await screen(page, "phone-pin");
  await stack.removePhone();
  await screen(page, "aborted");
  await attr(page.locator("[data-screen=aborted]"), "data-error-code", "phone-removed");
  await visit("phone-removed", page);
  await screen(page, "place-card");
}
