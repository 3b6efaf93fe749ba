/**
 * The virtual smartphones end to end with standard PC/SC tools only (issue 14 §1): `onshi-sim card insert
 * phone-… --via vpcd` in a child process; `pcsc_scan` sees it; `scriptor` SELECTs JPKI and reads EF 0006
 * (JPKIAPGPSETOKEN / JPKIAPIOSTOKEN); on Android 000A is refused (69 82) before the phone PIN and read after
 * it, and the signature verifies with the phone's certificate (not the card's); the iPhone refuses to sign
 * (69 82) until `onshi-sim phone auth` authenticates its owner. The slot is leased (acquireVpcdSlot): in a
 * clinic the phone reader is slot 1, here whichever slot is free.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, verify as rsaVerify, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toHex } from "@onshi-sim/apdu";
import { findExecutable, REPO_ROOT } from "@onshi-sim/card-sim";
import { findPhoneFixture } from "@onshi-sim/jpki-testkit";
import { fixtureCa } from "../support/cards.js";
import { acquireVpcdSlot, describePcsc, type VpcdSlotLease } from "../support/pcscd.js";
import { run, scriptor, waitForCardState, type Exchange } from "../support/pcsc-tools.js";

const BIN = join(REPO_ROOT, "packages", "cli", "bin", "onshi-sim.js");
const SELECT_JPKI = "00 A4 04 0C 0A D3 92 F0 00 26 01 00 00 00 01";
const selectEf = (fid: string) => `00 A4 02 0C 02 ${fid.slice(0, 2)} ${fid.slice(2)}`;
const SHA256_DIGEST_INFO_PREFIX = "3031300D060960864801650304020105000420";
const spaced = (hex: string) => hex.replace(/(..)(?!$)/g, "$1 ");
const ascii = (s: string) => spaced(Buffer.from(s, "ascii").toString("hex").toUpperCase());

function signLines(message: Buffer): string[] {
  const digestInfo = SHA256_DIGEST_INFO_PREFIX + toHex(createHash("sha256").update(message).digest());
  return [selectEf("0017"), `80 2A 00 80 ${toHex(Uint8Array.of(digestInfo.length / 2))} ${spaced(digestInfo)} 00`];
}

/** Reads the whole certificate in 000A after its 4-byte head (the JPKI select is repeated per script). */
function certificateReads(head: Uint8Array): string[] {
  const length = (((head[2] ?? 0) << 8) | (head[3] ?? 0)) + 4;
  const reads: string[] = [];
  for (let offset = 0; offset < length; offset += 256) {
    const n = Math.min(256, length - offset);
    reads.push(`00 B0 ${spaced(toHex(Uint8Array.of(offset >> 8, offset & 0xff)))} ${n === 256 ? "00" : spaced(toHex(Uint8Array.of(n)))}`);
  }
  return reads;
}

const tokenOf = (e: Exchange) => Buffer.from(e.response).toString("ascii").trimEnd();
const tools = Boolean(findExecutable("scriptor") && findExecutable("pcsc_scan"));

