import { randomBytes, generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import { buildCertificate, jstEndOfDay, jstStartOfDay, TEST_CA_SUBJECT } from "@onshi-sim/jpki-testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  admin,
  b64,
  body,
  card,
  cardBody,
  confirmCard,
  FACILITY,
  firstResult,
  header,
  nonce,
  OTHER_FACILITY,
  startHarness,
  type Harness,
} from "../support/server-harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

const code = (r: Parameters<typeof body>[0]) => body(r).ProcessingResultCode;

describe("card path: the three ways of confirming identity", () => {
  it("PIN: the card's signature over the nonce → 有効 with the full result", async () => {
    const r = await confirmCard(h, "P0001");
    expect(r.status).toBe(200);
    expect(header(r)).toMatchObject({ ReferenceClassification: "1", SegmentOfResult: "1", MedicalInstitutionCode: FACILITY, QualificationConfirmationDate: "20261122", CharacterCodeIdentifier: "0" });
    expect(header(r).ProcessExecutionTime).toMatch(/^20261122\d{6}$/);
    expect(body(r)).toMatchObject({ ProcessingResultStatus: "1", QualificationValidity: "1" });
    expect(body(r).ProcessingResultCode).toBeUndefined();
    const res = firstResult(r)!;
    expect(res).toMatchObject({ InsurerNumber: "01130012", InsurerName: "全国健康保険協会 東京支部", InsuredCardSymbol: "13010001", InsuredIdentificationNumber: "101", InsuredBranchNumber: "00", PersonalFamilyClassification: "1", Sex1: "1", InsuredPartialContributionRatio: "030", InsuredCardClassification: "01", QualificationDate: "20050401" });
    expect(res.NameKana).toMatch(/^[\uFF65-\uFF9F ]+$/);
    expect(res.Birthdate).toBe((await card("P0001")).fixture.holder.birthDate.replaceAll("-", ""));
    expect(r.body.simulator).toMatchObject({ usable: true, method: "pin", consentFlow: "since-2024-10-07", simulationDate: "20261122" });
    expect(r.body.simulator.confirmationId).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it("face and 目視 are attested by a registered reader device and audited as such", async () => {
    const face = await confirmCard(h, "P0003", { method: "face" });
    expect(body(face)).toMatchObject({ ProcessingResultStatus: "1", QualificationValidity: "1" });
    expect(firstResult(face)!.InsurerNumber).toBe("  138057");
    const visual = await confirmCard(h, "P0005", { method: "visual" });
    expect(body(visual).QualificationValidity).toBe("1");
    const audit = await admin(h).get("/api/admin/audit?channel=card&limit=20");
    const methods = (audit.body.entries as { personId: string; method: string; detail: { deviceId?: string } | null }[]).map((e) => [e.personId, e.method, e.detail?.deviceId]);
    expect(methods).toContainEqual(["P0003", "face", "reader-device-01"]);
    expect(methods).toContainEqual(["P0005", "visual", "reader-device-01"]);
  });

  it("family member: 家族 with the 被保険者's name", async () => {
    const child = await confirmCard(h, "P0010");
    const parent = await confirmCard(h, "P0001");
    expect(firstResult(child)).toMatchObject({ PersonalFamilyClassification: "2", InsuredBranchNumber: "02", InsuredName: firstResult(parent)!.Name });
  });
});

describe("card path: refusals with their codes", () => {
  it("a replayed nonce is refused (E103), even with a valid signature", async () => {
    const c = await card("P0001");
    const n = await nonce(h);
    const req = cardBody(c, n);
    expect(body(await h.http.post("/api/v1/qualifications/card").send(req)).QualificationValidity).toBe("1");
    const again = await h.http.post("/api/v1/qualifications/card").send(req);
    expect(body(again)).toMatchObject({ ProcessingResultStatus: "2", ProcessingResultCode: "E103" });
    expect(again.body.simulator.usable).toBe(false);
  });

  it("an expired nonce (E102), an unknown one (E101), one for another facility (E104)", async () => {
    const c = await card("P0001");
    const n = await nonce(h);
    h.clock.advance(61_000);
    expect(code(await h.http.post("/api/v1/qualifications/card").send(cardBody(c, n)))).toBe("E102");
    const unknown = randomBytes(32).toString("base64url");
    expect(code(await h.http.post("/api/v1/qualifications/card").send(cardBody(c, unknown)))).toBe("E101");
    const other = await nonce(h, OTHER_FACILITY);
    expect(code(await h.http.post("/api/v1/qualifications/card").send(cardBody(c, other, { facility: FACILITY })))).toBe("E104");
  });

  it("a nonce is consumed by a failed attempt too", async () => {
    const c = await card("P0001");
    const n = await nonce(h);
    expect(code(await h.http.post("/api/v1/qualifications/card").send(cardBody(c, n, { signature: b64(randomBytes(256)) })))).toBe("E111");
    expect(code(await h.http.post("/api/v1/qualifications/card").send(cardBody(c, n)))).toBe("E103");
  });

  it("a wrong signature (E111): another nonce, another card's key", async () => {
    const c = await card("P0001");
    const other = await card("P0002");
    const n = await nonce(h);
    const wrong = sign("sha256", Buffer.from(n, "base64url"), other.userAuthKey).toString("base64");
    expect(code(await h.http.post("/api/v1/qualifications/card").send(cardBody(c, n, { signature: wrong })))).toBe("E111");
    const n2 = await nonce(h);
    const n3 = await nonce(h);
    const forN3 = sign("sha256", Buffer.from(n3, "base64url"), c.userAuthKey).toString("base64");
    expect(code(await h.http.post("/api/v1/qualifications/card").send(cardBody(c, n2, { signature: forN3 })))).toBe("E111");
  });

  it("a certificate not from the JPKI test CA (E112) and one that does not parse (E110)", async () => {
    // Same issuer name as the test CA, another key: only the signature tells them apart.
    const foreignCa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const { privateKey: key, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const foreign = new X509Certificate(
      buildCertificate({
        serial: Uint8Array.of(0x42, 1, 2, 3),
        subject: [["C", "JP"], ["CN", "foreign user-auth"]],
        issuer: TEST_CA_SUBJECT,
        notBefore: jstStartOfDay("2024-01-01"),
        notAfter: jstEndOfDay("2029-01-01"),
        publicKey,
        issuerPrivateKey: foreignCa.privateKey,
        issuerPublicKey: foreignCa.publicKey,
        ca: false,
        keyUsage: ["digitalSignature"],
      }),
    );
    const c = await card("P0001");
    const n = await nonce(h);
    const sig = sign("sha256", Buffer.from(n, "base64url"), key).toString("base64");
    expect(code(await h.http.post("/api/v1/qualifications/card").send(cardBody(c, n, { certificate: foreign.raw, signature: sig })))).toBe("E112");
    const n2 = await nonce(h);
    expect(code(await h.http.post("/api/v1/qualifications/card").send(cardBody(c, n2, { certificate: randomBytes(300) })))).toBe("E110");
  });

  it("devices: unknown (E121), revoked (E122), bad attestation (E123), registered to another facility (E124)", async () => {
    expect(code(await confirmCard(h, "P0003", { method: "face", deviceId: "no-such-reader", deviceKey: generateKeyPairSync("ed25519").privateKey }))).toBe("E121");
    expect(code(await confirmCard(h, "P0003", { method: "face", deviceId: "reader-device-revoked" }))).toBe("E122");
    expect(code(await confirmCard(h, "P0003", { method: "face", deviceId: "reader-device-01", deviceKey: generateKeyPairSync("ed25519").privateKey }))).toBe("E123");
    expect(code(await confirmCard(h, "P0003", { method: "face", deviceId: "reader-device-02", facility: OTHER_FACILITY }))).toBe("E124");
    expect(body(await confirmCard(h, "P0003", { method: "face", deviceId: "reader-device-02", facility: FACILITY })).QualificationValidity).toBe("1");
  });

  it("an attestation binds the method: a face attestation does not pass as 目視", async () => {
    const c = await card("P0003");
    const n = await nonce(h);
    const asFace = cardBody(c, n, { method: "face" });
    const asVisual = { ...asFace, method: "visual" };
    expect(code(await h.http.post("/api/v1/qualifications/card").send(asVisual))).toBe("E123");
  });
});

describe("card path: certificate dates (grace to the end of the 3rd month after expiry)", () => {
  it("cert-expired (notAfter 2026-09-30) on 2026-11-22: works with notice N102", async () => {
    const r = await confirmCard(h, "P0006", { simulationDate: "20261122" });
    expect(body(r)).toMatchObject({ ProcessingResultStatus: "1", QualificationValidity: "1", ProcessingResultCode: "N102" });
    expect(r.body.simulator.notices.map((n) => n.code)).toContain("N102");
  });

  it("cert-expired on 2027-01-05: refused (E114)", async () => {
    const r = await confirmCard(h, "P0006", { simulationDate: "20270105" });
    expect(body(r)).toMatchObject({ ProcessingResultStatus: "2", ProcessingResultCode: "E114" });
    expect(body(r).QualificationValidity).toBeUndefined();
  });

  it("cert-expiring-soon (notAfter 2027-01-31) on 2026-11-22: notice N101", async () => {
    const r = await confirmCard(h, "P0007");
    expect(body(r)).toMatchObject({ ProcessingResultStatus: "1", QualificationValidity: "1", ProcessingResultCode: "N101" });
    expect(r.body.simulator.usable).toBe(true);
  });

  it("a valid certificate far from expiry carries no notice", async () => {
    expect(code(await confirmCard(h, "P0001"))).toBeUndefined();
  });
});

describe("card path: every QualificationValidity", () => {
  it("4 資格情報なし: the insurer has no マイナンバー for the person (P0008)", async () => {
    const r = await confirmCard(h, "P0008", { method: "face" });
    expect(body(r)).toMatchObject({ ProcessingResultStatus: "1", QualificationValidity: "4" });
    expect(body(r).ResultList).toBeUndefined();
    expect(r.body.simulator.usable).toBe(false);
  });

  it("2 無効 after losing the qualification, 5 複数該当 with two active ones, then restore", async () => {
    const a = admin(h);
    expect((await a.post("/api/admin/persons/P0002/actions", { action: "lose-qualification", disqualificationDate: "20261101", reasonOfLoss: "99" })).status).toBe(200);
    const lost = await confirmCard(h, "P0002");
    expect(body(lost).QualificationValidity).toBe("2");
    expect(firstResult(lost)).toMatchObject({ DisqualificationDate: "20261101", ReasonOfLoss: "99" });
    await a.post("/api/admin/persons/P0002/actions", { action: "restore" });
    await a.post("/api/admin/persons/P0002/actions", {
      action: "gain-qualification",
      insurerNumber: "01130012",
      insuredCardSymbol: "13099999",
      insuredIdentificationNumber: "9",
      qualificationDate: "20261001",
      endCurrent: false,
    });
    const multiple = await confirmCard(h, "P0002");
    expect(body(multiple).QualificationValidity).toBe("5");
    expect(body(multiple).ResultList!.ResultOfQualificationConfirmation).toHaveLength(2);
    expect(multiple.body.simulator.usable).toBe(false);
    await a.post("/api/admin/persons/P0002/actions", { action: "restore" });
    expect(body(await confirmCard(h, "P0002")).QualificationValidity).toBe("1");
  });
});

describe("card path: card status and registration", () => {
  it("suspended (lost: 一時利用停止) → E115, revoked → E116, reactivated → 有効", async () => {
    const a = admin(h);
    await a.post("/api/admin/persons/P0004/actions", { action: "suspend-card" });
    expect(code(await confirmCard(h, "P0004", { method: "face" }))).toBe("E115");
    await a.post("/api/admin/persons/P0004/actions", { action: "revoke-card" });
    expect(code(await confirmCard(h, "P0004", { method: "face" }))).toBe("E116");
    await a.post("/api/admin/persons/P0004/actions", { action: "reactivate-card" });
    expect(body(await confirmCard(h, "P0004", { method: "face" })).QualificationValidity).toBe("1");
  });

  it("not registered for insurance use → E131; 利用登録 at the reader; then 有効", async () => {
    expect(code(await confirmCard(h, "P0011"))).toBe("E131");
    const c = await card("P0011");
    const bad = await nonce(h);
    const refused = await h.http.post("/api/v1/registrations").send({ medicalInstitutionCode: FACILITY, nonce: bad, certificate: b64(c.userAuthCertificateDer), signature: b64(randomBytes(256)) });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("E111");
    const n = await nonce(h);
    const sig = sign("sha256", Buffer.from(n, "base64url"), c.userAuthKey).toString("base64");
    const reg = await h.http.post("/api/v1/registrations").send({ medicalInstitutionCode: FACILITY, nonce: n, certificate: b64(c.userAuthCertificateDer), signature: sig });
    expect(reg.status).toBe(200);
    expect(reg.body).toMatchObject({ registered: true, certificateSerial: c.certificateSerial.replace(/^0+(?=.)/, "") });
    const n2 = await nonce(h);
    const again = await h.http.post("/api/v1/registrations").send({
      medicalInstitutionCode: FACILITY,
      nonce: n2,
      certificate: b64(c.userAuthCertificateDer),
      signature: sign("sha256", Buffer.from(n2, "base64url"), c.userAuthKey).toString("base64"),
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("E132");
    expect(body(await confirmCard(h, "P0011")).QualificationValidity).toBe("1");
    await admin(h).post("/api/admin/persons/P0011/actions", { action: "restore" });
    expect(code(await confirmCard(h, "P0011"))).toBe("E131");
  });
});

describe("card path: 限度額 by consent flow", () => {
  it("since 2024-10-07 the 限度額 bracket is returned without a consent; before, only after it", async () => {
    const since = await confirmCard(h, "P0002");
    expect(firstResult(since)!.LimitApplicationCertificateRelatedInfo).toMatchObject({ LimitApplicationCertificateClassificationFlag: "A03", LimitApplicationCertificateClassification: "01" });
    expect(firstResult(since)!.LimitApplicationCertificateRelatedConsFlg).toBeUndefined();
    const before = await confirmCard(h, "P0002", { consentFlow: "before-2024-10-07" });
    expect(before.body.simulator.consentFlow).toBe("before-2024-10-07");
    expect(firstResult(before)!.LimitApplicationCertificateRelatedInfo).toBeUndefined();
    const byDate = await confirmCard(h, "P0002", { simulationDate: "20241006" });
    expect(byDate.body.simulator.consentFlow).toBe("before-2024-10-07");
  });
});
