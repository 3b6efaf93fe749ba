/**
 * vitest globalSetup: builds the kiosk UI once per test run (vite, ~0.5 s), so the browser tests always run
 * against the current source.
 */
import { fileURLToPath } from "node:url";
import { build } from "vite";

export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL("..", import.meta.url));
  await build({ root, configFile: `${root}/vite.config.ts`, logLevel: "warn" });
}
