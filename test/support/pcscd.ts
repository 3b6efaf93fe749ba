/**
 * PC/SC for tests: tell test files whether to run, skip or fail (from what test/global-setup.ts found with
 * `ensurePcscd`, reader-agent/src/transport/pcscd-daemon.ts), and hand out vpcd slots so test files running
 * in parallel processes never plug two cards into the same "Virtual PCD 00 0N".
 *
 * Rule: with CI=true a missing PC/SC stack fails the pcsc tests (with the reason); elsewhere they skip.
 */
import { mkdirSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, inject, it } from "vitest";
import { ownsLockFile, tryLockFile, vpcdSlotHolder, type PcscAvailability } from "@onshi-sim/card-sim";
import { vpcdPort, vpcdReaderName, VPCD_SLOTS } from "@onshi-sim/card-sim";

export type { PcscAvailability };

declare module "vitest" {
  export interface ProvidedContext {
    pcsc: PcscAvailability;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type PcscTestMode = "run" | "skip" | "fail";

/** run: PC/SC is there; skip: it is not (outside CI); fail: it is not and CI=true, where skipping hides breakage. */
export function pcscTestMode(): { mode: PcscTestMode; reason: string } {
  const provided = inject("pcsc") as PcscAvailability | undefined;
  const state: PcscAvailability = provided ?? { available: false, reason: "test/global-setup.ts did not run, so PC/SC was not checked" };
  if (state.available) return { mode: "run", reason: "" };
  const reason = state.reason ?? "PC/SC is unavailable";
  return { mode: process.env.CI === "true" ? "fail" : "skip", reason };
}

/** `describe` for tests that need pcscd + vpcd: runs, skips (saying why) or fails per `pcscTestMode()`. */
export function describePcsc(name: string, body: () => void): void {
  const { mode, reason } = pcscTestMode();
  if (mode === "run") {
    describe(name, body);
  } else if (mode === "skip") {
    process.stderr.write(`[pcsc] skipping "${name}": ${reason}\n`);
    describe.skip(`${name} (skipped: ${reason})`, body);
  } else {
    describe(name, () => {
      it("needs PC/SC: CI=true fails instead of skipping", () => {
        throw new Error(`PC/SC is unavailable in CI: ${reason}`);
      });
    });
  }
}

export interface VpcdSlotLease {
  readonly slot: number;
  readonly port: number;
  readonly reader: string;
  /** Remove the card first. Resolves once pcscd has had time to notice the removal, then frees the slot. */
  release(): Promise<void>;
}

/** pcscd polls a vpcd slot about every 0.45 s; a slot handed on sooner could still show the last card. */
export const SLOT_SETTLE_MS = 700;

const LOCK_DIR = join(tmpdir(), "onshi-sim-vpcd-locks");

/**
 * Takes a vpcd slot for this process: a lock file per slot under the temp dir (stale locks of dead pids are
 * taken over), skipping slots that hold a card of `onshi-sim card insert`. Waits while every slot is busy.
 * vpcd has 2 slots, so at most two pcsc test files run at once; the rest wait here.
 */
export async function acquireVpcdSlot(options: { timeoutMs?: number } = {}): Promise<VpcdSlotLease> {
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  mkdirSync(LOCK_DIR, { recursive: true });
  for (;;) {
    for (let slot = 0; slot < VPCD_SLOTS; slot++) {
      if (vpcdSlotHolder(slot)) continue;
      const lock = join(LOCK_DIR, `slot-${slot}.lock`);
      // Re-read after a moment: two processes taking over the same stale lock at once both "succeed",
      // but only one of them still finds its own pid in the file.
      if (tryLockFile(lock) && (await sleep(50), ownsLockFile(lock))) {
        let released = false;
        const unlock = () => {
          process.off("exit", unlock);
          try {
            if (ownsLockFile(lock)) unlinkSync(lock);
          } catch {
            // already gone
          }
        };
        process.on("exit", unlock);
        const release = async () => {
          if (released) return;
          released = true;
          await sleep(SLOT_SETTLE_MS);
          unlock();
        };
        return { slot, port: vpcdPort(slot), reader: vpcdReaderName(slot), release };
      }
    }
    if (Date.now() > deadline) throw new Error(`no free vpcd slot within the timeout (locks in ${LOCK_DIR})`);
    await sleep(200);
  }
}
