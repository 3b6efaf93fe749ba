/**
 * Full reception sessions over the memory transport: real virtual cards, a real mock server on a temp dir and
 * the real face verifier (face-api in a worker; one per file, models loaded once). Every path of issue 4:
 * PIN, PIN lockout → face, face mismatch → PIN, no face, the uncertain band, card pulled, server down or
 * slow (and retry), certificate expired, 目視, not a My Number Card, read error, idle timeout — and the PIN
 * never leaves for anywhere but the card.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { admin, FACILITY } from "../../../server/test/support/server-harness.js";
import type { SmartCard } from "@onshi-sim/reader-bindings";
import type { FaceVerifier } from "../../src/face/face-verifier.js";
import { WorkerFaceVerifier } from "../../src/face/worker-face-verifier.js";
import { QualificationClient } from "../../src/qualification/qualification-client.js";
import { consentRequestFor, type QualificationPort } from "../../src/session/reception-session.js";
import { StaffPinGuard } from "../../src/session/staff-pin-guard.js";
import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { CardRemovedError } from "@onshi-sim/reader-bindings";
import { virtualCard } from "../../../../test/support/cards.js";
import { READER, STAFF_PIN } from "../support/agent-harness.js";
import { allStrings, startSessionHarness, type SessionHarness, type SessionHarnessOptions } from "../support/session-harness.js";

/** Its card has left the field, but the reader has not said so yet. */
class LaggingTransport extends MemoryReaderTransport {
  gone = false;
  override async transmit(reader: string, command: Uint8Array): Promise<Uint8Array> {
    if (this.gone) throw new CardRemovedError(reader);
    return super.transmit(reader, command);
  }
}

const face = async (name: string) => new Uint8Array(await readFile(join(FACES_DIR, name)));

// No warm-up pass: it only makes the first frame faster, and costs this file more than it saves (the
// verifier's own test keeps it).
const faces = new WorkerFaceVerifier({ warmup: false });
beforeAll(async () => {
  await faces.ready();
}, 120_000);
afterAll(() => faces.close());

let h: SessionHarness | undefined;
const start = async (options: SessionHarnessOptions = {}) => {
  h = await startSessionHarness({ faceVerifier: faces, ...options });
  return h;
};
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Every PIN typed in this file, right or wrong: none may appear in any view or log line. */
const TYPED_PINS = new Set<string>();
const everything: unknown[] = [];
afterEach(() => {
  if (h) everything.push(...h.views, ...h.logs);
});

async function pin(h: SessionHarness, value: string) {
  TYPED_PINS.add(value);
  return h.session().enterPin(value);
}

