/**
 * LivePlayer: plays a catalogue scenario on a running system — the PlayPort behind /ui/play. It applies the setup
 * (simulation date and consent flow on the trainer settings, the server's reseed, server scenario, person actions
 * and faults, the cards' counters back to the fixtures') and performs the steps on the live agent with the scenario
 * runner's own interpreter (runner-bridge.ts), so the kiosk and /reception show each one as it happens, and each
 * step is judged ✓/✗ by the same expectations as `scenario run`.
 *
 * Controls: next (play the next step; the one played stays shown until then), prev (set up again and replay up to
 * the step before the one shown, then wait), pause /
 * resume, auto-advance (next by itself after `stepGapMs`), stop. While a step plays, the kiosk gets a cue (the
 * PIN's digits filling in — never the PIN —, the camera's face, the consent buttons) and the player gives the
 * class `pinDigitMs` per digit to see it.
 */
import type { CameraFaceStore, PlayCommand, PlayPort, PlayState, PlayStep } from "@onshi-sim/kiosk-ui";
import { PlayRefused } from "@onshi-sim/kiosk-ui";
import type { Scenario, Step } from "@onshi-sim/scenarios";
import { CARD_PIN_DIGITS, type SessionView } from "@onshi-sim/agent/protocol";
import type { StepResult } from "../scenario-runner.js";
import { liveRunner, type LiveRunner, type LiveSystem } from "./runner-bridge.js";
import { expectedLines } from "./expected-lines.js";

export interface LivePlayerOptions {
  readonly scenarios: readonly Scenario[];
  readonly system: LiveSystem;
  /** The cards' counters back to what the fixture says (a scenario starts from them). */
  readonly resetCard: (cardId: string) => void | Promise<void>;
  readonly cameraFace?: CameraFaceStore;
  /** Auto-advance: the pause after a step, for the class to read. Default 4000 ms. */
  readonly stepGapMs?: number;
  /** Per PIN digit while the kiosk shows it filling in. Default 400 ms. */
  readonly pinDigitMs?: number;
  /** Awaited after each step played (the handout's screenshots), with the session as it stands. */
  readonly afterStep?: (index: number, step: Step, result: StepResult, view: SessionView | undefined) => Promise<void>;
}

class Stopped extends Error {
  override name = "Stopped";
}

const cardsOf = (s: Scenario) => [...new Set(s.steps.flatMap((st) => ("card" in st && typeof st.card === "string" ? [st.card] : [])))];

export class LivePlayer implements PlayPort {
  readonly #o: LivePlayerOptions;
  readonly #listeners = new Set<(state: PlayState) => void>();
  #state: PlayState;
  #live: Promise<LiveRunner> | undefined;
  /** Resolves the wait before the step shown (next / resume / auto / stop). */
  #wake: (() => void) | undefined;
  #generation = 0;
  #run: Promise<unknown> = Promise.resolve();
  /** Steps before this index replay without waiting (prev). */
  #fastUntil = 0;
  #nextRequested = false;
  #gapMs: number | undefined;

