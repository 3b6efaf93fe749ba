/**
 * The server as a web page in the same browser sees it: a page on another site may send "simple" requests
 * (text/plain, forms, no preflight) to 127.0.0.1:8741, and a page whose name is rebound to 127.0.0.1 (DNS
 * rebinding) reaches it with its own Host. Neither may read or change anything.
 */
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, FACILITY, startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
let url: string;
let port: number;
beforeAll(async () => {
  h = await startHarness();
  ({ url, port } = await h.server.listen(0, "127.0.0.1"));
});
afterAll(async () => {
  await h.close();
});

const WRITES = ["/api/v1/nonces", "/api/v1/qualifications/card", "/api/v1/qualifications/insurance", "/api/v1/registrations", "/api/v1/consents", "/api/v1/sessions/complete", "/api/xml/OQSsiquc01"];

describe("Host (DNS rebinding)", () => {
  it("answers only for its own names on its own port, before routing or the body", async () => {
    const http = request(url);
    for (const host of ["evil.example", `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost:${port + 1}`]) {
      const r = await http.get("/api/health").set("Host", host);
      expect(r.status, host).toBe(403);
      expect(r.body.error.code).toBe("R011");
      expect(r.body.error.message).toContain("ONSHI_SIM_ALLOWED_HOSTS");
    }
    const nonce = await http.post("/api/v1/nonces").set("Host", `evil.example:${port}`).send({ medicalInstitutionCode: FACILITY });
    expect(nonce.status).toBe(403);
    const reseed = await http.post("/api/admin/reseed").set("Host", `evil.example:${port}`).set("Authorization", `Bearer ${ADMIN_TOKEN}`);
    expect(reseed.status).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      expect((await http.get("/api/health").set("Host", host)).status, host).toBe(200);
    }
  });

  it("serves extra names given as allowedHosts", async () => {
    const lan = await startHarness({ allowedHosts: ["onshi.lan", "proxy.example:443"] });
    try {
      const { url: lanUrl, port: lanPort } = await lan.server.listen(0, "127.0.0.1");
      const http = request(lanUrl);
      expect((await http.get("/api/health").set("Host", `onshi.lan:${lanPort}`)).status).toBe(200);
      expect((await http.get("/api/health").set("Host", "proxy.example:443")).status).toBe(200);
      expect((await http.get("/api/health").set("Host", `other.lan:${lanPort}`)).status).toBe(403);
    } finally {
      await lan.close();
    }
  });
});

describe("Origin", () => {
  it("refuses a request from another site's page, whatever its content type", async () => {
    const http = request(url);
    for (const origin of ["http://evil.example", `http://localhost:${port + 1}`, "null", `http://127.0.0.1:${port}.evil.example`]) {
      const r = await http.post("/api/v1/nonces").set("Origin", origin).send({ medicalInstitutionCode: FACILITY });
      expect(r.status, origin).toBe(403);
      expect(r.body.error.code).toBe("R011");
    }
    const reseed = await http.post("/api/admin/reseed").set("Origin", "http://evil.example").set("Authorization", `Bearer ${ADMIN_TOKEN}`);
    expect(reseed.status).toBe(403);
    // Its own pages (the API docs) are the server's origin.
    const own = await http.post("/api/v1/nonces").set("Origin", `http://127.0.0.1:${port}`).send({ medicalInstitutionCode: FACILITY });
    expect(own.status).toBe(200);
  });

  it("does not answer CORS preflights: no other site's page gets past a simple request", async () => {
    const r = await request(url).options("/api/v1/nonces").set("Origin", `http://localhost:${port}`).set("Access-Control-Request-Method", "POST").set("Access-Control-Request-Headers", "content-type");
    expect(r.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("simple requests (no Origin, as curl or an old browser sends them)", () => {
  it.each(WRITES)("%s refuses text/plain and form bodies with 415 R004", async (path) => {
    const http = request(url);
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const r = await http.post(path).set("content-type", type).send(`{"medicalInstitutionCode":"${FACILITY}"}`);
      expect(r.status, type).toBe(415);
      expect(r.body.error.code).toBe("R004");
    }
    const none = await http.post(path);
    expect(none.status).toBe(415);
  });
});