describePcsc("standard PC/SC tools against a virtual smartphone (`onshi-sim card insert phone-…`)", () => {
  if (!tools && process.env.CI === "true") {
    it("needs pcsc-tools: CI=true fails instead of skipping", () => {
      throw new Error("pcsc-tools is not installed (scriptor, pcsc_scan): apt-get install -y pcsc-tools");
    });
    return;
  }

  describe.skipIf(!tools)("scriptor and pcsc_scan", () => {
    let lease: VpcdSlotLease;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    let child: ChildProcess | undefined;
    let childExit: Promise<number | null>;

    async function insert(id: string): Promise<void> {
      let out = "";
      child = spawn(process.execPath, [BIN, "card", "insert", id, "--via", "vpcd", "--slot", String(lease.slot)], { env, stdio: ["ignore", "pipe", "pipe"] });
      child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
      childExit = new Promise((resolve) => child?.once("exit", (code) => resolve(code)));
      const exitedEarly = childExit.then((code) => {
        throw new Error(`card insert exited (${code}) before the phone showed up:\n${out}`);
      });
      await Promise.race([waitForCardState(lease.reader, true, 20_000), exitedEarly]);
      exitedEarly.catch(() => {});
      expect(out).toContain(`inserted "${id}" into ${lease.reader}`);
    }

    beforeEach(async () => {
      lease = await acquireVpcdSlot();
      dir = mkdtempSync(join(tmpdir(), "onshi-e2e-phone-"));
      env = { ...process.env, ONSHI_SIM_DATA_DIR: join(dir, "data") };
    });

    afterEach(async () => {
      if (child && child.exitCode === null && child.signalCode === null) {
        await run(process.execPath, [BIN, "card", "remove", "--slot", String(lease.slot)], env);
        await Promise.race([childExit, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      await waitForCardState(lease.reader, false).catch(() => {});
      await lease?.release();
      rmSync(dir, { recursive: true, force: true });
    });

    it("Android: EF 0006 reads JPKIAPGPSETOKEN; 000A refused before the phone PIN, read after; the signature verifies with the phone certificate", async () => {
      const phone = await findPhoneFixture("phone-android-yamada-taro");
      await insert("phone-android-yamada-taro");
      const before = await scriptor(dir, lease.reader, "android-before", [SELECT_JPKI, selectEf("0006"), "00 B0 00 00 20", selectEf("000A"), "00 B0 00 00 04"]);
      expect(before.map((e) => e.sw)).toEqual(["9000", "9000", "9000", "9000", "6982"]);
      expect(tokenOf(before[2]!)).toBe("JPKIAPGPSETOKEN");

      const head = await scriptor(dir, lease.reader, "android-head", [SELECT_JPKI, selectEf("0018"), "00 20 00 80", `00 20 00 80 04 ${ascii(phone.fixture.pin!)}`, selectEf("000A"), "00 B0 00 00 04"]);
      expect(head.map((e) => e.sw)).toEqual(["9000", "9000", "63C3", "9000", "9000", "9000"]);
      const message = Buffer.from("onshi-sim e2e: an Android phone over pcscd + vpcd");
      const reads = certificateReads(head[5]!.response);
      const out = await scriptor(dir, lease.reader, "android-read-sign", [SELECT_JPKI, selectEf("0018"), `00 20 00 80 04 ${ascii(phone.fixture.pin!)}`, selectEf("000A"), ...reads, ...signLines(message)]);
      expect(out.map((e) => e.sw)).toEqual(out.map(() => "9000"));
      const der = Buffer.concat(out.slice(4, 4 + reads.length).map((e) => e.response));
      expect(toHex(der)).toBe(toHex(phone.userAuthCertificateDer));
      const certificate = new X509Certificate(der);
      const ca = await fixtureCa();
      expect(certificate.checkIssued(ca) && certificate.verify(ca.publicKey)).toBe(true);
      expect(certificate.serialNumber.toUpperCase()).not.toBe(phone.card.certificateSerial);
      const signature = out.at(-1)!.response;
      expect(rsaVerify("sha256", message, certificate.publicKey, signature)).toBe(true);
      expect(rsaVerify("sha256", message, new X509Certificate(phone.card.userAuthCertificateDer).publicKey, signature)).toBe(false);
    });

    it("Android: wrong phone PINs lock it like the card (63 C2, 63 C1, 63 C0, then 69 84)", async () => {
      await insert("phone-android-yamada-taro");
      const wrong = `00 20 00 80 04 ${ascii("0000")}`;
      const out = await scriptor(dir, lease.reader, "android-lock", [SELECT_JPKI, selectEf("0018"), wrong, wrong, wrong, "00 20 00 80"]);
      expect(out.map((e) => e.sw)).toEqual(["9000", "9000", "63C2", "63C1", "63C0", "6984"]);
    });

    it("iPhone: EF 0006 reads JPKIAPIOSTOKEN; it refuses to sign (69 82) until `onshi-sim phone auth`, then the signature verifies", async () => {
      const phone = await findPhoneFixture("phone-iphone-yamada-taro");
      await insert("phone-iphone-yamada-taro");
      const message = Buffer.from("onshi-sim e2e: an iPhone over pcscd + vpcd");
      const refused = await scriptor(dir, lease.reader, "iphone-refused", [SELECT_JPKI, selectEf("0006"), "00 B0 00 00 20", selectEf("0018"), ...signLines(message)]);
      expect(tokenOf(refused[2]!)).toBe("JPKIAPIOSTOKEN");
      expect(refused.map((e) => e.sw)).toEqual(["9000", "9000", "9000", "6A82", "9000", "6982"]);

      const auth = await run(process.execPath, [BIN, "phone", "auth", "phone-iphone-yamada-taro", "--for", "60"], env);
      expect(auth.code, auth.stderr).toBe(0);
      const signed = await scriptor(dir, lease.reader, "iphone-sign", [SELECT_JPKI, ...signLines(message)]);
      expect(signed.map((e) => e.sw)).toEqual(["9000", "9000", "9000"]);
      expect(rsaVerify("sha256", message, new X509Certificate(phone.userAuthCertificateDer).publicKey, signed[2]!.response)).toBe(true);
      // One authentication, one signature.
      const again = await scriptor(dir, lease.reader, "iphone-again", [SELECT_JPKI, ...signLines(message)]);
      expect(again.at(-1)!.sw).toBe("6982");
    });
  });
});
