/**
 * The trainer's guided demo: pick a scenario (fixtures/scenarios, served by GET /ui/scenarios), step through it
 * with Next / Prev and read each step's narration (ja/en) and the rule it shows with its source. Display only:
 * the trainer drives the reader and the server with the rest of the console.
 */
import { useEffect, useState } from "preact/hooks";
import { GUIDED_DEMO as W, SOURCE_WORDS as S, sourceText, type DocumentSource, type Lang } from "@onshi-sim/texts";

interface Text {
  readonly ja: string;
  readonly en: string;
}
interface DemoStep {
  readonly do: string;
  readonly card?: string;
  readonly method?: string;
  readonly narration: Text;
  readonly rule: (Text & { readonly source: DocumentSource }) | null;
}
interface DemoScenario {
  readonly name: string;
  readonly title: Text;
  readonly summary: Text;
  readonly tags: readonly string[];
  readonly date: string | null;
  readonly source: readonly DocumentSource[];
  readonly steps: readonly DemoStep[];
}

/** One source: issuer「title」(date) section, a link when it is online, the quote in its own words. */
function Source({ source, lang = "ja" }: { source: DocumentSource; lang?: Lang }) {
  const text = sourceText(source);
  return (
    <>
      {source.url ? (
        <a href={source.url} rel="noreferrer noopener" target="_blank">
          {text[lang]}
        </a>
      ) : (
        text[lang]
      )}
      {source.quote && ` 「${source.quote}」`}
    </>
  );
}

export function GuidedDemo({ lang = "ja" }: { lang?: Lang }) {
  const [scenarios, setScenarios] = useState<DemoScenario[]>([]);
  const [error, setError] = useState("");
  const [name, setName] = useState("");
  const [index, setIndex] = useState(0);

  useEffect(() => {
    void fetch("/ui/scenarios")
      .then(async (r) => {
        const body = (await r.json()) as { scenarios?: DemoScenario[]; error?: { message: string } };
        if (!r.ok || !body.scenarios) throw new Error(body.error?.message ?? `HTTP ${r.status}`);
        setScenarios(body.scenarios);
      })
      .catch((e: unknown) => setError((e as Error).message));
  }, []);

  const scenario = scenarios.find((s) => s.name === name);
  const step = scenario?.steps[index];

  return (
    <div class="panel" data-panel="guided-demo">
      <h2>{W.title[lang]}</h2>
      {error && <p class="note">{W.cannotLoad(error)[lang]}</p>}
      <label>
        {W.scenario[lang]}
        <select
          name="demoScenario"
          value={name}
          onChange={(e) => {
            setName((e.target as HTMLSelectElement).value);
            setIndex(0);
          }}
        >
          <option value="">{W.choose[lang]}</option>
          {scenarios.map((s) => (
            <option value={s.name} key={s.name}>
              {s.name} — {s.title[lang]}
            </option>
          ))}
        </select>
      </label>
      {scenario && step && (
        <div data-demo-scenario={scenario.name}>
          <p>
            <strong>{scenario.title[lang]}</strong>
            {scenario.date && <span class="note">{W.date(scenario.date)[lang]}</span>}
          </p>
          <p class="note">{scenario.summary[lang]}</p>
          <div class="note" data-demo-sources>
            {S.sources[lang]}:
            <ul>
              {scenario.source.map((s, i) => (
                <li key={i}>
                  <Source source={s} lang={lang} />
                </li>
              ))}
            </ul>
          </div>
          <div class="row">
            <button type="button" data-action="demo-prev" disabled={index === 0} onClick={() => setIndex((i) => Math.max(0, i - 1))}>
              {W.prev[lang]}
            </button>
            <span data-demo-position>
              {index + 1} / {scenario.steps.length}
            </span>
            <button type="button" class="primary" data-action="demo-next" disabled={index >= scenario.steps.length - 1} onClick={() => setIndex((i) => Math.min(scenario.steps.length - 1, i + 1))}>
              {W.next[lang]}
            </button>
          </div>
          <div data-demo-step={index}>
            <p>
              <code>{step.do}</code>
              {step.card && ` ${step.card}`}
              {step.method && ` ${step.method}`}
            </p>
            <p data-demo-narration>{step.narration[lang]}</p>
            {step.rule && (
              <div class="note" data-demo-rule>
                <p>
                  {S.rule[lang]}: {step.rule[lang]}
                </p>
                <p data-demo-rule-source>
                  {S.source[lang]}: <Source source={step.rule.source} lang={lang} />
                </p>
              </div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
