/**
 * The card, for the reception: one MyNumberCardClient per card placed (made by the injected OpenCard), and a
 * queue so that one logical operation's exchanges never interleave with another's (the client tracks what is
 * selected). Exceptions become the events the machine understands.
 */
import { X509Certificate } from "node:crypto";
import { NotAMyNumberCardError, PinFormatError, RealCardSafetyError, type CardFace, type MyNumberCardClient, type PinStatus } from "@onshi-sim/card-client";
import { CardRemovedError, NoCardError, UnknownReaderError } from "@onshi-sim/reader-bindings";
import type { OutcomeInput } from "../reception-events.js";
import type { KnownCard, OpenCard } from "../reception-ports.js";

/** Whether work started in this generation is still wanted (its card is still the session's). */
export type IsCurrent = (generation: number) => boolean;

/** Thrown instead of running work queued for a card whose session has ended. */
export class SessionEnded extends Error {
  override name = "SessionEnded";
}

export function isCardGone(e: unknown): boolean {
  return e instanceof CardRemovedError || e instanceof NoCardError || e instanceof UnknownReaderError;
}

export function messageOf(e: unknown): string | undefined {
  return e instanceof Error ? e.message : undefined;
}

export class CardAdapter {
  readonly #openCard: OpenCard;
  readonly #operations: CardOperationQueue;
  readonly #lookupCard: ((certificateDer: Uint8Array) => KnownCard | undefined) | undefined;
  #client: MyNumberCardClient | undefined;
  /** The card as the agent knows it (its 照合番号B), when it does. */
  #known: KnownCard | undefined;
  /** The card face, read once per card (face verification and the staff's 目視 panel share it). */
  #cardFace: { readonly generation: number; readonly face: Promise<CardFace> } | undefined;

  constructor(openCard: OpenCard, isCurrent: IsCurrent, lookupCard?: (certificateDer: Uint8Array) => KnownCard | undefined) {
    this.#openCard = openCard;
    this.#operations = new CardOperationQueue(isCurrent);
    this.#lookupCard = lookupCard;
  }

  /** A card was placed: a new client, then SELECT JPKI, the user-auth certificate and the PIN status. */
  async read(generation: number): Promise<OutcomeInput | undefined> {
    this.#client = this.#openCard();
    this.#operations.reset();
    this.#known = undefined;
    this.#cardFace = undefined;
    try {
      const read = await this.#run(generation, async (client) => {
        await client.identify();
        const certificateDer = await client.readUserAuthCertificate();
        const certificate = new X509Certificate(certificateDer);
        const fixture = await client.isFixtureCard();
        let pinStatus: PinStatus | undefined;
        try {
          pinStatus = await client.pinStatus("userAuth");
        } catch (e) {
          if (isCardGone(e)) throw e;
          pinStatus = undefined; // the card would not say: offer the PIN anyway and let VERIFY answer
        }
        return { certificateDer, certificateValidTo: new Date(certificate.validTo).toISOString().slice(0, 10), fixture, pinStatus };
      });
      this.#known = this.#lookupCard?.(read.certificateDer);
      return { type: "card-read", generation, ...read, known: this.#known };
    } catch (e) {
      if (e instanceof SessionEnded) return undefined;
      if (isCardGone(e)) return { type: "card-gone", generation };
      return { type: "card-unreadable", generation, code: e instanceof NotAMyNumberCardError ? "not-my-number-card" : "read-error", message: messageOf(e) };
    }
  }

  /** VERIFY with the patient's PIN. The PIN goes to the card and is not kept. */
  async verifyPin(generation: number, pin: string): Promise<OutcomeInput | undefined> {
    try {
      const outcome = await this.#run(generation, (client) => client.verify("userAuth", pin));
      if (outcome.ok) return { type: "pin-result", generation, outcome: { kind: "verified" } };
      if ("triesLeft" in outcome) return { type: "pin-result", generation, outcome: { kind: "wrong", triesLeft: outcome.triesLeft } };
      return { type: "pin-result", generation, outcome: { kind: "blocked" } };
    } catch (e) {
      if (e instanceof SessionEnded) return undefined;
      if (isCardGone(e)) return { type: "card-gone", generation };
      if (e instanceof RealCardSafetyError) return { type: "pin-result", generation, outcome: { kind: "withheld", triesLeft: e.triesLeft } };
      if (e instanceof PinFormatError) return { type: "pin-result", generation, outcome: { kind: "format" } };
      return { type: "pin-result", generation, outcome: { kind: "failed", message: messageOf(e) } };
    }
  }

  /** The card face (券面AP) with 照合番号B. Throws as the client does. Read once per card and 照合番号B. */
  readCardFace(generation: number, matchNumberB: string): Promise<CardFace> {
    const cached = this.#cardFace;
    if (cached && cached.generation === generation && this.#known?.matchNumberB === matchNumberB) return cached.face;
    const face = this.#run(generation, (client) => client.readCardFace(matchNumberB));
    if (this.#known?.matchNumberB === matchNumberB) this.#cardFace = { generation, face };
    face.catch(() => {
      if (this.#cardFace?.face === face) this.#cardFace = undefined;
    });
    return face;
  }

  /**
   * The card face for the staff's 目視 panel, read with the 照合番号B the agent knows for this card, as a
   * 顔認証付きカードリーダー does; undefined when it knows none (a real card: staff type 照合番号B first).
   */
  knownCardFace(generation: number): Promise<CardFace> | undefined {
    const known = this.#known;
    return known ? this.readCardFace(generation, known.matchNumberB) : undefined;
  }

  /** The SHA-256 DigestInfo of `data`, signed with the user-auth key (the PIN was verified before). Throws. */
  sign(generation: number, data: Uint8Array): Promise<Uint8Array> {
    return this.#run(generation, (client) => client.signWithUserAuthKey(data));
  }

  /** Runs one logical card operation after the ones queued before it — unless its session ended meanwhile. */
  #run<T>(generation: number, operation: (client: MyNumberCardClient) => Promise<T>): Promise<T> {
    return this.#operations.run(generation, () => this.#client, operation);
  }
}

/**
 * One logical card operation after the ones queued before it — unless its session ended meanwhile (the card and
 * the phone adapters each keep one, so a pulled card never answers a newer session's step).
 */
export class CardOperationQueue {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(readonly isCurrent: IsCurrent) {}

  /** A new card: what was queued for the old one no longer holds the next one up. */
  reset(): void {
    this.#queue = Promise.resolve();
  }

  run<T>(generation: number, client: () => MyNumberCardClient | undefined, operation: (client: MyNumberCardClient) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      const current = client();
      if (!this.isCurrent(generation) || !current) throw new SessionEnded();
      return operation(current);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
