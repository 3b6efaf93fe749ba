/**
 * The smartphone マイナ保険証 at the kiosk in Chromium (issue 14 §2): a real agent with a phone reader beside
 * the card reader (memory slots), the real server, virtual Android and iPhone tokens. Android and iPhone end to
 * end, and every failure screen with its way forward: wrong PIN and tries left, locked, not authenticated on the
 * iPhone, phone certificate expired (no grace), someone else's card, phone taken away, no phone held in time.
 * The clinic without a phone reader is in kiosk-pin.test.ts (its stack has none).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { attr, heading, screen, see } from "../support/page.js";
import { phoneTour, PHONE_SCREENS, startPhone } from "../support/phone-tour.js";
import { chromiumAvailable, startStack, type Stack } from "../support/stack.js";

const run = chromiumAvailable();

describe.skipIf(!run)("kiosk: the smartphone マイナ保険証", () => {
  let stack: Stack;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ face: false, phone: true });
    page = await stack.page("/");
    await screen(page, "place-card");
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("Android and iPhone end to end, then each failure screen with its way forward", async () => {
    const seen: string[] = [];
    await phoneTour(stack, page, async (name) => {
      seen.push(name);
    });
    expect(seen).toEqual([...PHONE_SCREENS]);
    // The server recorded both receptions as the phone kind, each with its face file (issue 14 §3).
    const audit = await stack.api.audit({ query: { channel: "session-complete", limit: 10 } });
    const phones = audit.entries.filter((e) => e.method?.startsWith("smartphone-"));
    expect(phones.map((e) => e.method).sort()).toEqual(["smartphone-android", "smartphone-iphone"]);
    for (const e of phones) expect(e).toMatchObject({ personId: "P0001", detail: { faceFile: expect.stringMatching(/^OQSsiquc01res_face_/) } });
  }, 240_000);

  it("the kiosk shows no PIN and no personal data on the phone screens", async () => {
    await startPhone(page, "android");
    await stack.insertPhone("phone-android-yamada-taro");
    await screen(page, "phone-pin");
    const text = await page.locator("main").innerText();
    expect(text).not.toContain("山田");
    expect(text).not.toContain("5678");
    await page.getByRole("button", { name: "受付を中止する" }).click();
    await screen(page, "aborted");
    await stack.removePhone();
    await screen(page, "place-card");
  });
});

describe.skipIf(!run)("kiosk: no phone held in time", () => {
  let stack: Stack;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack({ face: false, phone: true, session: { idleTimeoutMs: 4000 } });
    page = await stack.page("/");
    await screen(page, "place-card");
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("phone-not-held: its screen with its ways forward, then back to the start by itself", async () => {
    await startPhone(page, "android");
    await screen(page, "error", 30_000);
    await attr(page.locator("[data-screen=error]"), "data-error-code", "phone-not-held");
    await heading(page, "スマートフォンを読み取れませんでした");
    await see(page, "もう一度スマホで受付");
    await see(page, "カードで受付する");
    await screen(page, "place-card", 30_000);
  }, 90_000);
});
