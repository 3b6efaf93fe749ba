/**
 * The kiosk UI's server side as an attacker's page in the same browser sees it: it holds the agent token (in
 * /ui/config.json) and adds the server's admin token to /api/admin/*, so a page on another site must not be able
 * to write through it (no simple request: text/plain and forms are refused, and so is a foreign Origin), and a
 * page whose name is rebound to 127.0.0.1 (DNS rebinding) must get nothing at all. Real mock server behind it.
 */
import { createServer as createHttpServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, startHarness, type Harness } from "../../../server/test/support/server-harness.js";
import { createKioskUi, type KioskUiOptions } from "../../src/server/static.js";

const AGENT_TOKEN = "kiosk-ui-static-test-agent-token";

interface Answer {
  readonly status: number;
  readonly body: string;
  json(): { error?: { code: string; message: string } } & Record<string, unknown>;
}

/** A request with any Host, Origin and Content-Type, as a browser (or curl) could send it. */
function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, json: () => JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

let server: Harness;
let serverUrl: string;
const uis: Server[] = [];

async function startUi(options: Partial<KioskUiOptions> = {}): Promise<number> {
  const ui = createKioskUi({ agentUrl: "http://127.0.0.1:8742", agentToken: AGENT_TOKEN, serverUrl, adminToken: server.server.adminToken, ...options });
  const http = createHttpServer(ui.handler);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  uis.push(http);
  return (http.address() as AddressInfo).port;
}

beforeAll(async () => {
  server = await startHarness();
  serverUrl = (await server.server.listen(0, "127.0.0.1")).url;
});
afterAll(async () => {
  for (const s of uis) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await server.close();
});

const adminChanges = async () => ((await admin(server).get("/api/admin/audit?channel=admin")).body.entries as unknown[]).length;

describe("Host (DNS rebinding)", () => {
  it("gives the agent token, the pages and every /ui and /api answer only for the names it serves", async () => {
    const port = await startUi();
    for (const path of ["/ui/config.json", "/", "/trainer", "/reception", "/ui/settings", "/ui/cards", "/api/health", "/api/admin/persons", "/assets/none.js"]) {
      const r = await send(port, "GET", path, { host: `evil.example:${port}` });
      expect(r.status, path).toBe(403);
      expect(r.json().error?.code).toBe("UI-HOST");
      expect(r.body).not.toContain(AGENT_TOKEN);
    }
    expect((await send(port, "GET", "/ui/config.json", { host: `evil.example` })).status).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      const r = await send(port, "GET", "/ui/config.json", { host });
      expect(r.status, host).toBe(200);
      expect(r.json().agentToken).toBe(AGENT_TOKEN);
    }
  });

  it("serves a LAN name given as allowedHosts, and tells that page where the agent is", async () => {
    const port = await startUi({ allowedHosts: ["kiosk.lan"], agentUrl: (pageHost) => `http://${pageHost}:8742` });
    const lan = await send(port, "GET", "/ui/config.json", { host: `kiosk.lan:${port}` });
    expect(lan.status).toBe(200);
    expect(lan.json().agentUrl).toBe("http://kiosk.lan:8742");
    expect((await send(port, "GET", "/ui/config.json")).json().agentUrl).toBe("http://127.0.0.1:8742");
    expect((await send(port, "GET", "/ui/config.json", { host: `other.lan:${port}` })).status).toBe(403);
    const write = await send(port, "POST", "/ui/settings", { origin: `http://kiosk.lan:${port}`, host: `kiosk.lan:${port}`, "content-type": "application/json" }, JSON.stringify({ consentFlow: null }));
    expect(write.status).toBe(200);
  });
});

describe("state-changing requests", () => {
  it("another site's page cannot reseed the server through the admin proxy (the issue's curl), with any content type", async () => {
    const port = await startUi();
    const before = await adminChanges();
    const curl = await send(port, "POST", "/api/admin/reseed", { origin: "http://evil.example", "content-type": "text/plain" });
    expect(curl.status).toBe(403);
    expect(curl.json().error?.code).toBe("UI-ORIGIN");
    for (const origin of ["http://evil.example", `http://localhost:${port + 1}`, "null"]) {
      const r = await send(port, "POST", "/api/admin/reseed", { origin, "content-type": "application/json" }, "{}");
      expect(r.status, origin).toBe(403);
    }
    // No Origin (an old browser, a form posted from a file): the body type alone refuses it.
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
      const r = await send(port, "POST", "/api/admin/reseed", type ? { "content-type": type } : {});
      expect(r.status, String(type)).toBe(415);
      expect(r.json().error?.code).toBe("UI-MEDIA-TYPE");
    }
    expect(await adminChanges()).toBe(before);
    // The trainer console: its own origin and JSON.
    const own = await send(port, "POST", "/api/admin/reseed", { origin: `http://127.0.0.1:${port}`, "content-type": "application/json" }, "{}");
    expect(own.status).toBe(200);
    const clear = await send(port, "DELETE", "/api/admin/faults", { origin: `http://127.0.0.1:${port}`, "content-type": "application/json" });
    expect(clear.status).toBe(200);
    expect(await adminChanges()).toBe(before + 2);
  });

  it("/ui/settings takes only JSON from its own pages", async () => {
    const port = await startUi();
    const body = JSON.stringify({ simulationDate: "2026-12-01" });
    expect((await send(port, "POST", "/ui/settings", { "content-type": "text/plain" }, body)).status).toBe(415);
    expect((await send(port, "POST", "/ui/settings", { origin: "http://evil.example", "content-type": "application/json" }, body)).status).toBe(403);
    expect((await send(port, "GET", "/ui/settings")).json()).toMatchObject({ simulationDate: null });
    const own = await send(port, "POST", "/ui/settings", { origin: `http://localhost:${port}`, host: `localhost:${port}`, "content-type": "application/json; charset=utf-8" }, body);
    expect(own.status).toBe(200);
    expect(own.json()).toMatchObject({ simulationDate: "20261201" });
    // The trainer's date moves the server's clock too (what carries no date of its own is answered on it).
    expect((await admin(server).get("/api/admin/clock")).body).toMatchObject({ date: "20261201", source: "set" });
    const back = await send(port, "POST", "/ui/settings", { "content-type": "application/json" }, JSON.stringify({ simulationDate: null }));
    expect(back.status).toBe(200);
    expect((await admin(server).get("/api/admin/clock")).body).toMatchObject({ date: null, source: "real-time" });
  });

  it("non-admin writes through the proxy (a lookup) follow the same rules", async () => {
    const port = await startUi();
    const lookup = JSON.stringify({ medicalInstitutionCode: "1311234567", insurerNumber: "01130012", insuredCardSymbol: "13010001", insuredIdentificationNumber: "101", birthdate: "19820914" });
    expect((await send(port, "POST", "/api/v1/qualifications/insurance", { origin: "http://evil.example", "content-type": "application/json" }, lookup)).status).toBe(403);
    expect((await send(port, "POST", "/api/v1/qualifications/insurance", { "content-type": "text/plain" }, lookup)).status).toBe(415);
    expect((await send(port, "POST", "/api/v1/qualifications/insurance", { origin: `http://127.0.0.1:${port}`, "content-type": "application/json" }, lookup)).status).toBe(200);
  });
});
