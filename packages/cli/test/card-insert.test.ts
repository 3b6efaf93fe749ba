/**
 * `onshi-sim card insert`: a card is in one reader at a time, whatever the number of processes. Real separate
 * processes, as in the field: several inserts of one card at once, a holder killed with SIGKILL.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "@onshi-sim/card-sim";

const dataDir = mkdtempSync(join(tmpdir(), "onshi-card-insert-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

const SELECT_USER_AUTH_PIN = ["00A4040C0AD392F000260100000001", "00A4020C020018"];
const verify = (pin: string) => `00200080${pin.length.toString(16).padStart(2, "0")}${Buffer.from(pin).toString("hex")}`;
const READY = "is in an in-memory reader";

/** One `card insert --via memory` process: its APDU console on stdin/stdout. */
class CardConsole {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;
  /** Resolves true when the card is in (the console is ready), false when the process exits first. */
  readonly inserted: Promise<boolean>;

  constructor(cardId: string) {
    this.child = spawn(process.execPath, [join(REPO_ROOT, "packages", "cli", "bin", "onshi-sim.js"), "card", "insert", cardId, "--via", "memory"], {
      env: { ...process.env, ONSHI_SIM_DATA_DIR: dataDir },
      stdio: ["pipe", "pipe", "pipe"],
    });
    children.push(this.child);
    this.child.stdout!.on("data", (d: Buffer) => (this.stdout += d.toString()));
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.inserted = new Promise((resolve) => {
      this.child.stderr!.on("data", (d: Buffer) => {
        this.stderr += d.toString();
        if (this.stderr.includes(READY)) resolve(true);
      });
      void this.exited.then(() => resolve(false));
    });
  }

  /** Sends APDUs and waits for their answers (the SWs, in order). */
  async send(apdus: readonly string[]): Promise<string[]> {
    const before = this.answers().length;
    this.child.stdin!.write(apdus.map((a) => `${a}\n`).join(""));
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (this.answers().length >= before + apdus.length) {
          this.child.stdout!.off("data", check);
          resolve();
        }
      };
      this.child.stdout!.on("data", check);
      void this.exited.then(() => reject(new Error(`the card process exited: ${this.stderr}`)));
      check();
    });
    return this.answers().slice(before).map((a) => a.slice(-4));
  }

  answers(): string[] {
    return this.stdout.split("\n").filter((l) => l.startsWith("<= "));
  }
}

const wrongPinAnswers = (sws: readonly string[]) => sws.filter((sw) => /^63C[0-9A-F]$/.test(sw)).length;

describe("onshi-sim card insert: one card, one holder", () => {
  it("of 4 concurrent inserts of one card only one gets it (the others name it); its counters survive a SIGKILL; a 3-try card never answers more than 3 wrong PINs", async () => {
    // A lock left behind by a process that is gone: the inserts must take it over, and only one of them.
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    mkdirSync(join(dataDir, "cards"), { recursive: true });
    writeFileSync(join(dataDir, "cards", "yamada-taro.lock"), JSON.stringify({ pid: dead, token: "left-by-a-dead-process", since: "", details: {} }));

    const consoles = Array.from({ length: 4 }, () => new CardConsole("yamada-taro"));
    const inserted = await Promise.all(consoles.map((c) => c.inserted));
    expect(inserted.filter(Boolean)).toHaveLength(1);
    const holder = consoles[inserted.indexOf(true)]!;
    const refused = consoles.filter((c) => c !== holder);
    for (const c of refused) {
      expect(await c.exited).toBe(1);
      expect(c.stderr).toContain(`card "yamada-taro" is already inserted by pid ${holder.child.pid} (onshi-sim card insert --via memory`);
    }

    const first = await holder.send([...SELECT_USER_AUTH_PIN, verify("0000"), verify("0001")]);
    expect(first).toEqual(["9000", "9000", "63C2", "63C1"]);
    holder.child.kill("SIGKILL");
    await holder.exited;

    // The killed holder's lock is recovered; its counter (1 try left) is what the next holder finds.
    const next = new CardConsole("yamada-taro");
    expect(await next.inserted).toBe(true);
    const second = await next.send([...SELECT_USER_AUTH_PIN, verify("0002"), verify("0003"), verify("1234")]);
    expect(second.slice(0, 3)).toEqual(["9000", "9000", "63C0"]);
    expect(second.slice(3)).toEqual(["6984", "6984"]); // blocked: even the right PIN
    next.child.stdin!.end();
    expect(await next.exited).toBe(0);

    expect(wrongPinAnswers([...first, ...second])).toBe(3);
  }, 60_000);
});