describe("PIN path", () => {
  it("reads the card, verifies the PIN, confirms at the server, records consent and completes", async () => {
    const h = await start();
    const card = await h.insert("yamada-taro");
    const choosing = await h.waitFor("choose-method");
    expect(choosing.card).toEqual({ kind: "fixture", certificateValidTo: "2028-06-15" });
    expect(choosing.pin).toEqual({ state: "ready", triesLeft: 3, maxTries: 3 });
    expect(choosing.methods).toEqual(["face", "pin", "visual"]);
    expect(choosing.error).toBeNull();

    const ack = await pin(h, "1234");
    expect(ack.ok).toBe(true);
    const consent = await h.waitFor("consent");
    expect(consent.method).toBe("pin");
    expect(consent.result).toMatchObject({ usable: true, method: "pin", validity: "1", resultCount: 1 });
    expect(consent.result?.insured).toMatchObject({ name: "山田 太郎", insurerNumber: "01130012", contributionRatio: "030" });
    // The view carries the codes; the words for them are asserted in texts/test/agent-outcomes.test.ts.
    expect(consent.consent).toEqual(consentRequestFor("since-2024-10-07"));

    await h.session().consent({ comprehensive: true, items: { operation: false } });
    const done = await h.waitFor("done");
    expect(done.result?.consents.map((c) => [c.item, c.consented])).toEqual([
      ["diagnosis", true],
      ["pharmacists", true],
      ["specificHealthCheckups", true],
      ["operation", false],
    ]);
    expect(done.result?.insured?.name).toBe("山田 太郎");
    expect(done.error).toBeNull();
    expect(card.retries.userAuth).toBe(3);

    // The レセコン got the result in the face folder; the server's audit log says how it was confirmed.
    const audit = await admin(h.server!).get("/api/admin/audit?personId=P0001");
    const channels = (audit.body.entries as { channel: string; method: string | null }[]).map((e) => `${e.channel}:${e.method}`);
    expect(channels).toEqual(expect.arrayContaining(["card:pin", "consent:pin", "session-complete:pin"]));
    // The PIN went to the card only: the server never saw it.
    expect(JSON.stringify(audit.body)).not.toMatch(/(?<!\d)1234(?!\d)/);

    h.remove();
    const waiting = await h.waitFor("waiting-for-card");
    expect(waiting.sessionId).not.toBe(done.sessionId);
    expect(waiting.card).toBeNull();
  });

  it("refuses a PIN of the wrong format without sending it to the card", async () => {
    const h = await start();
    const card = await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    const ack = await pin(h, "12a4");
    expect(ack).toMatchObject({ ok: false, error: { code: "bad-request" } });
    expect(card.retries.userAuth).toBe(3);
    expect(h.view().phase).toBe("choose-method");
  });

  it("three wrong PINs lock the card; the session offers face or 目視, says where to unlock, and face succeeds", async () => {
    const h = await start();
    const card = await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    const first = await pin(h, "9085");
    expect(first.session).toMatchObject({ phase: "pin", pin: { state: "ready", triesLeft: 2 }, error: { code: "pin-wrong" } });
    const second = await pin(h, "8076");
    expect(second.session).toMatchObject({ phase: "pin", pin: { triesLeft: 1 }, error: { code: "pin-wrong" } });
    const third = await pin(h, "6907");
    expect(third.session).toMatchObject({ phase: "choose-method", pin: { state: "locked", triesLeft: 0 }, methods: ["face", "visual"] });
    expect(third.session.error?.code).toBe("pin-locked");
    expect(card.retries.userAuth).toBe(0);
    // A locked PIN is not offered any more.
    expect((await pin(h, "1234")).ok).toBe(false);

    const frame = await h.session().faceFrame(await face("grace-hopper-camera.jpg"));
    expect(frame.ok).toBe(true);
    const consent = await h.waitFor("consent");
    expect(consent.method).toBe("face");
    expect(consent.face).toMatchObject({ referenceReady: true, attempts: 1, failures: 0, lastOutcome: "match" });
    expect(consent.face?.lastDistance).toBeLessThan(0.45);
    expect(consent.result).toMatchObject({ usable: true, method: "face" });
    await h.session().consent({ comprehensive: false });
    expect((await h.waitFor("done")).result?.consents.every((c) => !c.consented)).toBe(true);
  });

  it("a card whose PIN is already locked (pin-locked, 69 84) starts with face and 目視 only", async () => {
    const h = await start();
    await h.insert("pin-locked");
    const v = await h.waitFor("choose-method");
    expect(v.pin).toEqual({ state: "locked", triesLeft: 0, maxTries: 3 });
    expect(v.methods).toEqual(["face", "visual"]);
    expect(v.error?.code).toBe("pin-locked");
    // The prompt names what is left, not the locked PIN (texts/test/agent-outcomes.test.ts).
  });

  it("a 顔認証マイナンバーカード (no PIN set) says so instead of 'locked'", async () => {
    const h = await start();
    await h.insert("face-only");
    const v = await h.waitFor("choose-method");
    expect(v.pin?.state).toBe("not-set");
    expect(v.error?.code).toBe("pin-not-set");
    expect(v.methods).toEqual(["face", "visual"]);
  });
});

