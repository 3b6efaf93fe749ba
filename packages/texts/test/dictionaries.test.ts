/**
 * The screens' dictionaries: every entry in both languages; and the package stays browser-safe (the kiosk
 * bundles it): no node: import, and only types from the agent's and the server's protocols.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as texts from "../src/index.js";

const SRC = fileURLToPath(new URL("../src", import.meta.url));

function entries(table: object): [string, texts.LocalizedText][] {
  return Object.entries(table).map(([key, value]) => {
    // Words with a parameter: try them with one.
    const text = typeof value === "function" ? (value as (...a: unknown[]) => texts.LocalizedText)("X", 2) : (value as texts.LocalizedText);
    return [key, text];
  });
}

describe("dictionaries", () => {
  it("have every word in Japanese and English", () => {
    const tables = {
      KIOSK: { ...texts.KIOSK, consentItems: undefined },
      RECEPTION: texts.RECEPTION,
      TRAINER: texts.TRAINER,
      CLASSROOM: texts.CLASSROOM,
      RECEPTION_HISTORY: texts.RECEPTION_HISTORY,
      GUIDED_DEMO: texts.GUIDED_DEMO,
      TRAINER_NOTES: texts.TRAINER_NOTES,
      PHASE_NAMES: texts.PHASE_NAMES,
      METHOD_NAMES: texts.METHOD_NAMES,
      CONSENT_ITEM_LABELS: texts.CONSENT_ITEM_LABELS,
      CONSENT_ITEM_SHORT: texts.CONSENT_ITEM_SHORT,
      CONSENT_FLOW_NAMES: texts.CONSENT_FLOW_NAMES,
      VALIDITY_LABELS: texts.VALIDITY_LABELS,
      PRESENTED_DOCUMENT_NAMES: texts.PRESENTED_DOCUMENT_NAMES,
      CARD_READ_FAILURE_NAMES: texts.CARD_READ_FAILURE_NAMES,
      TRANSPORT_NOTICE_WORDS: texts.TRANSPORT_NOTICE_WORDS,
      CONNECT_ERROR_WORDS: texts.CONNECT_ERROR_WORDS,
    };
    for (const [name, table] of Object.entries(tables)) {
      for (const [key, text] of entries(table)) {
        if (text === undefined) continue;
        expect(text.ja.trim(), `${name}.${key} ja`).not.toBe("");
        expect(text.en.trim(), `${name}.${key} en`).not.toBe("");
      }
    }
  });

  it("results' codes become labels", () => {
    expect(texts.validityLabel("1").ja).toBe("資格有効");
    expect(texts.validityLabel("4").ja).toBe("資格情報なし");
    expect(texts.validityLabel(null).ja).toBe("確認できず");
    expect(texts.contributionLabel("030")).toEqual({ ja: "3割", en: "30 %" });
    expect(texts.labelOf(texts.SEX_LABELS, "2").ja).toBe("女");
    expect(texts.labelOf(texts.SEX_LABELS, "9").ja).toBe("9");
  });

  it("are browser-safe: no node: import, and the agent's and server's protocols as types only", () => {
    for (const file of readdirSync(SRC)) {
      const source = readFileSync(join(SRC, file), "utf8");
      expect(source, file).not.toMatch(/from "node:/);
      for (const m of source.matchAll(/^import (type )?[^;]*?from "(@onshi-sim\/(?:agent|server)[^"]*)"/gms)) {
        // A value import from the agent is only its phase sets (plain data); nothing from the server.
        if (!m[1]) expect(`${file}: ${m[2]}`).toMatch(/agent\/protocol$/);
      }
    }
  });
});
