/** A scenario handout as HTML (printed to A4 PDF by Chromium): title, summary, per step screenshots and words. */
import { CLASSROOM as C, sourceText, type Lang } from "@onshi-sim/texts";
import type { Scenario } from "@onshi-sim/scenarios";
import type { PlayState } from "@onshi-sim/kiosk-ui";

export interface HandoutShot {
  readonly step: number;
  readonly kind: "kiosk" | "reception";
  /** Relative to the handout's HTML file. */
  readonly file: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const STYLE = `
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "IPAPGothic", "IPAGothic", "Noto Sans CJK JP", sans-serif; color: #1a1f27; font-size: 11pt; line-height: 1.5; }
h1 { font-size: 20pt; margin: 0 0 4pt; } h2 { font-size: 13pt; margin: 0 0 4pt; }
.summary { font-size: 12pt; } .meta { color: #4a5565; font-size: 9pt; }
.step { break-inside: avoid; border-top: 1.5pt solid #1f5fa8; padding-top: 6pt; margin-top: 10pt; }
.shots { display: flex; gap: 6pt; } .shots img { width: 100%; border: 0.75pt solid #c9d3df; border-radius: 4pt; }
.shots figure { margin: 0; flex: 0 1 49%; } figcaption { font-size: 8pt; color: #4a5565; }
.narration { font-size: 12pt; font-weight: bold; margin: 4pt 0; }
.rule { border-left: 3pt solid #1f5fa8; padding-left: 6pt; margin: 4pt 0; }
.source { color: #4a5565; font-size: 9pt; }
.check { font-size: 9pt; color: #4a5565; } .pass { color: #1e7b3c; font-weight: bold; } .fail { color: #a3261c; font-weight: bold; }
code { font-size: 8.5pt; }
`;

export function handoutHtml(scenario: Scenario, played: PlayState, shots: readonly HandoutShot[], lang: Lang, made: string): string {
  const steps = scenario.steps
    .map((step, i) => {
      const p = played.steps[i];
      const mine = shots.filter((s) => s.step === i);
      const figure = (s: HandoutShot) => `<figure><img src="${esc(s.file)}" alt="${esc(`${C.handoutStep(i + 1)[lang]} ${s.kind}`)}"><figcaption>${esc((s.kind === "kiosk" ? C.handoutKiosk : C.handoutReception)[lang])}</figcaption></figure>`;
      const rule = step.rule
        ? `<div class="rule"><div>${esc(C.rule[lang])}: ${esc(step.rule[lang])}</div><div class="source">${esc(C.source[lang])}: ${esc(sourceText(step.rule.source)[lang])}${step.rule.source.quote ? ` 「${esc(step.rule.source.quote)}」` : ""}</div></div>`
        : "";
      const mark = p?.status === "pass" ? `<span class="pass">${esc(C.matched[lang])}</span>` : p?.status === "fail" ? `<span class="fail">${esc(C.mismatched[lang])}</span>` : esc(C.pending[lang]);
      const expected = p?.expected.length ? `${esc(C.expected[lang])}: <code>${esc(p.expected.join(" · "))}</code> · ` : "";
      return `<section class="step" data-step="${i}">
<h2>${esc(C.handoutStep(i + 1)[lang])} <code>${esc(step.do)}</code></h2>
<div class="shots">${mine.map(figure).join("")}</div>
<p class="narration">${esc(step.narration[lang])}</p>
${rule}
<p class="check">${expected}${esc(C.observed[lang])}: <code>${esc(p?.observed ?? "")}</code> ${mark}</p>
</section>`;
    })
    .join("\n");
  const sources = scenario.source.map((s) => esc(sourceText(s)[lang])).join(" · ");
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(scenario.title[lang])} — onshi-sim</title><style>${STYLE}</style></head>
<body data-scenario="${esc(scenario.name)}" data-ok="${played.ok ? "true" : "false"}">
<h1>${esc(scenario.title[lang])}</h1>
<p class="summary">${esc(scenario.summary[lang])}</p>
<p class="meta">${scenario.setup?.date ? `${esc(scenario.setup.date)} · ` : ""}${sources} · ${esc(C.handoutMade(made)[lang])}</p>
${steps}
</body></html>
`;
}

export function handoutIndexHtml(entries: readonly { scenario: Scenario; ok: boolean }[], lang: Lang, made: string): string {
  const rows = entries
    .map(({ scenario, ok }) => `<li><a href="${esc(scenario.name)}.html">${esc(scenario.title[lang])}</a> <span class="meta">(${esc(scenario.name)}, <a href="${esc(scenario.name)}.pdf">PDF</a>)</span> ${ok ? `<span class="pass">✓</span>` : `<span class="fail">✗</span>`}<br><span class="meta">${esc(scenario.summary[lang])}</span></li>`)
    .join("\n");
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(C.handoutIndex[lang])} — onshi-sim</title><style>${STYLE} li { margin: 6pt 0; }</style></head>
<body><h1>${esc(C.handoutIndex[lang])}</h1><p class="meta">${esc(C.handoutMade(made)[lang])}</p><ol>
${rows}
</ol></body></html>
`;
}
