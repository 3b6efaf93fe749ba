/**
 * The phone path of the reception machine (reception-phone.ts), as pure transitions: スマホ → the phone kind →
 * hold → Android PIN / iPhone owner-auth → confirm, and each failure with its way forward. No I/O: events in,
 * state and effects out.
 */
import { describe, expect, it } from "vitest";
import type { SessionInput, Step } from "../../src/session/reception-events.js";
import { transition } from "../../src/session/reception-machine.js";
import { initialState, type ReceptionSetup, type ReceptionState } from "../../src/session/reception-state.js";

const SETUP: ReceptionSetup = { reader: "Test Reader 00", hasFaceVerifier: false, hasDevice: true, hasStaffPin: true, maxFaceFailures: 3, maxFaceFrames: 10, phoneReader: "Test Reader 01" };
const AT = "2026-11-22T01:00:00.000Z";
const apply = (state: ReceptionState, input: SessionInput): Step => transition(state, { ...input, at: AT, nextSessionId: "next" });
const after = (state: ReceptionState, ...inputs: SessionInput[]): ReceptionState => inputs.reduce((s, i) => apply(s, i).state, state);
const kinds = (s: Step) => s.effects.map((e) => e.kind);
const CERT = { der: Uint8Array.of(0x30, 0x82, 0, 0), validTo: "2028-06-15", known: { matchNumberB: "x", userAuthPinSet: true, phone: { os: "iphone" as const, personId: "P0001", ownerPersonId: "P0001" } } };

const waiting = initialState(SETUP, "first", AT);
const G = waiting.generation;

