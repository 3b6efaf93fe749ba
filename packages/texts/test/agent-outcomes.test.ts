/**
 * The words for what the agent's reception tests end in. Those tests assert the views and errors (codes and
 * parameters, packages/agent/test); the words for exactly those views and errors are asserted here, by their owner,
 * so the agent's tests need not import a package above it (ARCHITECTURE.md, layers).
 */
import { describe, expect, it } from "vitest";
import type { SessionError } from "@onshi-sim/agent/protocol";
import { contributionLabel, errorText, nextText, promptFor, validityLabel } from "../src/index.js";

const error = (code: SessionError["code"], extra: Partial<SessionError> = {}): SessionError => ({ code, retryable: false, ...extra });

describe("the words for the agent's reception outcomes", () => {
  it("a usable result: 有効, 3割 (reception-session.test: PIN to consent)", () => {
    expect(validityLabel("1").ja).toContain("有効");
    expect(contributionLabel("030")?.ja).toBe("3割");
  });

  it("a PIN locked: the way forward is the 市区町村 (reception-session.test, agent-session-suite)", () => {
    expect(nextText(error("pin-locked")).ja).toContain("市区町村");
  });

  it("a card whose PIN is locked or not set: the prompt names what is left, not the PIN", () => {
    const locked = promptFor({ phase: "choose-method", methods: ["face", "visual"], result: null });
    expect(locked.ja).toContain("顔認証");
    expect(locked.ja).not.toContain("暗証番号");
    expect(locked.en).not.toContain("PIN");
  });

  it("the staff PIN locked: what is left, rounded up to a minute (50 s → about 1 minute)", () => {
    const e = error("staff-pin-locked", { params: { minutesLeft: 1 } });
    expect(nextText(e).ja).toContain("あと約1分");
    expect(nextText(e).en).toContain("about 1 minute,");
  });

  it("資格情報なし after 目視: the patient goes to the 受付窓口", () => {
    expect(promptFor({ phase: "done", methods: [], result: { usable: false } as never }).ja).toContain("受付窓口");
  });

  it("the server down: 資格確認書 or 資格情報のお知らせ instead (retryable)", () => {
    const e = error("server-down", { retryable: true });
    expect(nextText(e).ja).toContain("資格確認書");
    expect(nextText(e).ja).toContain("資格情報のお知らせ");
  });

  it("a certificate expired beyond the grace (E114): the 市区町村", () => {
    expect(nextText(error("certificate-expired", { serverCode: "E114" })).ja).toContain("市区町村");
  });

  it("a broken reader: another document, or the reception (agent-server.test)", () => {
    const e = error("reader-broken");
    expect(nextText(e).ja).toContain("資格情報のお知らせ");
    expect(nextText(e).ja).toContain("マイナンバーカード");
    expect(nextText(e).ja).toContain("資格確認書");
    expect(nextText(e).en).toContain("reception");
  });

  it("an unknown event: no such event (agent-server.test)", () => {
    expect(errorText(error("unknown-event")).en).toContain("no such event");
  });

  it("a dev card in another reader names its holder (fixture-cards.test)", () => {
    expect(errorText(error("card-in-use", { params: { holder: `pid 42 (agent test)` } })).en).toContain("That card is in another reader (pid 42 (agent test)");
    expect(errorText(error("card-in-use", { params: { holder: "pid 7 (onshi-sim card insert --via vpcd --slot 0)" } })).ja).toContain("onshi-sim card insert --via vpcd --slot 0");
  });
});