describe("face path", () => {
  it("face mismatch → another person's frame is refused, then the PIN works", async () => {
    const h = await start();
    await h.insert("sato-hanako"); // card photo: Eileen Collins
    await h.waitFor((v) => v.phase === "choose-method");
    expect(h.session().choose("face").ok).toBe(true);
    const r = await h.session().faceFrame(await face("grace-hopper-camera.jpg"));
    expect(r.session).toMatchObject({ phase: "face", method: "face", error: { code: "face-no-match" }, face: { attempts: 1, failures: 1, lastOutcome: "mismatch" } });
    expect(r.session.face?.lastDistance).toBeGreaterThanOrEqual(0.55);
    expect(r.session.methods).toContain("pin");

    await pin(h, "1234");
    const consent = await h.waitFor("consent");
    expect(consent.method).toBe("pin");
    expect(consent.result?.insured?.name).toBe("佐藤 花子");
  });

  it("after repeated mismatches face is no longer offered: PIN or 目視", async () => {
    const h = await start({ session: { maxFaceFailures: 2 } });
    await h.insert("sato-hanako");
    await h.waitFor("choose-method");
    const other = await face("other-1-camera.jpg");
    await h.session().faceFrame(other);
    const second = await h.session().faceFrame(other);
    expect(second.session).toMatchObject({ phase: "choose-method", methods: ["pin", "visual"], error: { code: "face-attempts-exhausted" } });
    expect(second.session.face?.failures).toBe(2);
    expect((await h.session().faceFrame(other)).ok).toBe(false);
  });

  it("no face in the frame is its own outcome, not a failure; the next good frame matches", async () => {
    const h = await start();
    await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    const r = await h.session().faceFrame(await face("no-face.jpg"));
    expect(r.session).toMatchObject({ phase: "face", error: { code: "face-no-face" }, face: { lastOutcome: "no-face", lastDistance: null, failures: 0, attempts: 1 } });
    await h.session().faceFrame(await face("grace-hopper-camera.jpg"));
    expect((await h.waitFor("consent")).method).toBe("face");
  });

  it("the uncertain band asks for another frame", async () => {
    // The real verifier with a band that covers every distance: each decision is "uncertain".
    const widened: FaceVerifier = {
      ready: () => faces.ready(),
      prepareReference: (photo) => faces.prepareReference(photo),
      verify: (ref, frame) => faces.verify(ref, frame, { thresholds: { match: 0, mismatch: 10 } }),
      release: (ref) => faces.release(ref),
      close: async () => {},
    };
    const h = await start({ faceVerifier: widened });
    await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    const r = await h.session().faceFrame(await face("grace-hopper-camera.jpg"));
    expect(r.session).toMatchObject({ phase: "face", busy: false, error: { code: "face-uncertain" }, face: { lastOutcome: "uncertain", failures: 0 } });
    expect(r.session.methods).toContain("face");
  });

  it("an unreadable frame is refused without counting", async () => {
    const h = await start();
    await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    const r = await h.session().faceFrame(Uint8Array.from([1, 2, 3, 4]));
    expect(r).toMatchObject({ ok: false, error: { code: "bad-request" } });
    expect(h.view().face?.attempts).toBe(0);
  });

  it("a card the agent does not know gets face verification once staff enter its 照合番号B", async () => {
    const h = await start({ knowFixtures: false });
    await h.insert("yamada-taro");
    const v = await h.waitFor("choose-method");
    expect(v.face).toMatchObject({ available: false, unavailableReason: "face-unavailable" });
    expect(v.methods).toEqual(["pin", "visual"]);
    expect(h.session().staffMatchNumberB("000000", "60061520334821").ok).toBe(false); // wrong staff PIN
    // yamada-taro: born 1985-06-15 (昭和60), card to 2033: 600615 + 2033 + security code.
    const { matchNumberB } = await import("@onshi-sim/apdu");
    const { findCardFixture } = await import("@onshi-sim/jpki-testkit");
    const f = (await findCardFixture("yamada-taro")).fixture;
    expect(h.session().staffMatchNumberB(STAFF_PIN, matchNumberB(f.holder.birthDate, f.card.expiresOn, f.card.securityCode)).ok).toBe(true);
    expect(h.view().methods).toContain("face");
    await h.session().faceFrame(await face("grace-hopper-camera.jpg"));
    expect((await h.waitFor("consent")).method).toBe("face");
  });
});

