import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { body, confirmCard, FACILITY, nonce, OTHER_FACILITY, startHarness, type Harness } from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ maxNoncesPerFacility: 3 });
});
afterAll(async () => {
  await h.close();
});

const ask = (facility: string) => h.http.post("/api/v1/nonces").send({ medicalInstitutionCode: facility });

describe("nonces: one facility flooding does not shut the others out", () => {
  it("past its share a facility gets 429 R012 with Retry-After; another facility is served; a used nonce frees a place", async () => {
    const mine = [await nonce(h), await nonce(h), await nonce(h)];
    const refused = await ask(FACILITY);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("R012");
    expect(refused.headers["retry-after"]).toBe("60");
    expect((await ask(OTHER_FACILITY)).status).toBe(200);
    // The refused client keeps what it had: its nonces still confirm a card.
    const r = await confirmCard(h, "P0001", { nonce: mine[0] });
    expect(body(r).QualificationValidity).toBe("1");
    expect((await ask(FACILITY)).status).toBe(200);
    expect((await ask(FACILITY)).status).toBe(429);
    h.clock.advance(60_001);
    expect((await ask(FACILITY)).status).toBe(200);
  });
});
