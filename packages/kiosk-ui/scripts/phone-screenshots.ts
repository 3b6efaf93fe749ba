/**
 * `npm run screenshots:phone`: the smartphone マイナ保険証's kiosk screens (issue 14) as PNG into
 * kiosk-ui/screenshots/phone/, walked by test/support/phone-tour.ts (the same walk the Chromium test asserts)
 * in Debian's Chromium against a real agent (with a phone reader) and server. Builds the UI first.
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";
import { startStack } from "../test/support/stack.js";
import { PHONE_SCREENS, phoneTour } from "../test/support/phone-tour.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, "screenshots", "phone");
await build({ root, configFile: join(root, "vite.config.ts"), logLevel: "warn" });
mkdirSync(out, { recursive: true });
for (const f of readdirSync(out)) if (f.endsWith(".png")) rmSync(join(out, f));

const stack = await startStack({ face: false, phone: true });
try {
  const page = await stack.page("/");
  await phoneTour(stack, page, async (name, p) => {
    const file = join(out, `${String(PHONE_SCREENS.indexOf(name as (typeof PHONE_SCREENS)[number]) + 1).padStart(2, "0")}-${name}.png`);
    await p.screenshot({ path: file, animations: "disabled" });
    process.stdout.write(`${file}\n`);
  });
} finally {
  await stack.close();
}
