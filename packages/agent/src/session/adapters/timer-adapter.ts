/** The reception's two timers: idle (no input in an interactive phase) and return-to-waiting (after a pull). */
import type { Effect, OutcomeInput } from "../reception-events.js";

export class TimerAdapter {
  readonly #report: (outcome: OutcomeInput) => void;
  readonly #idleMs: number;
  readonly #returnMs: number;
  #idle: NodeJS.Timeout | undefined;
  #return: NodeJS.Timeout | undefined;

  constructor(report: (outcome: OutcomeInput) => void, idleMs: number, returnMs: number) {
    this.#report = report;
    this.#idleMs = idleMs;
    this.#returnMs = returnMs;
  }

  idle(effect: Extract<Effect, { kind: "idle-timer" }>): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = effect.action === "restart" ? this.#start(this.#idleMs, { type: "idle-timer", generation: effect.generation }, () => (this.#idle = undefined)) : undefined;
  }

  returnToWaiting(effect: Extract<Effect, { kind: "return-timer" }>): void {
    if (this.#return) clearTimeout(this.#return);
    this.#return = effect.action === "start" ? this.#start(this.#returnMs, { type: "return-timer", generation: effect.generation }, () => (this.#return = undefined)) : undefined;
  }

  #start(ms: number, outcome: OutcomeInput, fired: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      fired();
      this.#report(outcome);
    }, ms);
    timer.unref();
    return timer;
  }
}