describe("目視 (visual check by staff)", () => {
  it("needs the staff PIN, resets no counter and is recorded as method visual", async () => {
    const h = await start();
    const card = await h.insert("pin-locked");
    await h.waitFor("choose-method");
    expect(h.session().choose("visual").session.phase).toBe("visual");
    const wrong = await h.session().staffVisual("999999");
    // Staff see how many wrong tries are left before the lock (the default allows 5).
    expect(wrong).toMatchObject({ ok: false, error: { code: "staff-pin-wrong", params: { triesLeft: 4 } } });
    expect(h.view().phase).toBe("visual");
    // The 券面 for the staff's panel: read with the card's 照合番号B, answered to the asker only, never in a view.
    const shown = await h.session().staffCardFace(STAFF_PIN);
    expect(shown.ok && "cardFace" in shown).toBe(true);
    if (shown.ok && "cardFace" in shown) {
      expect(Buffer.from(shown.cardFace.photoPng, "base64").subarray(1, 4).toString()).toBe("PNG");
      expect(shown.cardFace.birthDate).toMatch(/^\d{8}$/);
      expect(JSON.stringify(h.view())).not.toContain(shown.cardFace.photoPng.slice(0, 40));
    }
    expect(await h.session().staffCardFace("999999")).toMatchObject({ ok: false, error: { code: "staff-pin-wrong" } });
    expect((await h.session().staffVisual(STAFF_PIN)).ok).toBe(true);
    const consent = await h.waitFor("consent");
    expect(consent.result).toMatchObject({ usable: true, method: "visual" });
    expect(card.retries.userAuth).toBe(0); // still locked: 目視 unlocks nothing
    await h.session().consent({ comprehensive: true });
    expect((await h.waitFor("done")).method).toBe("visual");
    const audit = await admin(h.server!).get("/api/admin/audit?personId=P0003");
    expect((audit.body.entries as { channel: string; method: string }[]).some((e) => e.channel === "card" && e.method === "visual")).toBe(true);
  });

  it("locks the staff PIN after repeated wrong ones, for every session of the agent, then lets it in again", async () => {
    // The lock's clock is the test's: it moves only when told, however long the card reads in between take.
    let now = Date.now();
    const h = await start({ staffPinGuard: new StaffPinGuard(STAFF_PIN, { maxFailures: 3, lockMs: 5 * 60_000 }, () => now) });
    await h.insert("pin-locked");
    await h.waitFor("choose-method");
    expect(await h.session().staffVisual("111111")).toMatchObject({ ok: false, error: { code: "staff-pin-wrong" } });
    expect(await h.session().staffVisual("222222")).toMatchObject({ ok: false, error: { code: "staff-pin-wrong" } });
    expect(await h.session().staffVisual("333333")).toMatchObject({ ok: false, error: { code: "staff-pin-locked" } });
    // Locked: even the right PIN is refused, and a new card (a new session) does not reset it.
    expect(await h.session().staffVisual(STAFF_PIN)).toMatchObject({ ok: false, error: { code: "staff-pin-locked" } });
    h.remove();
    await h.waitFor("waiting-for-card");
    await h.insert("pin-locked");
    await h.waitFor("choose-method");
    now += 4 * 60_000 + 10_000;
    const stillLocked = await h.session().staffVisual(STAFF_PIN);
    expect(stillLocked).toMatchObject({ ok: false, error: { code: "staff-pin-locked" } });
    if (stillLocked.ok) throw new Error("expected the staff PIN to be locked");
    // 50 s of the five minutes left: the way forward says what is left, rounded up (texts/test/agent-outcomes.test.ts).
    expect(stillLocked.error!.params?.minutesLeft).toBe(1);
    now += 50_000;
    expect((await h.session().staffVisual(STAFF_PIN)).ok).toBe(true);
    expect((await h.waitFor("consent")).method).toBe("visual");
    expect(h.logs.filter((l) => l.event === "staff-pin-locked").length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(h.logs)).not.toContain(STAFF_PIN);
  });

  it("is not offered without a configured staff PIN", async () => {
    const h = await start({ staffPin: null });
    await h.insert("yamada-taro");
    const v = await h.waitFor("choose-method");
    expect(v.methods).toEqual(["face", "pin"]);
    expect(await h.session().staffVisual(STAFF_PIN)).toMatchObject({ ok: false, error: { code: "staff-not-configured" } });
  });

  it("blocked-6983: PIN locked (69 83), 目視 → 資格情報なし: done, not usable, with the reason", async () => {
    const h = await start();
    await h.insert("blocked-6983");
    expect((await h.waitFor("choose-method")).pin?.state).toBe("locked");
    await h.session().staffVisual(STAFF_PIN);
    const done = await h.waitFor("done");
    expect(done.result).toMatchObject({ usable: false, validity: "4" });
    expect(done.error?.code).toBe("qualification-not-found");
    expect(done.consent).toBeNull();
  });
});