  constructor(options: LivePlayerOptions) {
    this.#o = options;
    this.#state = {
      seq: 0,
      scenario: null,
      steps: [],
      index: -1,
      running: false,
      paused: false,
      auto: false,
      finished: false,
      ok: null,
      error: null,
      cue: null,
      catalogue: options.scenarios.map((s) => ({ name: s.name, title: s.title })),
    };
  }

  get state(): PlayState {
    return this.#state;
  }

  onChange(listener: (state: PlayState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async command(c: PlayCommand): Promise<PlayState> {
    switch (c.action) {
      case "start": {
        const scenario = this.#o.scenarios.find((s) => s.name === c.scenario);
        if (!scenario) throw new PlayRefused(`no scenario ${c.scenario}`);
        this.#gapMs = c.gapMs;
        await this.#start(scenario, 0, c.auto ?? false);
        break;
      }
      case "next":
        if (!this.#state.running) throw new PlayRefused("nothing is playing");
        this.#nextRequested = true;
        this.#set({ paused: false });
        this.#wake?.();
        break;
      case "prev": {
        const s = this.#scenario();
        if (!s) throw new PlayRefused("nothing to go back in");
        // Back one step: set up again, replay up to and including the step before, and wait there.
        await this.#start(s, Math.max(0, this.#state.index), false);
        break;
      }
      case "pause":
        this.#set({ paused: true });
        break;
      case "resume":
        this.#set({ paused: false });
        this.#wake?.();
        break;
      case "auto":
        this.#set({ auto: c.on, paused: false });
        this.#wake?.();
        break;
      case "stop":
        await this.#stop();
        break;
    }
    return this.#state;
  }

  /** Plays one scenario to its end with auto-advance (the CLI and the handouts); resolves with the final state. */
  async playThrough(name: string, gapMs?: number): Promise<PlayState> {
    await this.command({ action: "start", scenario: name, auto: true, ...(gapMs !== undefined ? { gapMs } : {}) });
    await this.#run;
    return this.#state;
  }

  async close(): Promise<void> {
    await this.#stop();
    if (this.#live) await (await this.#live).close();
  }

  #scenario(): Scenario | undefined {
    return this.#o.scenarios.find((s) => s.name === this.#state.scenario?.name);
  }

  async #stop(): Promise<void> {
    this.#generation++;
    this.#wake?.();
    await this.#run.catch(() => undefined);
    if (this.#state.running) this.#set({ running: false, cue: null });
  }

  async #start(scenario: Scenario, fastUntil: number, auto: boolean): Promise<void> {
    await this.#stop();
    const generation = ++this.#generation;
    this.#fastUntil = fastUntil;
    this.#nextRequested = false;
    const steps: PlayStep[] = scenario.steps.map((st) => ({ do: st.do, narration: st.narration, rule: st.rule ?? null, expected: expectedLines(st), status: "pending", observed: "", failures: [] }));
    this.#set({
      scenario: { name: scenario.name, title: scenario.title, summary: scenario.summary, date: scenario.setup?.date ?? null },
      steps,
      index: fastUntil - 1,
      running: true,
      paused: false,
      auto,
      finished: false,
      ok: null,
      error: null,
      cue: null,
    });
    this.#run = this.#play(scenario, generation).catch((e: unknown) => {
      if (e instanceof Stopped) return;
      if (generation === this.#generation) this.#set({ running: false, finished: true, ok: false, error: (e as Error).message, cue: null });
    });
  }

  async #play(scenario: Scenario, generation: number): Promise<void> {
    this.#live ??= liveRunner(this.#o.system);
    const live = await this.#live;
    const check = () => {
      if (generation !== this.#generation) throw new Stopped();
    };
    // Counters as the fixtures say: the cards leave the reader first (a card on it is held by the agent).
    if (live.driver.readers.find((r) => r.name === this.#o.system.reader)?.cardPresent) {
      await live.driver.removeCard();
      await live.driver.waitFor("waiting-for-card", { timeoutMs: 5_000 }).catch(() => undefined);
    }
    for (const card of cardsOf(scenario)) await this.#o.resetCard(card);
    const cameraBefore = this.#o.cameraFace?.current ?? null;
    let pending: { index: number; step: Step; result: StepResult } | undefined;
    const flush = async () => {
      if (!pending) return;
      const p = pending;
      pending = undefined;
      await this.#o.afterStep?.(p.index, p.step, p.result, live.driver.view());
    };
    try {
      const result = await live.runner.run(scenario, {
        beforeStep: async (step, index) => {
          await flush();
          check();
          const fast = index < this.#fastUntil;
          // The step played last stays on screen (narration, ✓/✗) until the trainer goes on.
          if (!fast) await this.#waitForGo(index, generation);
          check();
          if (!fast) this.#set({ index, cue: null });
          check();
          this.#markStep(index, { status: "playing" });
          if (!fast) await this.#cue(step);
          check();
        },
        onStep: (r, step) => {
          if (generation !== this.#generation) return;
          this.#markStep(r.index, { status: r.status, observed: r.observed, failures: r.failures });
          this.#set({ cue: null });
          pending = { index: r.index, step, result: r };
        },
      });
      await flush();
      check();
      const steps = this.#state.steps.map((s, i) => {
        const r = result.steps[i];
        return r && s.status === "pending" ? { ...s, status: r.status } : s;
      });
      this.#set({ steps, running: false, finished: true, ok: result.ok, error: result.error ?? null, cue: null, index: this.#state.index });
    } finally {
      if (this.#o.cameraFace && generation === this.#generation) {
        if (cameraBefore?.source === "fixture") await this.#o.cameraFace.chooseJson({ face: cameraBefore.name }).catch(() => undefined);
        else if (!cameraBefore) await this.#o.cameraFace.chooseJson({ face: null }).catch(() => undefined);
      }
    }
  }

  /** Before a step: wait for next (or auto-advance's gap, unless paused); the first step of an auto run goes at once. */
  async #waitForGo(index: number, generation: number): Promise<void> {
    const firstAuto = this.#state.auto && index === this.#fastUntil && this.#fastUntil === 0;
    if (firstAuto) return;
    const gap = this.#gapMs ?? this.#o.stepGapMs ?? 4_000;
    const started = Date.now();
    for (;;) {
      if (generation !== this.#generation) throw new Stopped();
      if (this.#nextRequested) {
        this.#nextRequested = false;
        return;
      }
      const { auto, paused } = this.#state;
      const left = auto && !paused ? gap - (Date.now() - started) : Infinity;
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        if (Number.isFinite(left)) setTimeout(resolve, left).unref();
      });
      this.#wake = undefined;
    }
  }

  /** What the kiosk shows the class while the step plays. */
  async #cue(step: Step): Promise<void> {
    const at = Date.now();
    if (step.do === "pin") {
      this.#set({ cue: { kind: "pin", digits: CARD_PIN_DIGITS, at } });
      const ms = this.#o.pinDigitMs ?? 400;
      if (ms > 0) await new Promise((r) => setTimeout(r, ms * (CARD_PIN_DIGITS + 1)));
    } else if (step.do === "face") {
      const name = step.image.includes("/") ? undefined : step.image;
      if (this.#o.cameraFace && name) await this.#o.cameraFace.chooseJson({ face: name }).catch(() => undefined);
      this.#set({ cue: { kind: "face", image: step.image, at } });
    } else if (step.do === "consent") this.#set({ cue: { kind: "consent", at } });
  }

  #markStep(index: number, patch: Partial<PlayStep>): void {
    this.#set({ steps: this.#state.steps.map((s, i) => (i === index ? { ...s, ...patch } : s)) });
  }

  #set(patch: Partial<PlayState>): void {
    this.#state = { ...this.#state, ...patch, seq: this.#state.seq + 1 };
    for (const l of this.#listeners) l(this.#state);
  }
}
