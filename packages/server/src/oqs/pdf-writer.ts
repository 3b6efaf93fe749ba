/**
 * A small, valid PDF 1.4 of text lines (薬剤情報 / 特定健診情報 asked for as PDF, FileCategory 1/3). No dependency:
 * the npm lists hold no PDF writer we could vet in time, and a text page needs only a few objects.
 *
 * Japanese text: no font is embedded (none with a licence we could ship is installed). The font is the standard
 * non-embedded CJK font of the PDF Japanese language pack, `HeiseiKakuGo-W5` (CIDFontType0, Adobe-Japan1), with the
 * predefined CMap `UniJIS-UCS2-H`, so strings are UTF-16BE code units: Acrobat, pdf.js (Firefox, Chromium's viewer),
 * poppler and macOS Preview substitute an installed Japanese gothic. Characters outside the BMP are replaced by 〓.
 */
const PAGE_W = 595; // A4 in points
const PAGE_H = 842;
const MARGIN = 48;
const SIZE = 10;
const LEADING = 15;
const LINES_PER_PAGE = Math.floor((PAGE_H - 2 * MARGIN) / LEADING);

/** A string as a PDF hex string of UTF-16BE code units (what UniJIS-UCS2-H reads). */
function hexUtf16(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += (cp > 0xffff ? 0x3013 : cp).toString(16).padStart(4, "0");
  }
  return `<${out}>`;
}

export function textPdf(title: string, lines: readonly string[]): Buffer {
  const all = [title, "", ...lines];
  const pages: string[][] = [];
  for (let i = 0; i < all.length; i += LINES_PER_PAGE) pages.push(all.slice(i, i + LINES_PER_PAGE));
  if (pages.length === 0) pages.push([title]);

  // Objects: 1 catalog, 2 pages, 3 font (Type0), 4 CIDFont, 5 descriptor, then per page: page, content.
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 6 + i * 2);
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`;
  objects[3] = "<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiKakuGo-W5 /Encoding /UniJIS-UCS2-H /DescendantFonts [4 0 R] >>";
  objects[4] =
    "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiKakuGo-W5 /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 /W [1 95 500 231 632 500] >>";
  objects[5] =
    "<< /Type /FontDescriptor /FontName /HeiseiKakuGo-W5 /Flags 4 /FontBBox [-92 -250 1010 922] /ItalicAngle 0 /Ascent 752 /Descent -221 /CapHeight 737 /StemV 114 >>";
  pages.forEach((pageLines, i) => {
    const ops = ["BT", `/F1 ${SIZE} Tf`, `${LEADING} TL`, `${MARGIN} ${PAGE_H - MARGIN} Td`];
    for (const line of pageLines) ops.push(`${hexUtf16(line)} Tj T*`);
    ops.push("ET");
    const stream = ops.join("\n");
    objects[pageIds[i]!] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`;
    objects[pageIds[i]! + 1] = `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`;
  });

  // Everything above is ASCII, so offsets are character counts.
  let out = "%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n";
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, "latin1");
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}
