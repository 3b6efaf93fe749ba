/**
 * Issue 5 benchmarks (kiosk UI):
 *   - gzip size of the built kiosk JavaScript (what `/` loads: the entry chunk; target ≤ 250 KB), and of every
 *     chunk (the /reception and /trainer chunks load only there);
 *   - card insertion → 受付完了 on screen in Chromium with a scripted PIN (target ≤ 1 s median): the card goes into
 *     the agent's memory reader, a script in the page answers each screen the moment it appears (暗証番号,
 *     1-2-3-4 確定, すべて同意する), and the page reports when the 受付完了 screen is rendered. Real agent and server
 *     on loopback, the built page served by kiosk-ui's handler, Debian's Chromium (docs/domain.md §5).
 * Not part of `npm test`. Standalone: `npx tsx bench/kiosk.bench.ts`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { KIOSK_UI_DIST } from "@onshi-sim/kiosk-ui";
import { startStack } from "../packages/kiosk-ui/test/support/stack.js";
import { ms, summarize, type Summary } from "./stats.js";

const RECEPTIONS = 20;
const WARMUP = 3;
const KIOSK_UI_ROOT = join(KIOSK_UI_DIST, "..");

/** The patient, scripted in the page: answers each screen as soon as it is rendered. */
const PATIENT_SCRIPT = `(() => {
  let last = "";
  let typed = false;
  const q = (s) => document.querySelector(s);
  const step = () => {
    const screen = q("[data-screen]")?.getAttribute("data-screen") ?? "";
    if (screen === "choose-method" && last !== screen) q('[data-method="pin"]')?.click();
    if (screen === "pin") {
      const digits = q("[data-digits]")?.getAttribute("data-digits");
      if (digits === "0" && !typed) {
        typed = true;
        const keys = [...document.querySelectorAll(".keypad button")];
        for (const d of "1234") keys.find((k) => k.textContent === d)?.click();
      } else if (digits === "4") {
        const ok = q(".key-ok");
        if (ok && !ok.disabled) ok.click();
      }
    }
    if (screen === "consent" && last !== screen) q('[data-consent="all"]')?.click();
    if (screen === "done" && last !== screen) window.__kioskBenchDone();
    if (screen === "place-card") typed = false;
    last = screen;
  };
  new MutationObserver(step).observe(document.body, { childList: true, subtree: true, attributes: true });
})()`;

interface BundleSizes {
  /** The JS the kiosk page (/) loads, gzip -9 bytes. */
  kioskJsGzipBytes: number;
  kioskJsBytes: number;
  cssGzipBytes: number;
  chunks: Record<string, { bytes: number; gzipBytes: number }>;
}

function bundleSizes(): BundleSizes {
  const assets = join(KIOSK_UI_DIST, "assets");
  const html = readFileSync(join(KIOSK_UI_DIST, "index.html"), "utf8");
  const chunks: BundleSizes["chunks"] = {};
  let kioskJsGzipBytes = 0;
  let kioskJsBytes = 0;
  let cssGzipBytes = 0;
  for (const name of readdirSync(assets)) {
    const bytes = readFileSync(join(assets, name));
    const gz = gzipSync(bytes, { level: 9 }).length;
    if (name.endsWith(".css")) cssGzipBytes += gz;
    if (!name.endsWith(".js")) continue;
    chunks[name] = { bytes: bytes.length, gzipBytes: gz };
    // The entry chunk(s) referenced from index.html and their static imports (modulepreload links).
    if (html.includes(`/assets/${name}`)) {
      kioskJsGzipBytes += gz;
      kioskJsBytes += bytes.length;
    }
  }
  return { kioskJsGzipBytes, kioskJsBytes, cssGzipBytes, chunks };
}

export async function benchKiosk(): Promise<Record<string, unknown>> {
  await build({ root: KIOSK_UI_ROOT, configFile: join(KIOSK_UI_ROOT, "vite.config.ts"), logLevel: "warn" });
  const sizes = bundleSizes();
  console.log(`kiosk: JS loaded by the kiosk page ${(sizes.kioskJsGzipBytes / 1024).toFixed(1)} KB gzip (${(sizes.kioskJsBytes / 1024).toFixed(1)} KB raw; target ≤ 250 KB), CSS ${(sizes.cssGzipBytes / 1024).toFixed(1)} KB gzip`);

  const stack = await startStack({ face: false });
  try {
    const page = await stack.page("/");
    await page.locator('[data-screen="place-card"]').waitFor();
    let doneAt = 0;
    let onDone: (() => void) | undefined;
    await page.exposeFunction("__kioskBenchDone", () => {
      doneAt = performance.now();
      onDone?.();
    });
    // The patient, scripted in the page: answer each screen as soon as it is rendered.
    // A string, not a function: tsx would wrap named functions in a helper the page does not have.
    await page.evaluate(PATIENT_SCRIPT);

    const samples: number[] = [];
    for (let i = 0; i < RECEPTIONS + WARMUP; i++) {
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no 受付完了 within 10 s")), 10_000);
        onDone = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      const t0 = performance.now();
      await stack.insert("yamada-taro");
      await done;
      if (i >= WARMUP) samples.push(doneAt - t0);
      await stack.remove();
      await page.locator('[data-screen="place-card"]').waitFor();
    }
    const insertionToDone: Summary = summarize(samples);
    console.log(`kiosk: card insertion → 受付完了 on screen (PIN, 包括同意) median ${ms(insertionToDone.median)} p95 ${ms(insertionToDone.p95)} (n=${insertionToDone.n}; target ≤ 1 s)`);
    return { bundle: sizes, insertionToDone };
  } finally {
    await stack.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchKiosk(), null, 2));
}
