/**
 * End to end with standard PC/SC tools and no code of ours on the host side: `onshi-sim card insert`
 * (a child process) plugs the yamada-taro card into a vpcd slot; `pcsc_scan` sees it; `scriptor`
 * (pcsc-tools) runs APDU script files against it — read the user-auth certificate, PIN status, a wrong and
 * the right PIN, sign a DigestInfo — and the signature is checked here with node:crypto against the
 * certificate read, which must chain to the fixture test CA. Then `onshi-sim card remove` takes it out.
 *
 * The card's counters live in a temp ONSHI_SIM_DATA_DIR, so every run starts from 3 PIN tries.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, verify as rsaVerify, X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "@onshi-sim/apdu";
import { REPO_ROOT } from "@onshi-sim/card-sim";
import { findExecutable } from "@onshi-sim/card-sim";
import { fixtureCa, loadFixture } from "../support/cards.js";
import { acquireVpcdSlot, describePcsc, type VpcdSlotLease } from "../support/pcscd.js";
import { run, scriptor, waitForCardState } from "../support/pcsc-tools.js";

const BIN = join(REPO_ROOT, "packages", "cli", "bin", "onshi-sim.js");
const SELECT_JPKI = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";
const selectEf = (fid: string) => `00 A4 02 0C 02 ${fid.slice(0, 2)} ${fid.slice(2)}`;
/** DER prefix of a DigestInfo for SHA-256 (RFC 8017 §9.2 note 1). */
const SHA256_DIGEST_INFO_PREFIX = "3031300D060960864801650304020105000420";
const spaced = (hex: string) => hex.replace(/(..)(?!$)/g, "$1 ");

const tools = Boolean(findExecutable("scriptor") && findExecutable("pcsc_scan"));
const TOOLS_MISSING = "pcsc-tools is not installed (scriptor, pcsc_scan): apt-get install -y pcsc-tools";

