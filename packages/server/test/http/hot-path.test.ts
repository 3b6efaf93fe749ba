/**
 * The card path's two calls are served before express (createApp's listener); every variant of their URLs still
 * goes through express to the same handlers. Both ways must answer alike — success, refusals and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { card, cardBody, FACILITY, nonce, startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

/** The exact URL (served directly) and a variant express routes to the same handler (trailing slash, case). */
const ROUTES = [
  ["/api/v1/qualifications/card", "/API/v1/qualifications/card/"],
  ["/api/v1/nonces", "/api/V1/nonces/"],
] as const;

describe("card path: the direct listener and express answer alike", () => {
  it("a card confirmation succeeds both ways, with the same result", async () => {
    const c = await card("P0001");
    type Answer = { XmlMsg: { MessageBody: unknown }; simulator: { usable: boolean } };
    const confirm = async (path: string) => (await h.http.post(path).send(cardBody(c, await nonce(h)))).body as Answer;
    const direct = await confirm(ROUTES[0][0]);
    const routed = await confirm(ROUTES[0][1]);
    expect(direct.simulator.usable).toBe(true);
    expect(routed.simulator.usable).toBe(true);
    expect(routed.XmlMsg.MessageBody).toEqual(direct.XmlMsg.MessageBody);
  });

  it("nonces both ways", async () => {
    for (const path of ROUTES[1]) {
      const r = await h.http.post(path).send({ medicalInstitutionCode: FACILITY });
      expect(r.status).toBe(200);
      expect(r.body.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
  });

  it.each(ROUTES)("bad input gets the same error from %s and %s", async (exact, variant) => {
    const cases: [string, (p: string) => Promise<{ status: number; body: { error?: { code: string } } }>][] = [
      ["malformed JSON", (p) => h.http.post(p).set("content-type", "application/json").send('{"x": ')],
      ["not JSON", (p) => h.http.post(p).set("content-type", "text/plain").send("hello")],
      ["oversized", (p) => h.http.post(p).send({ pad: "x".repeat(70 * 1024) })],
      ["unknown field", (p) => h.http.post(p).send({ medicalInstitutionCode: FACILITY, surprise: 1 })],
      ["12-digit value", (p) => h.http.post(p).send({ medicalInstitutionCode: FACILITY, x: "123456789018" })],
    ];
    for (const [name, send] of cases) {
      const a = await send(exact);
      const b = await send(variant);
      expect([name, b.status, b.body.error?.code], name).toEqual([name, a.status, a.body.error?.code]);
      expect(a.status, name).toBeGreaterThanOrEqual(400);
    }
  });

  it("a query string sends the call through express, whose guard refuses a 12-digit value", async () => {
    const r = await h.http.post("/api/v1/nonces?ref=123456789018").send({ medicalInstitutionCode: FACILITY });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "R005", issues: [{ path: "query.ref" }] });
  });

  it("other methods on the exact paths are express's 404", async () => {
    expect((await h.http.get("/api/v1/nonces")).status).toBe(404);
    expect((await h.http.put("/api/v1/qualifications/card").send({})).status).toBe(404);
  });
});
