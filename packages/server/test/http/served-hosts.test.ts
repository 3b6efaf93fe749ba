import { describe, expect, it } from "vitest";
import { allowedHostsFromEnv, ServedHosts } from "../../src/http/served-hosts.js";

const loopback = { localPort: 8740, localAddress: "127.0.0.1" };
const lan = { localPort: 8740, localAddress: "192.168.1.20" };

describe("ServedHosts", () => {
  const hosts = new ServedHosts(["kiosk.lan", "proxy.example:443"]);

  it("serves the loopback names, the arrival address and the extra names on the listener's port", () => {
    for (const h of ["127.0.0.1:8740", "localhost:8740", "LocalHost:8740", "[::1]:8740", "kiosk.lan:8740", "proxy.example:443", undefined]) {
      expect(hosts.servesHost(h, loopback), String(h)).toBe(true);
    }
    expect(hosts.servesHost("192.168.1.20:8740", lan)).toBe(true);
    expect(hosts.servesHost("[::1]:8740", { localPort: 8740, localAddress: "::1" })).toBe(true);
    expect(hosts.servesHost("127.0.0.1:8740", { localPort: 8740, localAddress: "::ffff:127.0.0.1" })).toBe(true);
  });

  it("refuses every other name, port or shape", () => {
    for (const h of ["evil.example:8740", "evil.example", "127.0.0.1:8741", "127.0.0.1", "localhost.:8740", "kiosk.lan:9999", "proxy.example:8740", "192.168.1.20:8740", "127.0.0.1:8740/x", "user@127.0.0.1:8740", "", " "]) {
      expect(hosts.servesHost(h, loopback), h).toBe(false);
    }
    expect(hosts.servesHost("127.0.0.1:8740", {})).toBe(false); // socket already gone
  });

  it("takes an Origin of this very listener only, or any local page for originOnThisMachine", () => {
    expect(hosts.servesOrigin("http://127.0.0.1:8740", loopback)).toBe(true);
    expect(hosts.servesOrigin("http://kiosk.lan:8740", loopback)).toBe(true);
    expect(hosts.servesOrigin("https://proxy.example", loopback)).toBe(true);
    for (const o of ["http://127.0.0.1:3000", "http://evil.example:8740", "null", "file://", "http://127.0.0.1:8740/", "http://127.0.0.1:8740/path", "ws://127.0.0.1:8740", "garbage"]) {
      expect(hosts.servesOrigin(o, loopback), o).toBe(false);
    }
    expect(hosts.originOnThisMachine("http://localhost:3000", loopback)).toBe(true);
    expect(hosts.originOnThisMachine("http://[::1]:5173", loopback)).toBe(true);
    expect(hosts.originOnThisMachine("http://kiosk.lan:8740", loopback)).toBe(true);
    expect(hosts.originOnThisMachine("http://192.168.1.20:8740", lan)).toBe(true);
    expect(hosts.originOnThisMachine("http://evil.example:8740", loopback)).toBe(false);
    expect(hosts.originOnThisMachine("null", loopback)).toBe(false);
  });

  it("refuses an allowed host that is not one (a URL, a path) and reads ONSHI_SIM_ALLOWED_HOSTS", () => {
    expect(() => new ServedHosts(["http://kiosk.lan"])).toThrow(/no scheme/);
    expect(() => new ServedHosts(["kiosk.lan/x"])).toThrow(/not a host name/);
    expect(allowedHostsFromEnv({ ONSHI_SIM_ALLOWED_HOSTS: " kiosk.lan, 192.168.1.20 proxy:443 " })).toEqual(["kiosk.lan", "192.168.1.20", "proxy:443"]);
    expect(allowedHostsFromEnv({})).toEqual([]);
    expect(new ServedHosts(["Kiosk.LAN", "proxy:443"]).extra).toEqual(["kiosk.lan", "proxy:443"]);
  });
});
