/**
 * Face verification, for the reception: the card photo's descriptor prepared in the background while the patient
 * chooses (so a frame waits only for its own decision), frames verified against it, the descriptor released when
 * the session ends.
 */
import { CardStatusError } from "@onshi-sim/apdu";
import { FaceError, type FaceVerifier, type ReferenceFace } from "../../face/face-verifier.js";
import type { OutcomeInput } from "../reception-events.js";
import { isCardGone, messageOf, type CardAdapter, type IsCurrent } from "./card-adapter.js";

export class FaceAdapter {
  readonly #verifier: FaceVerifier | undefined;
  readonly #card: CardAdapter;
  readonly #isCurrent: IsCurrent;
  readonly #report: (outcome: OutcomeInput) => void;
  readonly #referenceTimeoutMs: number;
  /** The card photo's descriptor, being prepared (undefined when it could not be). */
  #reference: Promise<ReferenceFace | undefined> | undefined;

  constructor(verifier: FaceVerifier | undefined, card: CardAdapter, isCurrent: IsCurrent, report: (outcome: OutcomeInput) => void, referenceTimeoutMs: number) {
    this.#verifier = verifier;
    this.#card = card;
    this.#isCurrent = isCurrent;
    this.#report = report;
    this.#referenceTimeoutMs = referenceTimeoutMs;
  }

  /** Reads the card face with 照合番号B and computes its photo's descriptor; reports ready or failed. */
  prepare(generation: number, matchNumberB: string): void {
    const verifier = this.#verifier;
    if (!verifier) return;
    this.#reference = (async (): Promise<ReferenceFace | undefined> => {
      try {
        const cardFace = await this.#card.readCardFace(generation, matchNumberB);
        if (!this.#isCurrent(generation)) return undefined;
        const reference = await verifier.prepareReference(cardFace.photoJp2);
        if (!this.#isCurrent(generation)) {
          verifier.release(reference);
          return undefined;
        }
        this.#report({ type: "face-reference-ready", generation });
        return reference;
      } catch (e) {
        // A card pulled meanwhile is reported by the reader (or the next exchange), not here.
        if (!this.#isCurrent(generation) || isCardGone(e)) return undefined;
        const reason = e instanceof CardStatusError && e.step.includes("照合番号B") ? "match-number-b-wrong" : "face-unavailable";
        this.#report({ type: "face-reference-failed", generation, reason, message: messageOf(e) });
        return undefined;
      }
    })();
  }

  /** One camera frame against the card photo, once its descriptor is there (or given up waiting for it). */
  async verify(generation: number, image: Uint8Array): Promise<OutcomeInput | undefined> {
    const verifier = this.#verifier;
    const reference = await this.#awaitReference();
    if (!this.#isCurrent(generation)) return undefined;
    if (!verifier || !reference) return { type: "face-result", generation, result: { kind: "no-reference" } };
    try {
      return { type: "face-result", generation, result: { kind: "decision", decision: await verifier.verify(reference, image) } };
    } catch (e) {
      if (e instanceof FaceError && e.code === "bad-image") return { type: "face-result", generation, result: { kind: "bad-image" } };
      return { type: "face-result", generation, result: { kind: "failed", message: messageOf(e) } };
    }
  }

  /** Forgets the descriptor (now, or once it is prepared). */
  release(): void {
    const pending = this.#reference;
    const verifier = this.#verifier;
    this.#reference = undefined;
    if (!pending || !verifier) return;
    void pending.then((reference) => {
      if (reference) verifier.release(reference);
    });
  }

  async #awaitReference(): Promise<ReferenceFace | undefined> {
    const pending = this.#reference;
    if (!pending) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#referenceTimeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