describe("card pulled", () => {
  it("during PIN entry: aborted, counters untouched, then waiting for the next card", async () => {
    const h = await start();
    const card = await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    h.session().choose("pin");
    await pin(h, "9085");
    expect(card.retries.userAuth).toBe(2);
    h.remove();
    const aborted = await h.waitFor("aborted");
    expect(aborted.error?.code).toBe("card-removed");
    expect(aborted.busy).toBe(false);
    const waiting = await h.waitFor("waiting-for-card");
    expect(waiting.error).toBeNull();
    expect(card.retries.userAuth).toBe(2);
    // Commands for the old session go nowhere.
    expect((await pin(h, "1234")).ok).toBe(false);
  });

  it("in the middle of a card exchange: the session ends cleanly and a new card starts a new session", async () => {
    const h = await start();
    const card = await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    const pending = pin(h, "1234");
    h.remove(); // before the card answered
    await pending;
    expect(h.view().phase).toMatch(/aborted|waiting-for-card/);
    expect(card.retries.userAuth).toBe(3);
    const again = await h.insert("yamada-taro");
    const v = await h.waitFor("choose-method");
    expect(v.pin?.triesLeft).toBe(3);
    await pin(h, "1234");
    expect((await h.waitFor("consent")).result?.usable).toBe(true);
    expect(again.retries.userAuth).toBe(3);
  });

  it("an exchange fails with 'card removed' before the reader reports the removal (PC/SC does that)", async () => {
    const transport = new LaggingTransport();
    const h = await start({ transport });
    transport.insert(await virtualCard("yamada-taro"), READER);
    await h.waitFor("choose-method");
    transport.gone = true;
    await pin(h, "1234");
    expect(h.view()).toMatchObject({ phase: "aborted", error: { code: "card-removed" } });
    transport.remove(READER);
    await h.waitFor("waiting-for-card");
  });

  it("while waiting for the server: the late answer is dropped", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const h = await start({
      wrapQualification: (q): QualificationPort => ({
        nonce: () => q.nonce(),
        confirmWithSignature: async (...a) => {
          await gate;
          return q.confirmWithSignature(...a);
        },
        confirmWithDevice: (...a) => q.confirmWithDevice(...a),
        consent: (a) => q.consent(a),
        complete: (id) => q.complete(id),
      }),
    });
    await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    const pending = pin(h, "1234");
    await h.waitFor("confirming");
    h.remove();
    expect((await h.waitFor("aborted")).error?.code).toBe("card-removed");
    release();
    await pending;
    await h.waitFor("waiting-for-card");
    expect(h.views.some((v) => v.phase === "consent")).toBe(false);
  });
});

