import { describe, expect, it } from "vitest";
import { ensureVpcdLowLatency, LOOPBACK_QUICKACK_COMMAND, type VpcdLatencyProbes } from "../src/vpcd-latency.js";

function probes(o: { socket?: boolean; route?: boolean | undefined; root?: boolean; setFails?: string }): VpcdLatencyProbes & { routeSets: number } {
  const p = {
    routeSets: 0,
    socketQuickack: () => (o.socket ? ({ available: true } as const) : ({ available: false, reason: "no sockopt" } as const)),
    routeQuickack: () => ("route" in o ? o.route : false),
    setRouteQuickack: () => {
      if (o.setFails) throw new Error(o.setFails);
      p.routeSets++;
    },
    isRoot: () => o.root ?? false,
  };
  return p;
}

describe("ensureVpcdLowLatency", () => {
  it("changes nothing on the machine when the bridge can set TCP_QUICKACK itself, root or not", () => {
    const p = probes({ socket: true, root: true });
    expect(ensureVpcdLowLatency({}, p)).toMatchObject({ fix: "socket", routeChanged: false });
    expect(p.routeSets).toBe(0);
  });

  it("falls back to quickack on the loopback route, set once as root", () => {
    const p = probes({ socket: false, route: false, root: true });
    const r = ensureVpcdLowLatency({}, p);
    expect(r).toMatchObject({ fix: "route", routeChanged: true });
    expect(r.detail).toContain("no sockopt");
    expect(p.routeSets).toBe(1);
    const already = probes({ socket: false, route: true, root: true });
    expect(ensureVpcdLowLatency({}, already)).toMatchObject({ fix: "route", routeChanged: false });
    expect(already.routeSets).toBe(0);
  });

  it("as a normal user, or when told not to, reports the exact command instead", () => {
    const user = probes({ socket: false, route: false, root: false });
    const r = ensureVpcdLowLatency({}, user);
    expect(r).toMatchObject({ fix: "none", routeChanged: false });
    expect(r.detail).toContain(LOOPBACK_QUICKACK_COMMAND);
    expect(user.routeSets).toBe(0);
    const told = probes({ socket: false, route: false, root: true });
    expect(ensureVpcdLowLatency({ applyRoute: false }, told).fix).toBe("none");
    expect(told.routeSets).toBe(0);
  });

  it("says why when `ip` fails or is missing", () => {
    expect(ensureVpcdLowLatency({}, probes({ socket: false, route: false, root: true, setFails: "RTNETLINK answers: Operation not permitted" })).detail).toContain(
      "Operation not permitted",
    );
    expect(ensureVpcdLowLatency({}, probes({ socket: false, route: undefined, root: true })).detail).toMatch(/`ip` is not available/);
  });
});
