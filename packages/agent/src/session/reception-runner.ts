/**
 * Runs the machine: an event goes through `transition()`, the new state is kept, and each effect is handed to its
 * adapter (card, face, server, timers). What an adapter's work comes to is the next event, run the same way. A
 * command's chain — say enterPin → VERIFY → nonce → signature → confirmation — is followed to its end, so the
 * caller can wait until everything it set going has settled.
 */
import { CardAdapter } from "./adapters/card-adapter.js";
import { FaceAdapter } from "./adapters/face-adapter.js";
import { PhoneAdapter } from "./adapters/phone-adapter.js";
import { ServerAdapter } from "./adapters/server-adapter.js";
import { TimerAdapter } from "./adapters/timer-adapter.js";
import type { Effect, OutcomeInput, Reply, SessionInput, Stamp } from "./reception-events.js";
import { transition } from "./reception-machine.js";
import type { ReceptionSessionDeps, ReceptionSessionOptions } from "./reception-ports.js";
import type { ReceptionState } from "./reception-state.js";

/** Where the runner's output goes (the ReceptionSession): views, log lines, and the stamp of each event. */
export interface RunnerOutput {
  show(state: ReceptionState): void;
  log(effect: Extract<Effect, { kind: "log" }>): void;
  stamp(): Stamp;
}

export interface Dispatched {
  /** The command's answer as the machine gave it at once. */
  readonly reply: Reply | undefined;
  /** Whether the event set work going (card, face, server) whose answers are still to come. */
  readonly working: boolean;
  /** Once that work and all it led to has settled: the final answer (a later step may refuse the input). */
  readonly settled: Promise<Reply | undefined>;
}

type Timings = Required<Pick<ReceptionSessionOptions, "idleTimeoutMs" | "returnToIdleMs" | "faceReferenceTimeoutMs">>;

export class ReceptionRunner {
  #state: ReceptionState;
  readonly #out: RunnerOutput;
  readonly #card: CardAdapter;
  readonly #face: FaceAdapter;
  readonly #server: ServerAdapter;
  readonly #timers: TimerAdapter;
  readonly #phone: PhoneAdapter;

  constructor(initial: ReceptionState, deps: ReceptionSessionDeps, timings: Timings, out: RunnerOutput) {
    this.#state = initial;
    this.#out = out;
    const isCurrent = (generation: number) => generation === this.#state.generation && !this.#state.closed;
    // Answers of background work (the face reference, timers) are run as they come; nobody waits for them.
    const report = (outcome: OutcomeInput) => void this.dispatch(outcome).settled;
    this.#card = new CardAdapter(deps.openCard, isCurrent, deps.lookupCard);
    this.#face = new FaceAdapter(deps.faceVerifier, this.#card, isCurrent, report, timings.faceReferenceTimeoutMs);
    this.#phone = new PhoneAdapter(deps.phoneReader?.open, isCurrent, deps.lookupCard);
    this.#server = new ServerAdapter(deps.qualification, deps.device, this.#card, isCurrent, this.#phone);
    this.#timers = new TimerAdapter(report, timings.idleTimeoutMs, timings.returnToIdleMs);
  }

  get state(): ReceptionState {
    return this.#state;
  }

  /** The current card's face for staff (see CardAdapter.knownCardFace). */
  knownCardFace(): ReturnType<CardAdapter["knownCardFace"]> {
    return this.#card.knownCardFace(this.#state.generation);
  }

  dispatch(input: SessionInput): Dispatched {
    const { state, effects, reply } = transition(this.#state, { ...input, ...this.#out.stamp() });
    this.#state = state;
    const answers: Promise<Reply | undefined>[] = [];
    let shown = false;
    for (const effect of effects) {
      if (effect.kind === "emit") {
        if (!shown) this.#out.show(state);
        shown = true;
      } else if (effect.kind === "then") {
        answers.push(this.dispatch(effect.input).settled);
      } else {
        const answer = this.#perform(effect);
        if (answer) answers.push(answer.then((next) => (next ? this.dispatch(next).settled : undefined)));
      }
    }
    if (answers.length === 0) return { reply, working: false, settled: Promise.resolve(reply) };
    // A later step's answer overrules the first (e.g. accepted, then the frame turned out to be no image).
    return { reply, working: true, settled: Promise.all(answers).then((later) => later.reduce((final, r) => r ?? final, reply)) };
  }

  /** Hands an effect to its adapter; returns the answer to come, for work that has one. */
  #perform(effect: Exclude<Effect, { kind: "emit" | "then" }>): Promise<SessionInput | undefined> | undefined {
    switch (effect.kind) {
      case "log":
        return void this.#out.log(effect);
      case "idle-timer":
        return void this.#timers.idle(effect);
      case "return-timer":
        return void this.#timers.returnToWaiting(effect);
      case "prepare-face":
        return void this.#face.prepare(effect.generation, effect.matchNumberB);
      case "release-face":
        return void this.#face.release();
      case "read-card":
        return settle(effect.generation, this.#card.read(effect.generation));
      case "verify-pin":
        return settle(effect.generation, this.#card.verifyPin(effect.generation, effect.pin));
      case "verify-face":
        return settle(effect.generation, this.#face.verify(effect.generation, effect.image));
      case "confirm":
        return settle(effect.generation, this.#server.confirm(effect.generation, effect.method, effect.certificateDer, effect.via));
      case "read-phone":
        return settle(effect.generation, this.#phone.read(effect.generation));
      case "verify-phone-pin":
        return settle(effect.generation, this.#phone.verifyPin(effect.generation, effect.pin));
      case "record-consent":
        return settle(effect.generation, this.#server.recordConsent(effect.generation, effect.request));
      case "complete":
        return settle(effect.generation, this.#server.complete(effect.generation, effect.confirmationId));
      case "register":
        return settle(effect.generation, this.#server.register(effect.generation, effect.certificateDer));
    }
  }
}

/** Adapters answer with events; should one throw all the same (a bug), the session ends with `internal`. */
function settle(generation: number, work: Promise<OutcomeInput | undefined>): Promise<SessionInput | undefined> {
  return work.catch((e: unknown) => ({ type: "effect-failed", generation, message: e instanceof Error ? e.message : undefined }));
}
