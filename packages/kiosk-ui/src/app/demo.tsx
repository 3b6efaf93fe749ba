/**
 * The trainer's guided demo: pick a scenario (fixtures/scenarios, served by GET /ui/scenarios), step through it
 * with Next / Prev and read each step's narration (ja/en) and the rule it shows with its source. Display only:
 * the trainer drives the reader and the server with the rest of the console.
 */
import { useEffect, useState } from "preact/hooks";
import { GUIDED_DEMO as W, SOURCE_WORDS as S, sourceText, type DocumentSource } from "@onshi-sim/texts";

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
function Source({ source }: { source: DocumentSource }) {
  const text = sourceText(source);
  return (
    <>
      {source.url ? (
        <a href={source.url} rel="noreferrer noopener" target="_blank">
          {text.ja}
        </a>
      ) : (
        text.ja
      )}
      {source.quote && ` 「${source.quote}」`}
    </>
  );
}

export function GuidedDemo() {
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
      .catch((e: unknown) => setError(W.cannotLoad((e as Error).message).ja));
  }, []);

  const scenario = scenarios.find((s) => s.name === name);
  const step = scenario?.steps[index];

  return (
    <div class="panel" data-panel="guided-demo">
      <h2>{W.title.ja}</h2>
      {error && <p class="note">{error}</p>}
      <label>
        {W.scenario.ja}
        <select
          name="demoScenario"
          value={name}
          onChange={(e) => {
            setName((e.target as HTMLSelectElement).value);
            setIndex(0);
          }}
        >
          <option value="">{W.choose.ja}</option>
          {scenarios.map((s) => (
            <option value={s.name} key={s.name}>
              {s.name} — {s.title.ja}
            </option>
          ))}
        </select>
      </label>
      {scenario && step && (
        <div data-demo-scenario={scenario.name}>
          <p>
            <strong>{scenario.title.ja}</strong> <span lang="en">({scenario.title.en})</span>
            {scenario.date && <span class="note">{W.date(scenario.date).ja}</span>}
          </p>
          <p class="note">{scenario.summary.ja}</p>
          <p class="note" lang="en">
            {scenario.summary.en}
          </p>
          <div class="note" data-demo-sources>
            {S.sources.ja}:
            <ul>
              {scenario.source.map((s, i) => (
                <li key={i}>
                  <Source source={s} />
                </li>
              ))}
            </ul>
          </div>
          <div class="row">
            <button type="button" data-action="demo-prev" disabled={index === 0} onClick={() => setIndex((i) => Math.max(0, i - 1))}>
              {W.prev.ja}
            </button>
            <span data-demo-position>
              {index + 1} / {scenario.steps.length}
            </span>
            <button type="button" class="primary" data-action="demo-next" disabled={index >= scenario.steps.length - 1} onClick={() => setIndex((i) => Math.min(scenario.steps.length - 1, i + 1))}>
              {W.next.ja}
            </button>
          </div>
          <div data-demo-step={index}>
            <p>
              <code>{step.do}</code>
              {step.card && ` ${step.card}`}
              {step.method && ` ${step.method}`}
            </p>
            <p data-demo-narration>{step.narration.ja}</p>
            <p lang="en">{step.narration.en}</p>
            {step.rule && (
              <div class="note" data-demo-rule>
                <p>
                  {S.rule.ja}: {step.rule.ja} <span lang="en">({step.rule.en})</span>
                </p>
                <p data-demo-rule-source>
                  {S.source.ja}: <Source source={step.rule.source} />
                </p>
              </div>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
