import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/test/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: ["test/global-setup.ts", "packages/kiosk-ui/test/build-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two files at a time on the 2-core machines this runs on: the tests wait on events, not on time, and the
    // PC/SC files share the two vpcd slots through lock files. One at a time took 4m45s; two, 2m45s.
    maxWorkers: 2,
  },
});
