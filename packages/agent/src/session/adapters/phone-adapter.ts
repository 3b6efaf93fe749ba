/**
 * The phone on the phone reader, for the reception: a fresh MyNumberCardClient over the phone reader for each
 * phone placed, one operation at a time (like CardAdapter). Reads the token (EF 0006); an iPhone's certificate at
 * once, an Android's PIN status — its certificate only after the phone PIN. Exceptions become events.
 */
import { X509Certificate } from "node:crypto";
import { CardStatusError, SW } from "@onshi-sim/apdu";
import { PinFormatError, RealCardSafetyError, type MyNumberCardClient, type PinStatus } from "@onshi-sim/card-client";
import type { OutcomeInput, PhoneCertificate } from "../reception-events.js";
import type { KnownCard, OpenCard } from "../reception-ports.js";
import { CardOperationQueue, isCardGone, messageOf, SessionEnded, type IsCurrent } from "./card-adapter.js";

export class PhoneAdapter {
  readonly #open: OpenCard | undefined;
  readonly #operations: CardOperationQueue;
  readonly #lookup: ((certificateDer: Uint8Array) => KnownCard | undefined) | undefined;
  #client: MyNumberCardClient | undefined;

  constructor(open: OpenCard | undefined, isCurrent: IsCurrent, lookup?: (certificateDer: Uint8Array) => KnownCard | undefined) {
    this.#open = open;
    this.#operations = new CardOperationQueue(isCurrent);
    this.#lookup = lookup;
  }

  async read(generation: number): Promise<OutcomeInput | undefined> {
    if (!this.#open) return { type: "phone-unreadable", generation, message: "no phone reader configured" };
    this.#client = this.#open();
    this.#operations.reset();
    try {
      const read = await this.#run(generation, async (client) => {
        await client.identify();
        const token = await client.readTokenKind();
        if (token === "android") {
          let pinStatus: PinStatus | undefined;
          try {
            pinStatus = await client.pinStatus("userAuth");
          } catch (e) {
            if (isCardGone(e)) throw e;
            pinStatus = undefined;
          }
          return { token, certificate: undefined, pinStatus };
        }
        return { token, certificate: token === "iphone" ? await this.#certificate(client) : undefined, pinStatus: undefined };
      });
      return { type: "phone-read", generation, ...read };
    } catch (e) {
      if (e instanceof SessionEnded) return undefined;
      if (isCardGone(e)) return { type: "phone-gone", generation };
      return { type: "phone-unreadable", generation, message: messageOf(e) };
    }
  }

  /** Android: VERIFY the phone PIN (it goes to the phone only), then the certificate, readable now. */
  async verifyPin(generation: number, pin: string): Promise<OutcomeInput | undefined> {
    try {
      return await this.#run(generation, async (client): Promise<OutcomeInput> => {
        const outcome = await client.verify("userAuth", pin);
        if (outcome.ok) return { type: "phone-pin-result", generation, outcome: { kind: "verified" }, certificate: await this.#certificate(client) };
        if ("triesLeft" in outcome) return { type: "phone-pin-result", generation, outcome: { kind: "wrong", triesLeft: outcome.triesLeft }, certificate: undefined };
        return { type: "phone-pin-result", generation, outcome: { kind: "blocked" }, certificate: undefined };
      });
    } catch (e) {
      if (e instanceof SessionEnded) return undefined;
      if (isCardGone(e)) return { type: "phone-gone", generation };
      if (e instanceof RealCardSafetyError) return { type: "phone-pin-result", generation, outcome: { kind: "withheld", triesLeft: e.triesLeft }, certificate: undefined };
      if (e instanceof PinFormatError) return { type: "phone-pin-result", generation, outcome: { kind: "format" }, certificate: undefined };
      return { type: "phone-pin-result", generation, outcome: { kind: "failed", message: messageOf(e) }, certificate: undefined };
    }
  }

  /** Signs with the phone's user-auth key. 69 82 (iPhone not authenticated, Android PIN forgotten) is thrown as is. */
  sign(generation: number, data: Uint8Array): Promise<Uint8Array> {
    return this.#run(generation, (client) => client.signWithUserAuthKey(data));
  }

  static refusedSignature(e: unknown): boolean {
    return e instanceof CardStatusError && e.sw === SW.SECURITY_STATUS_NOT_SATISFIED;
  }

  async #certificate(client: MyNumberCardClient): Promise<PhoneCertificate> {
    const der = await client.readUserAuthCertificate();
    return { der, validTo: new Date(new X509Certificate(der).validTo).toISOString().slice(0, 10), known: this.#lookup?.(der) };
  }

  #run<T>(generation: number, operation: (client: MyNumberCardClient) => Promise<T>): Promise<T> {
    return this.#operations.run(generation, () => this.#client, operation);
  }
}