describe("server problems", () => {
  it("server down: error with the fallback guidance (資格確認書 / 資格情報のお知らせ + card), retryable", async () => {
    const h = await start({ server: "unreachable" });
    await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    await pin(h, "1234");
    const v = await h.waitFor("error");
    expect(v.error).toMatchObject({ code: "server-down", retryable: true });
    expect((await h.session().retry()).session.error?.code).toBe("server-down");
  });

  it("server slow: timeout, then a retry once it answers again (the card is still verified)", async () => {
    // The attempt that must time out goes through a client with a 300 ms limit to a server that holds it for
    // 2 s; the retry through one with the usual limit, so that on a busy machine it cannot time out as well.
    let impatient = true;
    const h = await start({
      qualification: { timeoutMs: 300 },
      wrapQualification: (short, baseUrl) => {
        const usual = new QualificationClient({ baseUrl, medicalInstitutionCode: FACILITY });
        const q = () => (impatient ? short : usual);
        return {
          nonce: () => q().nonce(),
          confirmWithSignature: (...a) => q().confirmWithSignature(...a),
          confirmWithDevice: (...a) => q().confirmWithDevice(...a),
          consent: (a) => q().consent(a),
          complete: (id) => q().complete(id),
        };
      },
    });
    await admin(h.server!).post("/api/admin/faults", { kind: "timeout", delayMs: 2000, count: 1 }).expect(200);
    await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    await pin(h, "1234");
    const v = await h.waitFor("error");
    expect(v.error).toMatchObject({ code: "server-timeout", retryable: true });
    await admin(h.server!).delete("/api/admin/faults").expect(200);
    impatient = false;
    await h.session().retry();
    const consent = await h.waitFor("consent");
    expect(consent.result).toMatchObject({ usable: true, method: "pin" });
  });

  it("maintenance (503) is reported as server down", async () => {
    const h = await start();
    await admin(h.server!).post("/api/admin/faults", { kind: "maintenance" }).expect(200);
    await h.insert("pin-locked");
    await h.waitFor("choose-method");
    await h.session().staffVisual(STAFF_PIN);
    const v = await h.waitFor("error");
    expect(v.error).toMatchObject({ code: "server-down", serverCode: "S901", retryable: true });
  });

  it("certificate expired beyond grace (cert-expired on 2027-01-05): E114 refusal", async () => {
    const h = await start({ qualification: { simulationDate: "20270105" } });
    await h.insert("cert-expired");
    await h.waitFor("choose-method");
    await pin(h, "1234");
    const v = await h.waitFor("error");
    expect(v.error).toMatchObject({ code: "certificate-expired", serverCode: "E114", retryable: false });
    expect(v.result).toMatchObject({ usable: false, processingResultCode: "E114", simulationDate: "20270105" });
    expect((await h.session().retry()).ok).toBe(false);
  });

  it("certificate expired inside grace (2026-11-22): the qualification only — no consent screens, the notice says why", async () => {
    const h = await start();
    await h.insert("cert-expired");
    await h.waitFor("choose-method");
    await pin(h, "1234");
    const v = await h.waitFor("done");
    expect(v.result).toMatchObject({ usable: true });
    expect(v.result?.notices.map((n) => n.code)).toEqual(["N102"]);
    expect(v.error?.code).toBe("qualification-only");
    expect(v.consent).toBeNull();
  });

  it("not registered for insurance use: E131, the offer to register; 登録しない ends as before", async () => {
    const h = await start();
    await h.insert("not-registered");
    await h.waitFor("choose-method");
    await pin(h, "1234");
    expect((await h.waitFor("register-offer")).error).toMatchObject({ code: "not-registered", serverCode: "E131" });
    expect((await h.session().register(false)).ok).toBe(true);
    expect((await h.waitFor("error")).error).toMatchObject({ code: "not-registered", serverCode: "E131" });
  });

  it("保険証利用登録 at the reader: 登録する, the consent, then 資格有効 in the same visit", async () => {
    const h = await start();
    await h.insert("not-registered");
    await h.waitFor("choose-method");
    await pin(h, "1234");
    await h.waitFor("register-offer");
    expect((await h.session().register(true)).ok).toBe(true);
    await h.waitFor("register-consent");
    expect((await h.session().register(true)).ok).toBe(true);
    const v = await h.waitFor("consent");
    expect(v.result).toMatchObject({ usable: true, validity: "1" });
    expect(v.registeredNow).toBe(true);
    await h.session().consent({ comprehensive: true });
    expect((await h.waitFor("done")).registeredNow).toBe(true);
  });

  it("the pre-2024-10-07 flow asks items one by one, with 限度額", async () => {
    const h = await start({ qualification: { consentFlow: "before-2024-10-07" } });
    await h.insert("sato-hanako");
    await h.waitFor("choose-method");
    await pin(h, "1234");
    const v = await h.waitFor("consent");
    expect(v.consent?.comprehensiveOffered).toBe(false);
    expect(v.consent?.items.map((i) => i.item)).toContain("limitApplication");
    expect((await h.session().consent({ comprehensive: true })).ok).toBe(false); // no 包括同意 screen in this flow
    await h.session().consent({ items: { limitApplication: true, diagnosis: true } });
    const done = await h.waitFor("done");
    expect(done.result?.insured?.limitApplicationBracket).toBe("A03");
  });
});

