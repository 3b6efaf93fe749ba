import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeHolder, holderAlive, PidLock, PidLockError, processStartTime } from "../src/pid-lock.js";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "onshi-pid-lock-"));
  path = join(dir, "x.lock");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const stale = (record: object) => writeFileSync(path, JSON.stringify({ token: "old", since: "", details: {}, ...record }));

describe("PidLock", () => {
  it("one holder: a second claim (even from this process) gets the holder; release frees it and leaves no file", () => {
    const first = PidLock.tryAcquire(path, { process: "test", url: "http://127.0.0.1:1" });
    expect(first.lock).toBeDefined();
    const second = PidLock.tryAcquire(path);
    expect(second.holder?.pid).toBe(process.pid);
    expect(describeHolder(second.holder!)).toMatch(new RegExp(`^pid ${process.pid} \\(test\\), url http://127\\.0\\.0\\.1:1, since `));
    first.lock!.release();
    expect(readdirSync(dir)).toEqual([]);
    PidLock.tryAcquire(path).lock!.release();
  });

  it("takes over a lock left by a dead process, by a reused pid (other start time), and garbage", () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
    for (const left of [() => stale({ pid: dead }), () => stale({ pid: process.pid, startTime: "1" }), () => writeFileSync(path, "{ half a record")]) {
      left();
      const attempt = PidLock.tryAcquire(path);
      expect(attempt.lock).toBeDefined();
      attempt.lock!.release();
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it("knows a live holder by pid and start time", () => {
    const me = processStartTime(process.pid);
    expect(me).toMatch(/^\d+$/);
    expect(holderAlive({ pid: process.pid, startTime: me!, token: "", since: "", details: {} })).toBe(true);
    expect(holderAlive({ pid: process.pid, startTime: `${me}0`, token: "", since: "", details: {} })).toBe(false);
  });

  it("update says more about the holder; release leaves a lock that is no longer ours alone", () => {
    const { lock } = PidLock.tryAcquire(path, { process: "server" });
    lock!.update({ url: "http://127.0.0.1:2" });
    expect(PidLock.holder(path)?.details).toEqual({ process: "server", url: "http://127.0.0.1:2" });
    stale({ pid: process.pid, token: "someone-else" }); // replaced behind our back
    lock!.release();
    expect(existsSync(path)).toBe(true);
    expect(JSON.parse(readFileSync(path, "utf8")).token).toBe("someone-else");
  });

  it("refuses a symbolic link where the lock file should be", () => {
    symlinkSync(join(dir, "target"), path);
    expect(() => PidLock.tryAcquire(path)).toThrow(PidLockError);
    expect(() => PidLock.tryAcquire(path)).toThrow("is a symbolic link");
  });
});
