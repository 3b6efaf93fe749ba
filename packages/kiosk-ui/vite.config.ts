import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

/** The kiosk, /reception and /trainer: one page (index.html), routed by path in the browser. */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false, chunkSizeWarningLimit: 400 },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  server: { port: 5173 },
});
