/**
 * vitest globalSetup: builds the kiosk UI once per test run (vite, ~0.5 s), so the browser tests always run
 * against the current source. Into a folder of this run's own (its path in ONSHI_SIM_KIOSK_UI_DIST for the test
 * workers), not kiosk-ui/dist: a second test run in the same checkout would otherwise empty and rewrite the page
 * while this run's browser loads it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

export default async function setup(): Promise<() => void> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  const outDir = mkdtempSync(join(tmpdir(), "onshi-kiosk-ui-dist-"));
  await build({ root, configFile: `${root}/vite.config.ts`, logLevel: "warn", build: { outDir, emptyOutDir: true } });
  process.env.ONSHI_SIM_KIOSK_UI_DIST = outDir;
  return () => rmSync(outDir, { recursive: true, force: true });
}
