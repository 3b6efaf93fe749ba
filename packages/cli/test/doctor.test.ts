import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatDoctorReport, latencyCheck, readVpcdConfig, runDoctor, type DoctorReport } from "../src/doctor.js";
import { LOOPBACK_QUICKACK_COMMAND, type VpcdLatencyProbes } from "@onshi-sim/card-sim";
import { describePcsc } from "../../../test/support/pcscd.js";

describePcsc("onshi-sim doctor on this machine", () => {
  it("finds PC/SC ready and lists the Virtual PCD readers", async () => {
    const report = await runDoctor();
    const text = formatDoctorReport(report);
    expect(report.ok, text).toBe(true);
    expect(report.readers.map((r) => r.name)).toEqual(expect.arrayContaining(["Virtual PCD 00 00", "Virtual PCD 00 01"]));
    expect(report.vpcdSlots).toEqual([
      { reader: "Virtual PCD 00 00", port: 35963 },
      { reader: "Virtual PCD 00 01", port: 35964 },
    ]);
    expect(text).toContain("PC/SC is ready.");
    expect(text).toContain("Virtual PCD 00 00");
    expect(text).not.toContain("FAIL");
    // This machine has the sockopt addon, so the virtual card ACKs at once without root.
    expect(report.checks.find((c) => c.name === "vpcd latency")).toMatchObject({ status: "ok", detail: expect.stringContaining("quickack on") });
  });
});

describe("the vpcd latency check", () => {
  const probes = (socket: boolean, route: boolean | undefined): VpcdLatencyProbes => ({
    socketQuickack: () => (socket ? { available: true } : { available: false, reason: "sockopt missing" }),
    routeQuickack: () => route,
    setRouteQuickack: () => {
      throw new Error("doctor must not change the route");
    },
    isRoot: () => true,
  });
  const sudo = (cmd: string) => `sudo ${cmd}`;

  it("is ok when the card side sets TCP_QUICKACK, or the loopback route has quickack", () => {
    expect(latencyCheck(probes(true, false), sudo)).toMatchObject({ status: "ok", detail: expect.stringMatching(/^quickack on: .*TCP_QUICKACK/) });
    expect(latencyCheck(probes(false, true), sudo)).toMatchObject({ status: "ok", detail: expect.stringMatching(/^quickack on: the loopback route/) });
  });

  it("warns with the exact command (sudo for a normal user) when quickack is off", () => {
    const check = latencyCheck(probes(false, false), sudo);
    expect(check.status).toBe("warn");
    expect(check.detail).toMatch(/^quickack off: .*~40 ms.*sockopt missing/);
    expect(check.fix).toBe(`sudo ${LOOPBACK_QUICKACK_COMMAND}`);
    expect(LOOPBACK_QUICKACK_COMMAND).toBe("ip route change local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 table local quickack 1");
    expect(formatDoctorReport({ ok: true, checks: [check], readers: [], vpcdSlots: [] })).toContain(`optional (vpcd latency): sudo ${LOOPBACK_QUICKACK_COMMAND}`);
  });
});

describe("formatDoctorReport", () => {
  const broken: DoctorReport = {
    ok: false,
    vpcdSlots: [],
    readers: [],
    checks: [
      { name: "pcscd installed", status: "fail", detail: "pcscd (the PC/SC daemon) is not installed", fix: "apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev" },
      { name: "vpcd virtual reader", status: "fail", detail: "vsmartcard-vpcd is missing", fix: "apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev" },
      { name: "nfc-pcsc native module", status: "fail", detail: "cannot be loaded", fix: "apt-get install -y libpcsclite-dev && npm install" },
      { name: "pcscd running", status: "fail", detail: "no answer on /run/pcscd/pcscd.comm", fix: "pcscd   (or `pcscd -f &` to keep it in a shell's foreground)" },
    ],
  };

  it("names every problem with its fix command, each command once, in order", () => {
    const text = formatDoctorReport(broken);
    expect(text).toContain("FAIL  pcscd installed");
    expect(text).toContain("PC/SC is NOT ready");
    expect(text).toContain("1. apt-get install -y pcscd vsmartcard-vpcd libpcsclite-dev");
    expect(text).toContain("2. apt-get install -y libpcsclite-dev && npm install");
    expect(text).toContain("3. pcscd");
    expect(text).not.toContain("4. ");
    expect(text).toContain("pcscd -f &");
  });

  it("says ready, lists readers with their cards and offers optional fixes for warnings", () => {
    const text = formatDoctorReport({
      ok: true,
      vpcdSlots: [{ reader: "Virtual PCD 00 00", port: 35963 }],
      readers: [{ name: "Virtual PCD 00 00", atr: "3BE000FF8131FE4514" }, { name: "Virtual PCD 00 01" }],
      checks: [
        { name: "pcscd running", status: "ok", detail: "answers on /run/pcscd/pcscd.comm" },
        { name: "vpcd latency", status: "warn", detail: "delayed ACK", fix: "ip route change … quickack 1" },
      ],
    });
    expect(text).toContain("PC/SC is ready.");
    expect(text).toContain("Virtual PCD 00 00  card, ATR 3BE000FF8131FE4514");
    expect(text).toContain("Virtual PCD 00 01  no card");
    expect(text).toContain("optional (vpcd latency): ip route change … quickack 1");
  });
});

describe("readVpcdConfig", () => {
  it("derives reader names and ports from reader.conf.d, skipping comments and other drivers", () => {
    const dir = mkdtempSync(join(tmpdir(), "onshi-doctor-"));
    try {
      writeFileSync(join(dir, "a-ccid"), "# FRIENDLYNAME \"x\"\n# LIBPATH /usr/lib/pcsc/drivers/serial/libccidtwin.so\n");
      writeFileSync(
        join(dir, "vpcd"),
        'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x8C7B\nLIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID    0x8C7B\n',
      );
      expect(readVpcdConfig(dir)).toEqual([
        { reader: "Virtual PCD 00 00", port: 35963 },
        { reader: "Virtual PCD 00 01", port: 35964 },
      ]);
      expect(readVpcdConfig(join(dir, "missing"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
