/**
 * `npm run screenshots`: every kiosk screen (and /reception, /trainer) as PNG into kiosk-ui/screenshots/, taken
 * in Debian's Chromium against a real agent and server (tour.ts drives them). Builds the UI first.
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { startStack } from "../test/support/stack.js";
import { TOUR_SCREENS, tour } from "../test/support/tour.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "screenshots");
await build({ root, configFile: join(root, "vite.config.ts"), logLevel: "warn" });
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) if (f.endsWith(".png")) rmSync(join(out, f));

const stack = await startStack({ face: true });
let n = 0;
try {
  await tour(stack, async (name, page) => {
    const index = TOUR_SCREENS.indexOf(name as (typeof TOUR_SCREENS)[number]) + 1 || ++n + 100;
    const file = join(out, `${String(index).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file, fullPage: name === "reception" || name === "trainer", animations: "disabled" });
    process.stdout.write(`${file}\n`);
  });
} finally {
  await stack.close();
}
