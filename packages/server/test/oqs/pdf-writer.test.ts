/** The PDF writer's output is a well-formed PDF: header, objects where the xref says, trailer, Japanese as UTF-16BE. */
import { describe, expect, it } from "vitest";
import { textPdf } from "../../src/oqs/pdf-writer.js";

describe("textPdf", () => {
  it("every xref offset points at its object; startxref at the xref; text as UTF-16BE hex for UniJIS-UCS2-H", () => {
    const pdf = textPdf("薬剤情報  山田 太郎", Array.from({ length: 120 }, (_, i) => `アムロジピン錠5mg ${i}`));
    const s = pdf.toString("latin1");
    expect(s.startsWith("%PDF-1.4\n")).toBe(true);
    expect(s.trimEnd().endsWith("%%EOF")).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF/.exec(s)![1]);
    expect(s.slice(startxref, startxref + 4)).toBe("xref");
    const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(s.slice(startxref))!.map(Number);
    expect(first).toBe(0);
    const entries = s.slice(startxref).split("\n").slice(3, 3 + count! - 1);
    entries.forEach((e, i) => {
      const at = Number(e.slice(0, 10));
      expect(s.slice(at, at + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(/\/Count (\d+)/.exec(s)![1]).toBe("3"); // 122 lines, 49 a page
    for (const m of s.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
      const start = m.index! + m[0].length;
      expect(s.slice(start + Number(m[1]), start + Number(m[1]) + "\nendstream".length)).toBe("\nendstream");
    }
    expect(s).toContain("/Encoding /UniJIS-UCS2-H");
    expect(s).toContain("<85ac5264"); // 薬剤…
  });
});
