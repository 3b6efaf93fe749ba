/** Small waits for playwright-core pages under vitest (no @playwright/test expect here). */
import { expect } from "vitest";
import type { Locator, Page } from "playwright-core";

export const WAIT = 10_000;

export async function screen(page: Page, name: string, timeout = WAIT): Promise<void> {
  try {
    await page.locator(`[data-screen="${name}"]`).waitFor({ timeout });
  } catch (e) {
    // Say what is on screen instead (the test output is then enough to tell why).
    const now = await page.locator("[data-screen]").first().getAttribute("data-screen", { timeout: 1000 }).catch(() => "(none)");
    const text = await page.locator("body").innerText({ timeout: 1000 }).catch(() => "");
    throw new Error(`expected screen "${name}", found "${now}": ${text.slice(0, 400).replace(/\s+/g, " ")}`, { cause: e });
  }
}

export async function heading(page: Page, name: string): Promise<void> {
  await page.getByRole("heading", { name }).first().waitFor({ timeout: WAIT });
}

export async function see(page: Page | Locator, text: string): Promise<void> {
  await page.getByText(text).first().waitFor({ timeout: WAIT });
}

export async function textOf(locator: Locator): Promise<string> {
  await locator.first().waitFor({ timeout: WAIT });
  return locator.first().innerText();
}

export async function contains(locator: Locator, text: string): Promise<void> {
  await expect.poll(() => locator.first().innerText().catch(() => ""), { timeout: WAIT }).toContain(text);
}

export async function attr(locator: Locator, name: string, value: string): Promise<void> {
  await expect.poll(() => locator.first().getAttribute(name).catch(() => null), { timeout: WAIT }).toBe(value);
}

export async function enterPin(page: Page, pin: string): Promise<void> {
  for (const d of pin) await page.getByRole("button", { name: d, exact: true }).click();
  await page.getByRole("button", { name: "確定" }).click();
}

/** From the method screen: 暗証番号, then the PIN. */
export async function confirmWithPin(page: Page, pin: string): Promise<void> {
  await screen(page, "choose-method");
  await page.locator('[data-method="pin"]').click();
  await enterPin(page, pin);
}

/**
 * The pre-2024-10-07 consent flow, one item per screen: 同意する on each until the screen `until` shows. Each
 * answer waits for its item to leave the screen, so no click lands on the screen it was not meant for.
 */
export async function agreeUntil(page: Page, until: string): Promise<void> {
  const current = page.locator(`[data-screen="${until}"], [data-screen="consent-item"], [data-screen="consent-limit"]`).first();
  for (let answered = 0; answered < 20; answered++) {
    await current.waitFor({ timeout: WAIT });
    const [name, item] = await Promise.all([current.getAttribute("data-screen"), current.getAttribute("data-item")]);
    if (name === until) return;
    await current.locator('[data-consent="agree"]').click();
    await page.locator(`[data-screen][data-item="${item}"]`).waitFor({ state: "detached", timeout: WAIT });
  }
  throw new Error(`expected screen "${until}" after at most 20 consent items`);
}
