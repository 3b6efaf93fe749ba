/**
 * The qualification server, for the reception: nonce → (PIN: the card signs it) → confirmation, then consent and
 * completion. Failures become Faults — facts (which error, which server code) the machine decides on; `retry`
 * repeats the step the machine kept.
 */
import { CardStatusError, SW } from "@onshi-sim/apdu";
import { QualificationServerError, type ReaderDevice } from "../../qualification/qualification-client.js";
import type { ConsentRequestBody, Fault, OutcomeInput } from "../reception-events.js";
import type { QualificationPort } from "../reception-ports.js";
import type { VerificationMethod } from "../session-view.js";
import { isCardGone, messageOf, SessionEnded, type CardAdapter, type IsCurrent } from "./card-adapter.js";
import { PhoneAdapter } from "./phone-adapter.js";

export class ServerAdapter {
  readonly #port: QualificationPort;
  readonly #device: ReaderDevice | undefined;
  readonly #card: CardAdapter;
  readonly #isCurrent: IsCurrent;
  readonly #phone: PhoneAdapter | undefined;

  constructor(port: QualificationPort, device: ReaderDevice | undefined, card: CardAdapter, isCurrent: IsCurrent, phone?: PhoneAdapter) {
    this.#phone = phone;
    this.#port = port;
    this.#device = device;
    this.#card = card;
    this.#isCurrent = isCurrent;
  }

  /** `via: "phone"`: the phone on the phone reader signs (Android after its PIN, iPhone after Face ID). */
  async confirm(generation: number, method: VerificationMethod, certificateDer: Uint8Array, via?: "phone"): Promise<OutcomeInput | undefined> {
    const phone = via === "phone" ? this.#phone : undefined;
    try {
      const { nonce } = await this.#port.nonce();
      // The session ended while we asked: neither sign nor confirm for it.
      if (!this.#isCurrent(generation)) return undefined;
      if (method === "pin") {
        // The card signs the SHA-256 DigestInfo of the nonce's 32 bytes with the user-auth key (PIN verified before).
        const challenge = Buffer.from(nonce, "base64url");
        let signature: Uint8Array;
        try {
          signature = phone ? await phone.sign(generation, challenge) : await this.#card.sign(generation, challenge);
        } catch (e) {
          if (phone && PhoneAdapter.refusedSignature(e)) return { type: "phone-refused-signature", generation };
          if (phone && isCardGone(e)) return { type: "phone-gone", generation };
          throw e;
        }
        if (!this.#isCurrent(generation)) return undefined;
        return { type: "confirmation", generation, method, result: await this.#port.confirmWithSignature(nonce, certificateDer, signature) };
      }
      if (!this.#device) throw new Error("no reader device to attest a face or 目視 confirmation");
      return { type: "confirmation", generation, method, result: await this.#port.confirmWithDevice(nonce, certificateDer, method, this.#device) };
    } catch (e) {
      if (e instanceof SessionEnded) return undefined;
      if (isCardGone(e)) return { type: "card-gone", generation };
      if (e instanceof CardStatusError && e.sw === SW.SECURITY_STATUS_NOT_SATISFIED) return { type: "pin-forgotten", generation };
      return { type: "server-failed", generation, fault: faultOf(e) };
    }
  }

  async recordConsent(generation: number, request: ConsentRequestBody): Promise<OutcomeInput> {
    try {
      const answer = await this.#port.consent(request);
      return { type: "consent-recorded", generation, consents: answer.recorded.map((r) => ({ item: r.item, consented: r.ConsFlg === "1", consTime: r.ConsTime })) };
    } catch (e) {
      return { type: "server-failed", generation, fault: faultOf(e) };
    }
  }

  /** 保険証利用登録: nonce, the card signs it (PIN verified), the server registers the certificate. E132 counts as done. */
  async register(generation: number, certificateDer: Uint8Array): Promise<OutcomeInput | undefined> {
    const register = this.#port.register;
    if (!register) return { type: "registration", generation, registered: false, fault: { kind: "internal", message: "this server port cannot register cards" } };
    try {
      const { nonce } = await this.#port.nonce();
      if (!this.#isCurrent(generation)) return undefined;
      const signature = await this.#card.sign(generation, Buffer.from(nonce, "base64url"));
      if (!this.#isCurrent(generation)) return undefined;
      await register.call(this.#port, nonce, certificateDer, signature);
      return { type: "registration", generation, registered: true };
    } catch (e) {
      if (e instanceof SessionEnded) return undefined;
      if (isCardGone(e)) return { type: "card-gone", generation };
      if (e instanceof QualificationServerError && e.serverCode === "E132") return { type: "registration", generation, registered: true };
      return { type: "registration", generation, registered: false, fault: faultOf(e) };
    }
  }

  async complete(generation: number, confirmationId: string): Promise<OutcomeInput> {
    try {
      return { type: "completed", generation, result: await this.#port.complete(confirmationId) };
    } catch (e) {
      return { type: "server-failed", generation, fault: faultOf(e) };
    }
  }
}

function faultOf(e: unknown): Fault {
  if (e instanceof QualificationServerError) return { kind: "server", code: e.code, status: e.status, serverCode: e.serverCode, message: e.message };
  if (e instanceof CardStatusError) return { kind: "card", message: e.message };
  return { kind: "internal", message: messageOf(e) };
}
