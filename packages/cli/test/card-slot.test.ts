import { execFile } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseSlot } from "../src/card.js";
import { UsageError } from "../src/main.js";
import { REPO_ROOT } from "@onshi-sim/card-sim";

describe("card insert/remove --slot", () => {
  it("takes the vpcd slots 0 and 1 (0 when not given)", () => {
    expect(parseSlot(undefined)).toBe(0);
    expect(parseSlot("0")).toBe(0);
    expect(parseSlot("1")).toBe(1);
  });

  it.each(["2", "9", "-1", "1.5", "01x", "", " 1"])("refuses %j with a usage error that names the slots", (value) => {
    expect(() => parseSlot(value)).toThrow(UsageError);
    expect(() => parseSlot(value)).toThrow(`--slot must be 0 ("Virtual PCD 00 00") or 1 ("Virtual PCD 00 01")`);
  });

  it("the CLI exits 2 with that message before touching pcscd or a card", async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
      execFile(process.execPath, [join(REPO_ROOT, "packages", "cli", "bin", "onshi-sim.js"), "card", "insert", "yamada-taro", "--slot", "2"], { encoding: "utf8", timeout: 20_000 }, (err, _out, stderr) =>
        resolve({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stderr }),
      ),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--slot must be 0 ("Virtual PCD 00 00") or 1 ("Virtual PCD 00 01"): pcscd's vpcd reader has 2 slots; got "2"`);
  });
});
