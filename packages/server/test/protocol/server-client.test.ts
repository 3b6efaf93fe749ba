/**
 * The typed client over the route table: one method per JSON route, answers validated with the routes' schemas,
 * failures as ServerApiError with the server's result code — against a real server on a temp dir.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { createServerClient, ServerApiError, type ServerClient } from "../../src/protocol/server-client.js";
import { API_ROUTES } from "../../src/protocol/routes.js";
import { ROUTES } from "../../src/http/route-specs.js";
import { ADMIN_TOKEN, FACILITY, startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
let url: string;
beforeAll(async () => {
  h = await startHarness();
  url = (await h.server.listen(0, "127.0.0.1")).url;
});
afterAll(async () => h?.close());

const errorOf = async (p: Promise<unknown>): Promise<ServerApiError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ServerApiError) return e;
    throw e;
  }
  throw new Error("expected a ServerApiError");
};

describe("createServerClient", () => {
  it("has a method for every JSON route of the table, and the server mounts the same table", () => {
    const client = createServerClient({ baseUrl: "http://127.0.0.1:1" });
    const json = Object.entries(API_ROUTES).filter(([, r]) => typeof r.responses[200] !== "string").map(([name]) => name);
    for (const name of json) expect(typeof (client as unknown as Record<string, unknown>)[name], name).toBe("function");
    expect(ROUTES.map((r) => `${r.method} ${r.path}`)).toEqual(Object.values(API_ROUTES).map((r) => `${r.method} ${r.path}`));
  });

  it("calls the API and the admin API with typed inputs and validated answers", async () => {
    const server = createServerClient({ baseUrl: url, adminToken: ADMIN_TOKEN });
    expect((await server.health()).status).toBe("ok");
    const { nonce } = await server.nonce({ body: { medicalInstitutionCode: FACILITY } });
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await server.reseed();
    const state = await server.personAction({ params: { personId: "P1009" }, body: { action: "lose-qualification" } });
    expect(state.personId).toBe("P1009");
    expect((await server.person({ params: { personId: "P1009" } })).qualifications[0]!.disqualificationDate).not.toBeNull();
    const fault = await server.addFault({ body: { kind: "maintenance", medicalInstitutionCode: FACILITY } });
    expect((await server.faults()).faults.map((f) => f.faultId)).toEqual([fault.faultId]);
    await server.clearFaults();
    expect((await server.audit({ query: { limit: 1 } })).entries).toHaveLength(1);
    expectTypeOf(server.nonce).parameter(0).toEqualTypeOf<{ readonly body: { medicalInstitutionCode: string } } & { readonly timeoutMs?: number; readonly signal?: AbortSignal }>();
    expectTypeOf<Awaited<ReturnType<ServerClient["person"]>>["personId"]>().toEqualTypeOf<string>();
  });

  it("refusals carry the server's result code and status", async () => {
    const anonymous = createServerClient({ baseUrl: url });
    const noToken = await errorOf(anonymous.persons());
    expect([noToken.kind, noToken.status, noToken.code]).toEqual(["refused", 401, "R007"]);
    const server = createServerClient({ baseUrl: url, adminToken: ADMIN_TOKEN });
    const missing = await errorOf(server.person({ params: { personId: "P9999" } }));
    expect([missing.status, missing.code]).toEqual([404, "R008"]);
    expect(missing.message).toContain("admin GET /api/admin/persons/P9999 → HTTP 404 R008");
    const bad = await errorOf(server.nonce({ body: { medicalInstitutionCode: "123" } }));
    expect([bad.status, bad.code]).toEqual([400, "R002"]);
    expect(bad.details.issues?.length).toBeGreaterThan(0);
  });

  it("tells an answer that is not the schema, an unreachable server and a timeout apart", async () => {
    const wrong = createServerClient({ baseUrl: url, fetch: async () => new Response(JSON.stringify({ status: "ok" }), { status: 200 }) });
    expect((await errorOf(wrong.health())).kind).toBe("bad-response");
    const gone = createServerClient({ baseUrl: "http://127.0.0.1:1" });
    expect((await errorOf(gone.health())).kind).toBe("unreachable");
    const slow = createServerClient({ baseUrl: url, fetch: (_u, init) => new Promise((_r, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason))) });
    expect((await errorOf(slow.health({ timeoutMs: 20 }))).kind).toBe("timeout");
  });
});
