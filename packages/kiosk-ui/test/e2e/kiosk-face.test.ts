/**
 * Wrong PIN ×3 → locked → face with Chromium's fake camera (fixtures/faces/grace-hopper-camera.jpg as Y4M;
 * yamada-taro's card photo is Grace Hopper) → consent → 受付完了. Real face models in the agent's worker.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { attr, contains, enterPin, heading, screen, see } from "../support/page.js";
import { chromiumAvailable, startStack, type Stack } from "../support/stack.js";

const run = chromiumAvailable();

describe.skipIf(!run)("kiosk face path", () => {
  let stack: Stack;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ face: true });
    page = await stack.page("/");
    await screen(page, "place-card");
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("wrong PIN ×3 → locked-card screen → 顔認証 with the live camera → 包括同意 → 受付完了", async () => {
    await stack.insert("yamada-taro");
    await screen(page, "choose-method");
    await page.locator('[data-method="pin"]').click();
    await screen(page, "pin");
    await contains(page.locator("[data-tries-left]"), "残り 3 回");
    await enterPin(page, "0000");
    await attr(page.locator("[data-tries-left]"), "data-tries-left", "2");
    await see(page, "暗証番号が違います");
    await enterPin(page, "1111");
    await attr(page.locator("[data-tries-left]"), "data-tries-left", "1");
    await see(page, "あと1回間違えるとロックされます");
    await enterPin(page, "2222");
    await screen(page, "pin-locked");
    await heading(page, "暗証番号がロックされています");
    await see(page, "お住まいの市区町村窓口");
    expect(await page.locator('[data-method="pin"]').count()).toBe(0);

    await page.locator('[data-method="face"]').click();
    await screen(page, "face");
    // The live preview shows the fake camera.
    await expect.poll(() => page.locator("video").evaluate((v) => (v as unknown as { videoWidth: number }).videoWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    await screen(page, "consent", 30_000);
    await page.locator('[data-consent="all"]').click();
    await screen(page, "done");
    await heading(page, "受付完了");
    const view = stack.agent.snapshot().sessions[0];
    expect(view?.method).toBe("face");
    expect(view?.result?.usable).toBe(true);
    await stack.remove();
    await screen(page, "place-card");
  });

  it("the camera stops when the face screen is left", async () => {
    await stack.insert("pin-locked");
    await screen(page, "pin-locked");
    await page.locator('[data-method="face"]').click();
    await screen(page, "face");
    // Keep the camera's track, to see it stopped once the screen is gone.
    await page.waitForFunction(() => {
      const g = globalThis as unknown as { document: { querySelector(s: string): { srcObject: { getVideoTracks(): unknown[] } | null } | null }; cameraTrack?: unknown };
      g.cameraTrack = g.document.querySelector("video")?.srcObject?.getVideoTracks()[0];
      return g.cameraTrack !== undefined;
    });
    // 中止 is offered whenever no frame is being checked; the click waits for that.
    await page.getByRole("button", { name: "受付を中止する" }).click();
    await screen(page, "aborted");
    expect(await page.locator("video").count()).toBe(0);
    // The screen's cleanup stops the track; wait for Chromium to report it rather than read it in the same tick.
    await page.waitForFunction(() => (globalThis as unknown as { cameraTrack: { readyState: string } }).cameraTrack.readyState === "ended", null, { timeout: 5_000 });
    await stack.remove();
    await screen(page, "place-card");
    expect(await page.locator("video").count()).toBe(0);
  });
});
