/**
 * What the agent knows about the simulator's own cards, from their fixtures:
 *   - `knownFixtureCards`: certificate → 照合番号B (a real reader reads it off the card face with its camera) and
 *     whether a PIN is set (a 顔認証マイナンバーカード has none);
 *   - `fixtureCardFactory`: virtual cards of fixtures for `dev:insert-card` (memory-dev-cards.ts puts them in a reader).
 * The agent owns them (not the CLI) so that its tests, the kiosk's and the CLI's assemble the same agent.
 */
import { createHash } from "node:crypto";
import { FixtureError, findCardFixture, type LoadedCard } from "@onshi-sim/jpki-testkit";
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
export function knownFixtureCards(cards: readonly LoadedCard[]): (certificateDer: Uint8Array) => KnownCard | undefined {
  const byCertificate = new Map(cards.map((c) => [sha256(c.userAuthCertificateDer), knownCardOf(c)]));
  return (der) => byCertificate.get(sha256(der));
}

/** A card that can be given back when it leaves the reader, so another reader (or process) may take it. */
export type ReleasableCard = SmartCard & { release(): void };

/**
 * Makes virtual cards of fixtures by id; counters in `stateStore` (default: in memory, fresh per card). Each
 * card is claimed in the store for `holder` until released: a card in another reader is refused (card-in-use).
 */
export function fixtureCardFactory(options: { stateStore?: CardStateStore; holder?: string } = {}): (cardId: string) => Promise<ReleasableCard> {
  const holder = options.holder ?? "onshi-sim agent (dev:insert-card)";
  return async (cardId) => {
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
