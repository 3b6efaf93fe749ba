/**
 * The smartphone マイナ保険証 through the card path (issue 14 §3): a phone's own certificate links to its card's
 * person; the audit log records the phone kind; the result carries simulator.token (our flag); the phone gets no
 * 3-month grace after its certificate (or its card) expired.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admin, body, cardBody, nonce, phone, phoneAsCard, startHarness, type Harness, type TypedResponse } from "../support/server-harness.js";
import type { QualificationResponse } from "../../src/results/result-schema.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

async function confirmPhone(id: string, simulationDate?: string): Promise<TypedResponse<QualificationResponse>> {
  const p = phoneAsCard(await phone(id));
  const n = await nonce(h);
  return (await h.http.post("/api/v1/qualifications/card").send(cardBody(p, n, simulationDate ? { simulationDate } : {}))) as TypedResponse<QualificationResponse>;
}

describe("the phone path (same card-path API)", () => {
  it("Android: the phone's signature over the nonce → 資格有効 for the card's person, marked token android, audited as smartphone-android", async () => {
    const r = await confirmPhone("phone-android-yamada-taro");
    expect(r.status).toBe(200);
    expect(body(r)).toMatchObject({ ProcessingResultStatus: "1", QualificationValidity: "1" });
    expect(r.body.simulator).toMatchObject({ usable: true, method: "pin", token: "android" });
    const done = await h.http.post("/api/v1/sessions/complete").send({ confirmationId: r.body.simulator.confirmationId });
    expect(done.status).toBe(200);
    expect(done.body.simulator.token).toBe("android");
    expect(done.body.faceFile).toMatch(/^OQSsiquc01res_face_/);
    const audit = await admin(h).get("/api/admin/audit?limit=20");
    const entries = audit.body.entries as { channel: string; personId: string; method: string; certificateSerial: string }[];
    const serial = (await phone("phone-android-yamada-taro")).certificateSerial;
    expect(entries).toContainEqual(expect.objectContaining({ channel: "card", personId: "P0001", method: "smartphone-android", certificateSerial: serial }));
    expect(entries).toContainEqual(expect.objectContaining({ channel: "session-complete", personId: "P0001", method: "smartphone-android" }));
  });

  it("iPhone: audited as smartphone-iphone; a card still carries no token mark", async () => {
    const r = await confirmPhone("phone-iphone-yamada-taro");
    expect(r.body.simulator).toMatchObject({ usable: true, token: "iphone" });
    const audit = await admin(h).get("/api/admin/audit?channel=card&limit=5");
    expect((audit.body.entries as { method: string }[])[0]!.method).toBe("smartphone-iphone");
    const card = (await h.http.post("/api/v1/qualifications/card").send(cardBody((await phone("phone-iphone-yamada-taro")).card, await nonce(h)))) as TypedResponse<QualificationResponse>;
    expect(card.body.simulator.token).toBeUndefined();
  });

  it("no grace for a phone: its certificate ended 2026-09-30 → E114 on 2026-11-22, while the card still gets N102", async () => {
    const r = await confirmPhone("phone-android-cert-expired");
    expect(body(r)).toMatchObject({ ProcessingResultStatus: "2", ProcessingResultCode: "E114" });
    expect(r.body.simulator).toMatchObject({ usable: false, token: "android" });
    const p = await phone("phone-android-cert-expired");
    const card = (await h.http.post("/api/v1/qualifications/card").send(cardBody(p.card, await nonce(h)))) as TypedResponse<QualificationResponse>;
    expect(body(card).ProcessingResultCode).toBe("N102");
    // Before the expiry the phone works.
    expect(body(await confirmPhone("phone-android-cert-expired", "20260915")).QualificationValidity).toBe("1");
  });
});