describePcsc("standard PC/SC tools against `onshi-sim card insert`", () => {
  if (!tools && process.env.CI === "true") {
    it("needs pcsc-tools: CI=true fails instead of skipping", () => {
      throw new Error(TOOLS_MISSING);
    });
    return;
  }
  if (!tools) process.stderr.write(`[pcsc] skipping the pcsc-tools e2e test: ${TOOLS_MISSING}\n`);

  describe.skipIf(!tools)("scriptor and pcsc_scan", () => {
    let lease: VpcdSlotLease;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let child: ChildProcess | undefined;
    let childOut = "";
    let childExit: Promise<number | null>;
    let certificate: X509Certificate;

    beforeAll(async () => {
      lease = await acquireVpcdSlot();
      dir = mkdtempSync(join(tmpdir(), "onshi-e2e-"));
      env = { ...process.env, ONSHI_SIM_DATA_DIR: join(dir, "data") };
      child = spawn(process.execPath, [BIN, "card", "insert", "yamada-taro", "--via", "vpcd", "--slot", String(lease.slot)], { env, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout?.on("data", (d: Buffer) => (childOut += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (childOut += d.toString()));
      childExit = new Promise((resolve) => child?.once("exit", (code) => resolve(code)));
      const exitedEarly = childExit.then((code) => {
        throw new Error(`card insert exited (${code}) before the card showed up:\n${childOut}`);
      });
      await Promise.race([waitForCardState(lease.reader, true, 20_000), exitedEarly]);
      exitedEarly.catch(() => {});
    });

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await Promise.race([childExit, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      await lease?.release();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("the card insert process says where the card went", () => {
      expect(childOut).toContain(`inserted "yamada-taro" into ${lease.reader} (vpcd port ${lease.port})`);
      expect(existsSync(join(dir, "data", "run", `vpcd-slot-${lease.slot}.json`))).toBe(true);
    });

    it("scriptor reads the user-auth certificate in READ BINARY chunks; it chains to the fixture CA", async () => {
      // The first 4 bytes (the DER header) give the file length: ((b[2] << 8) | b[3]) + 4.
      const head = await scriptor(dir, lease.reader, "head", ["# JPKI-AP, then the user-auth certificate EF", SELECT_JPKI, selectEf("000A"), "00 B0 00 00 04"]);
      expect(head.map((e) => e.sw)).toEqual(["9000", "9000", "9000"]);
      const header = head[2]!.response;
      expect(header[0]).toBe(0x30);
      const length = (((header[2] ?? 0) << 8) | (header[3] ?? 0)) + 4;
      expect(length).toBeGreaterThan(256);

      const reads: string[] = [];
      for (let offset = 0; offset < length; offset += 256) {
        const n = Math.min(256, length - offset);
        reads.push(`00 B0 ${spaced(toHex(Uint8Array.of(offset >> 8, offset & 0xff)))} ${n === 256 ? "00" : spaced(toHex(Uint8Array.of(n)))}`);
      }
      expect(reads.length).toBeGreaterThan(1);
      const body = await scriptor(dir, lease.reader, "certificate", [SELECT_JPKI, selectEf("000A"), ...reads]);
      expect(body.map((e) => e.sw)).toEqual(body.map(() => "9000"));
      const der = Buffer.concat(body.slice(2).map((e) => e.response));
      expect(der.length).toBe(length);
      expect(toHex(der)).toBe(toHex((await loadFixture("yamada-taro")).userAuthCertificateDer));

      certificate = new X509Certificate(der);
      const ca = await fixtureCa();
      expect(certificate.checkIssued(ca)).toBe(true);
      expect(certificate.verify(ca.publicKey)).toBe(true);
    });

    it("scriptor runs the PIN path (status 63C3, wrong 63C2, right 9000) and gets a signature node:crypto verifies", async () => {
      expect(certificate, "the certificate test must run first").toBeDefined();
      const message = Buffer.from("onshi-sim e2e challenge: scriptor over pcscd + vpcd");
      const digestInfo = SHA256_DIGEST_INFO_PREFIX + toHex(createHash("sha256").update(message).digest());
      const lc = toHex(Uint8Array.of(digestInfo.length / 2));
      const out = await scriptor(dir, lease.reader, "pin-and-sign", [
        SELECT_JPKI,
        "# the user-auth PIN: status query, a wrong PIN, the right one",
        selectEf("0018"),
        "00 20 00 80",
        "00 20 00 80 04 39 39 39 39",
        "00 20 00 80 04 31 32 33 34",
        "# sign a SHA-256 DigestInfo with the user-auth key",
        selectEf("0017"),
        `80 2A 00 80 ${lc} ${spaced(digestInfo)} 00`,
      ]);
      expect(out.map((e) => e.sw)).toEqual(["9000", "9000", "63C3", "63C2", "9000", "9000", "9000"]);
      const signature = out[6]!.response;
      expect(signature.length).toBe(256);
      expect(rsaVerify("sha256", message, certificate.publicKey, signature)).toBe(true);
      expect(rsaVerify("sha256", Buffer.from("something else"), certificate.publicKey, signature)).toBe(false);
    });

    it("keeps the counters in the temp data dir: the right PIN restored 3 tries", () => {
      const state = JSON.parse(readFileSync(join(dir, "data", "cards", "yamada-taro.state.json"), "utf8")) as { retries: { userAuth: number } };
      expect(state.retries.userAuth).toBe(3);
    });

    it("`onshi-sim card remove` takes the card out: the insert process ends and pcsc_scan sees no card", async () => {
      const r = await run(process.execPath, [BIN, "card", "remove", "--slot", String(lease.slot)], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`removed "yamada-taro" from slot ${lease.slot}`);
      expect(await Promise.race([childExit, new Promise((r) => setTimeout(() => r("still running"), 5000))])).toBe(0);
      expect(childOut).toContain(`removed "yamada-taro" from slot ${lease.slot}`);
      expect(existsSync(join(dir, "data", "run", `vpcd-slot-${lease.slot}.json`))).toBe(false);
      await waitForCardState(lease.reader, false);
      const empty = join(dir, "empty.apdu");
      writeFileSync(empty, "");
      const again = await run("scriptor", ["-r", lease.reader, empty], process.env);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/No smart ?card inserted/i);

      const twice = await run(process.execPath, [BIN, "card", "remove", "--slot", String(lease.slot)], env);
      expect(twice.code).toBe(0);
      expect(twice.stdout).toContain(`no card is inserted in slot ${lease.slot}`);
    });
  });
});
