/**
 * Every session error has words in both languages, and a screen that shows them (title, what happened, the
 * way forward) says no sentence twice.
 */
import { describe, expect, it } from "vitest";
import { SESSION_ERROR_CODES, type SessionError } from "@onshi-sim/agent/protocol";
import { ERROR_WORDS, errorText, errorWords, nextText, sentencesOf } from "../src/index.js";

const sample = (code: SessionError["code"], params?: SessionError["params"]): SessionError => ({ code, retryable: false, ...(params ? { params } : {}) });

describe("session error words", () => {
  it("cover every SessionErrorCode, in Japanese and English", () => {
    expect(Object.keys(ERROR_WORDS).sort()).toEqual([...SESSION_ERROR_CODES].sort());
    for (const code of SESSION_ERROR_CODES) {
      const w = errorWords(sample(code));
      for (const text of [w.title, ...(w.what ? [w.what] : []), ...w.next]) {
        expect(text.ja.trim(), code).not.toBe("");
        expect(text.en.trim(), code).not.toBe("");
        // Japanese on the ja side (not an English line left untranslated), Latin letters on the en side.
        expect(text.ja, code).toMatch(/[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u);
        expect(text.en, code).toMatch(/[A-Za-z]/);
      }
      expect(w.next.length, `${code}: a way forward`).toBeGreaterThan(0);
    }
  });

  it("never repeat a sentence between title, what happened and the way forward", () => {
    const errors = [...SESSION_ERROR_CODES.map((c) => sample(c)), sample("staff-pin-locked", { minutesLeft: 3 }), sample("card-in-use", { holder: "pid 1 (onshi-sim card insert), since 10:00" })];
    for (const e of errors) {
      const w = errorWords(e);
      for (const lang of ["ja", "en"] as const) {
        const said = [w.title, w.what, ...w.next].flatMap((t) => (t ? sentencesOf(t[lang]) : []));
        expect(said.filter((s, i) => said.indexOf(s) !== i), `${e.code} (${lang})`).toEqual([]);
      }
    }
  });

  it("fill in their parameters: minutes left, the card's holder, the server's code", () => {
    expect(nextText(sample("staff-pin-locked", { minutesLeft: 1 })).ja).toContain("あと約1分");
    expect(nextText(sample("staff-pin-locked", { minutesLeft: 1 })).en).toContain("about 1 minute,");
    expect(nextText(sample("staff-pin-locked", { minutesLeft: 4 })).en).toContain("about 4 minutes,");
    expect(nextText(sample("staff-pin-locked")).ja).toContain("しばらく待って");
    expect(errorText(sample("card-in-use", { holder: "pid 7 (agent)" })).en).toContain("That card is in another reader (pid 7 (agent))");
    expect(errorText({ ...sample("certificate-expired"), serverCode: "E114" }).ja).toContain("（E114）");
  });

  it("send the patient to the documents that work without the card online (the leaflets' fallback)", () => {
    for (const code of ["server-down", "server-timeout", "server-error", "reader-broken"] as const) {
      const next = nextText(sample(code)).ja;
      expect(next, code).toContain("資格情報のお知らせ");
      expect(next, code).toContain("資格確認書");
    }
    expect(nextText(sample("pin-locked")).ja).toContain("市区町村");
  });
});