describe("the phone path", () => {
  it("スマホ → the phone kind → hold; a phone placed is read (read-phone)", () => {
    const os = after(waiting, { type: "phone-start" });
    expect(os.phase).toBe("phone-os");
    const hold = apply(os, { type: "phone-os", os: "android" });
    expect(hold.state.phase).toBe("phone-hold");
    const placed = apply(hold.state, { type: "phone-placed" });
    expect(placed.state.phase).toBe("phone-reading");
    expect(kinds(placed)).toContain("read-phone");
  });

  it("a phone already on the reader is read as soon as the kind is chosen", () => {
    const s = after(waiting, { type: "phone-placed" }, { type: "phone-start" });
    expect(apply(s, { type: "phone-os", os: "iphone" }).state.phase).toBe("phone-reading");
  });

  it("Android: PIN pad with tries left; the PIN goes to the phone (verify-phone-pin), then the phone signs (confirm via phone)", () => {
    const reading = after(waiting, { type: "phone-start" }, { type: "phone-os", os: "android" }, { type: "phone-placed" });
    const pin = after(reading, { type: "phone-read", generation: G, token: "android", certificate: undefined, pinStatus: { state: "ready", triesLeft: 3 } });
    expect(pin.phase).toBe("phone-pin");
    expect(pin.pin?.triesLeft).toBe(3);
    const typed = apply(pin, { type: "enter-pin", pin: "5678" });
    expect(typed.effects).toContainEqual({ kind: "verify-phone-pin", generation: G, pin: "5678" });
    const verified = apply(typed.state, { type: "phone-pin-result", generation: G, outcome: { kind: "verified" }, certificate: { ...CERT, known: { ...CERT.known, phone: { ...CERT.known.phone, os: "android" } } } });
    expect(verified.state.phase).toBe("confirming");
    expect(verified.effects.find((e) => e.kind === "confirm")).toMatchObject({ method: "pin", via: "phone" });
    // The PIN is in no state.
    expect(JSON.stringify(verified.state)).not.toContain("5678");
  });

  it("Android: a wrong PIN keeps the pad with tries left; a locked one ends with phone-pin-locked", () => {
    const pin = after(waiting, { type: "phone-start" }, { type: "phone-os", os: "android" }, { type: "phone-placed" }, { type: "phone-read", generation: G, token: "android", certificate: undefined, pinStatus: { state: "ready", triesLeft: 3 } }, { type: "enter-pin", pin: "0000" });
    const wrong = apply(pin, { type: "phone-pin-result", generation: G, outcome: { kind: "wrong", triesLeft: 2 }, certificate: undefined });
    expect(wrong.state).toMatchObject({ phase: "phone-pin", problem: { code: "pin-wrong" }, pin: { triesLeft: 2 } });
    const locked = apply(wrong.state, { type: "phone-pin-result", generation: G, outcome: { kind: "wrong", triesLeft: 0 }, certificate: undefined });
    expect(locked.state).toMatchObject({ phase: "error", problem: { code: "phone-pin-locked" } });
  });

  it("iPhone: owner-auth screen; a refused signature (69 82) comes back to it with phone-not-authenticated", () => {
    const auth = after(waiting, { type: "phone-start" }, { type: "phone-os", os: "iphone" }, { type: "phone-placed" }, { type: "phone-read", generation: G, token: "iphone", certificate: CERT, pinStatus: undefined });
    expect(auth.phase).toBe("phone-owner-auth");
    const sent = apply(auth, { type: "phone-continue" });
    expect(sent.state.phase).toBe("confirming");
    const refused = apply(sent.state, { type: "phone-refused-signature", generation: G });
    expect(refused.state).toMatchObject({ phase: "phone-owner-auth", problem: { code: "phone-not-authenticated" } });
  });

  it("someone else's card on the phone, and no phone reader, each have their error", () => {
    const other = after(waiting, { type: "phone-start" }, { type: "phone-os", os: "iphone" }, { type: "phone-placed" }, { type: "phone-read", generation: G, token: "iphone", certificate: { ...CERT, known: { ...CERT.known, phone: { os: "iphone", personId: "P0010", ownerPersonId: "P0001" } } }, pinStatus: undefined });
    expect(other).toMatchObject({ phase: "error", problem: { code: "phone-other-person" } });
    const none = after(initialState({ ...SETUP, phoneReader: null }, "first", AT), { type: "phone-start" });
    expect(none).toMatchObject({ phase: "error", problem: { code: "phone-reader-missing" } });
    const off = after(waiting, { type: "phone-reader-available", available: false }, { type: "phone-start" });
    expect(off.problem?.code).toBe("phone-reader-missing");
  });

  it("no phone held in time → phone-not-held; phone-retry holds again; cancel (or the idle timer) goes back to the start", () => {
    const hold = after(waiting, { type: "phone-start" }, { type: "phone-os", os: "android" });
    const timedOut = apply(hold, { type: "idle-timer", generation: hold.generation });
    expect(timedOut.state).toMatchObject({ phase: "error", problem: { code: "phone-not-held" } });
    expect(apply(timedOut.state, { type: "phone-retry" }).state.phase).toBe("phone-hold");
    expect(apply(timedOut.state, { type: "cancel" }).state.phase).toBe("waiting-for-card");
    expect(apply(timedOut.state, { type: "idle-timer", generation: timedOut.state.generation }).state.phase).toBe("waiting-for-card");
  });

  it("the phone taken away mid-reception aborts with phone-removed; after 受付完了 it is the next patient's turn", () => {
    const pin = after(waiting, { type: "phone-placed" }, { type: "phone-start" }, { type: "phone-os", os: "android" }, { type: "phone-read", generation: G, token: "android", certificate: undefined, pinStatus: { state: "ready", triesLeft: 3 } });
    const gone = apply(pin, { type: "phone-removed" });
    expect(gone.state).toMatchObject({ phase: "aborted", problem: { code: "phone-removed" } });
    expect(kinds(gone)).toContain("return-timer");
  });

  it("a card is refused on the phone path's commands, and a card session refuses phone-retry", () => {
    expect(apply(waiting, { type: "phone-retry" }).reply).toMatchObject({ ok: false });
    expect(apply(waiting, { type: "phone-continue" }).reply).toMatchObject({ ok: false });
  });
});
