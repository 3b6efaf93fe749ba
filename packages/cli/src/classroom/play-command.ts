/**
 * `onshi-sim scenario play <name>… | --all [--ui URL] [--gap-ms N]`: plays scenarios on the running system
 * (`npm start`) through its kiosk UI's /ui/play — the kiosk, /reception and /present show every step — and prints
 * ✓/✗ per step. Exit 0 only when every step of every scenario matched.
 */
import { parseArgs } from "node:util";
import type { PlayState } from "@onshi-sim/kiosk-ui";
import { UsageError } from "../main.js";

export const PLAY_USAGE = `onshi-sim scenario play <name>… | --all [--ui URL] [--gap-ms N] [--json]
  plays scenarios on the running onshi-sim (npm start): setup applied, steps performed on the live agent and kiosk
  --ui URL     the kiosk UI (default http://127.0.0.1:8740, $ONSHI_SIM_UI_URL)
  --gap-ms N   pause after each step, for the class to read (default 1500)
exit code: 0 every step matched, 1 a step did not (or the system could not be reached), 2 bad usage
`;

async function call(ui: string, body?: unknown): Promise<PlayState> {
  const res = await fetch(new URL("/ui/play", ui), {
    method: body === undefined ? "GET" : "POST",
    // Same origin as the page: the UI accepts writes from itself (and from tools without an Origin).
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const json = (await res.json().catch(() => ({}))) as PlayState & { error?: { message?: string } };
  if (!res.ok) throw new Error(`${ui}/ui/play: HTTP ${res.status} ${json.error?.message ?? ""}`.trim());
  return json;
}

export function formatPlayed(state: PlayState): string {
  const lines = [`${state.ok ? "✓" : "✗"} ${state.scenario?.name ?? "?"} — ${state.scenario?.title.ja ?? ""}${state.error ? ` (${state.error})` : ""}`];
  state.steps.forEach((s, i) => {
    const mark = s.status === "pass" ? "✓" : s.status === "fail" ? "✗" : "·";
    lines.push(`  ${mark} ${String(i + 1).padStart(2)} ${s.do.padEnd(8)} ${s.observed}${s.failures.length ? `\n       ${s.failures.join("\n       ")}` : ""}`);
  });
  return lines.join("\n");
}

export async function runPlay(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { all: { type: "boolean", default: false }, ui: { type: "string" }, "gap-ms": { type: "string", default: "1500" }, json: { type: "boolean", default: false }, help: { type: "boolean", default: false } },
  });
  if (values.help) {
    out.write(PLAY_USAGE);
    return 0;
  }
  const ui = values.ui ?? process.env.ONSHI_SIM_UI_URL ?? "http://127.0.0.1:8740";
  const gapMs = Number(values["gap-ms"]);
  if (!Number.isInteger(gapMs) || gapMs < 0 || gapMs > 60_000) throw new UsageError("--gap-ms must be 0–60000");
  if (values.all === positionals.length > 0) throw new UsageError("scenario play needs names or --all (not both)");
  let first: PlayState;
  try {
    first = await call(ui);
  } catch (e) {
    out.write(`cannot reach the running onshi-sim at ${ui}: ${(e as Error).message} (start it with npm start)\n`);
    return 1;
  }
  const names = values.all ? first.catalogue.map((c) => c.name) : positionals;
  for (const n of names) if (!first.catalogue.some((c) => c.name === n)) throw new UsageError(`no scenario ${JSON.stringify(n)} (onshi-sim scenario list)`);
  const results: PlayState[] = [];
  for (const name of names) {
    let state = await call(ui, { action: "start", scenario: name, auto: true, gapMs });
    while (!state.finished) {
      await new Promise((r) => setTimeout(r, 300));
      state = await call(ui);
      if (state.scenario?.name !== name) throw new Error(`someone else started ${state.scenario?.name ?? "another scenario"} meanwhile`);
      if (!state.running && !state.finished) break; // stopped from /trainer
    }
    results.push(state);
    if (!values.json) out.write(formatPlayed(state) + "\n\n");
  }
  const ok = results.every((r) => r.ok === true);
  if (values.json) out.write(JSON.stringify({ ok, results }, null, 2) + "\n");
  else out.write(`${results.filter((r) => r.ok).length}/${results.length} scenarios: every step matched${ok ? "" : " — not all"}\n`);
  return ok ? 0 : 1;
}
