/**
 * What the agent knows about the simulator's own cards, from their fixtures:
 *   - `knownFixtureCards`: certificate → 照合番号B (a real reader reads it off the card face with its camera) and
 *     whether a PIN is set (a 顔認証マイナンバーカード has none);
 *   - `fixtureCardFactory`: virtual cards of fixtures for `dev:insert-card` (memory-dev-cards.ts puts them in a reader).
 * The agent owns them (not the CLI) so that its tests, the kiosk's and the CLI's assemble the same agent.
 */
import { createHash } from "node:crypto";
import { FixtureError, findCardFixture, findPhoneFixture, isPhoneId, type LoadedCard, type LoadedPhone } from "@onshi-sim/jpki-testkit";
import { fromLoadedPhone, type MemoryOwnerAuth } from "@onshi-sim/card-sim";
import { CardInUseError, type CardStateStore } from "@onshi-sim/card-sim";
import { fromLoadedCard, VirtualMyNumberCard } from "@onshi-sim/card-sim";
import type { SmartCard } from "@onshi-sim/reader-bindings";
import { matchNumberB } from "@onshi-sim/apdu";
import { cardInUseError } from "../session/session-errors.js";
import type { KnownCard } from "../session/reception-ports.js";
import { DevCardError } from "../socket/agent-server.js";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export function knownCardOf(card: LoadedCard): KnownCard {
  const f = card.fixture;
  return { matchNumberB: matchNumberB(f.holder.birthDate, f.card.expiresOn, f.card.securityCode), userAuthPinSet: f.pins.userAuth !== null };
}

/** A `lookupCard` for the agent: the fixture whose user-auth certificate the card carries. */
/** What the agent knows of a phone's certificate: which phone, its card's person and whose phone it is. */
export function knownPhoneOf(phone: LoadedPhone): KnownCard {
  return { ...knownCardOf(phone.card), userAuthPinSet: phone.fixture.pin !== null, phone: { os: phone.fixture.os, personId: phone.personId, ownerPersonId: phone.ownerPersonId } };
}

/** A `lookupCard` for the agent: the fixture (card, or phone) whose user-auth certificate the token carries. */
export function knownFixtureCards(cards: readonly LoadedCard[], phones: readonly LoadedPhone[] = []): (certificateDer: Uint8Array) => KnownCard | undefined {
  const byCertificate = new Map([...cards.map((c) => [sha256(c.userAuthCertificateDer), knownCardOf(c)] as const), ...phones.map((p) => [sha256(p.userAuthCertificateDer), knownPhoneOf(p)] as const)]);
  return (der) => byCertificate.get(sha256(der));
}

/** A card that can be given back when it leaves the reader, so another reader (or process) may take it. */
export type ReleasableCard = SmartCard & { release(): void };

/**
 * Makes virtual cards of fixtures by id; counters in `stateStore` (default: in memory, fresh per card). Each
 * card is claimed in the store for `holder` until released: a card in another reader is refused (card-in-use).
 */
export function fixtureCardFactory(options: { stateStore?: CardStateStore; holder?: string; ownerAuth?: (phoneId: string) => MemoryOwnerAuth } = {}): (cardId: string) => Promise<ReleasableCard> {
  const holder = options.holder ?? "onshi-sim agent (dev:insert-card)";
  return async (cardId) => {
    if (isPhoneId(cardId)) {
      // A virtual smartphone: its owner-auth state comes from `ownerAuth` (the trainer's switch) when given.
      let phone: LoadedPhone;
      try {
        phone = await findPhoneFixture(cardId);
      } catch (e) {
        if (e instanceof FixtureError) throw new DevCardError("unknown-card", e.message);
        throw e;
      }
      try {
        return new VirtualMyNumberCard(fromLoadedPhone(phone), { holder, ...(options.stateStore ? { stateStore: options.stateStore } : {}), ...(options.ownerAuth ? { ownerAuth: options.ownerAuth(cardId) } : {}) });
      } catch (e) {
        if (e instanceof CardInUseError) throw new DevCardError("card-in-use", e.message, cardInUseError(e.holder));
        throw e;
      }
    }
    let loaded: LoadedCard;
    try {
      loaded = await findCardFixture(cardId);
    } catch (e) {
      if (e instanceof FixtureError) throw new DevCardError("unknown-card", e.message);
      throw e;
    }
    try {
      return new VirtualMyNumberCard(fromLoadedCard(loaded), { holder, ...(options.stateStore ? { stateStore: options.stateStore } : {}) });
    } catch (e) {
      if (e instanceof CardInUseError) throw new DevCardError("card-in-use", e.message, cardInUseError(e.holder));
      throw e;
    }
  };
}
