/** A prompt for every phase, in both languages, following the methods left and whether the result is usable. */
import { describe, expect, it } from "vitest";
import { SESSION_PHASES, type QualificationSummary, type SessionView } from "@onshi-sim/agent/protocol";
import { promptFor, viewText } from "../src/index.js";

const view = (phase: SessionView["phase"], extra: Partial<Pick<SessionView, "methods" | "result" | "error">> = {}) => ({ phase, methods: [], result: null, error: null, ...extra });
const result = (usable: boolean) => ({ usable }) as QualificationSummary;

describe("prompts", () => {
  it("every phase has one, in Japanese and English", () => {
    for (const phase of SESSION_PHASES) {
      const p = promptFor(view(phase, { methods: ["face", "pin"] }));
      expect(p.ja, phase).not.toBe("");
      expect(p.en, phase).not.toBe("");
    }
  });

  it("choose-method names only the methods left; with none, the staff", () => {
    expect(promptFor(view("choose-method", { methods: ["face", "pin", "visual"] })).ja).toContain("顔認証 または 暗証番号");
    const faceOnly = promptFor(view("choose-method", { methods: ["face", "visual"] }));
    expect(faceOnly.ja).toContain("顔認証");
    expect(faceOnly.ja).not.toContain("暗証番号");
    expect(faceOnly.en).not.toContain("PIN");
    expect(promptFor(view("choose-method", { methods: ["visual"] })).ja).toContain("係員");
  });

  it("done says 受付完了 only when the result can be used", () => {
    expect(promptFor(view("done", { result: result(true) })).ja).toContain("受付が完了しました");
    const notUsable = promptFor(view("done", { result: result(false) }));
    expect(notUsable.ja).toContain("受付窓口");
    expect(notUsable.ja).not.toContain("受付が完了しました");
  });

  it("a view's line: the problem, then the prompt (an ended session's problem alone)", () => {
    expect(viewText(view("pin", { error: { code: "pin-wrong", retryable: false } })).ja).toBe(
      "暗証番号が違います。もう一度入力してください（残り回数にご注意ください）。暗証番号（数字4桁）を入力してください",
    );
    const ended = viewText(view("error", { error: { code: "server-down", retryable: true } })).ja;
    expect(ended).toContain("オンライン資格確認システムに接続できません");
    expect(ended).not.toContain("受付できませんでした");
  });
});