describe("cards that are not for this", () => {
  it("not a My Number Card (SELECT JPKI refused)", async () => {
    const h = await start();
    const stranger: SmartCard = {
      atr: Uint8Array.of(0x3b, 0x00),
      powerOn() {},
      powerOff() {},
      reset() {},
      transmit: () => Uint8Array.of(0x6a, 0x82),
    };
    h.memory!.insert(stranger, READER);
    const v = await h.waitFor("error");
    expect(v.error?.code).toBe("not-my-number-card");
    h.remove();
    await h.waitFor("waiting-for-card");
  });

  it("read error (the certificate cannot be read)", async () => {
    const h = await start();
    const broken: SmartCard = {
      atr: Uint8Array.of(0x3b, 0x00),
      powerOn() {},
      powerOff() {},
      reset() {},
      transmit: (c) => (c[1] === 0xb0 ? Uint8Array.of(0x6f, 0x00) : Uint8Array.of(0x90, 0x00)),
    };
    h.memory!.insert(broken, READER);
    expect((await h.waitFor("error")).error?.code).toBe("read-error");
  });
});

describe("the session itself", () => {
  it("idles out when nobody answers", async () => {
    const h = await start({ session: { idleTimeoutMs: 150 } });
    await h.insert("yamada-taro");
    await h.waitFor("choose-method");
    const v = await h.waitFor("aborted", 3000);
    expect(v.error?.code).toBe("idle-timeout");
    h.remove();
    await h.waitFor("waiting-for-card");
  });

  it("can be cancelled, and refuses commands of the wrong phase or while busy", async () => {
    const h = await start();
    expect(h.session().choose("pin")).toMatchObject({ ok: false, error: { code: "wrong-phase" } });
    await h.insert("yamada-taro");
    expect(h.view()).toMatchObject({ phase: "reading", busy: true });
    expect(h.session().choose("pin")).toMatchObject({ ok: false, error: { code: "wrong-phase" } });
    await h.waitFor("choose-method");
    expect((await h.session().consent({ comprehensive: true })).ok).toBe(false);
    const pending = pin(h, "9085");
    expect(h.session().choose("face")).toMatchObject({ ok: false, error: { code: "busy" } });
    await pending;
    expect(h.session().cancel().session).toMatchObject({ phase: "aborted", error: { code: "cancelled" } });
    expect(h.session().cancel().ok).toBe(false);
  });
});

afterAll(() => {
  // Nothing that left a session — views and log entries of every test in this file — holds a typed PIN.
  // Random ids (UUIDs) are left out: a 4-digit group of one is not a PIN, and would fail this check by chance.
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
  const strings = allStrings(everything).map((s) => s.replace(uuid, "<id>"));
  expect(strings.length).toBeGreaterThan(1000);
  for (const p of TYPED_PINS) {
    // As a token of its own (a PIN in a message or a field), not as part of a longer number.
    const token = new RegExp(`(?<!\\d)${p}(?!\\d)`);
    expect(strings.filter((s) => token.test(s)), `PIN ${p.replace(/./g, "*")} leaked`).toEqual([]);
  }
});
