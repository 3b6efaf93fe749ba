/**
 * What the agent knows about the simulator's own cards, from their fixtures:
 *   - `knownFixtureCards`: certificate → 照合番号B (a real reader reads it off the card face with its camera) and
 *     whether a PIN is set (a 顔認証マイナンバーカード has none);
 *   - `fixtureCardFactory` + `memoryDevCards`: `dev:insert-card` for the memory transport (scripting, tests).
 */
import { createHash } from "node:crypto";
import { FixtureError, findCardFixture, type LoadedCard } from "@onshi-sim/fixtures";
import type { CardStateStore } from "../card/card-state.js";
import type { SmartCard } from "../card/smart-card.js";
import { fromLoadedCard } from "../card/virtual-card-data.js";
import { VirtualMyNumberCard } from "../card/virtual-my-number-card.js";
import { matchNumberB } from "../card/wareki.js";
import type { KnownCard } from "../session/reception-session.js";
import type { MemoryReaderTransport } from "../transport/memory.js";
import { UnknownReaderError } from "../transport/reader-transport.js";
import { DevCardError, type DevCardSlots } from "./agent-server.js";

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

/** Makes virtual cards of fixtures by id; counters in `stateStore` (default: in memory, fresh per card). */
export function fixtureCardFactory(options: { stateStore?: CardStateStore } = {}): (cardId: string) => Promise<SmartCard> {
  return async (cardId) => {
    let loaded: LoadedCard;
    try {
      loaded = await findCardFixture(cardId);
    } catch (e) {
      if (e instanceof FixtureError) throw new DevCardError("unknown-card", e.message);
      throw e;
    }
    return new VirtualMyNumberCard(fromLoadedCard(loaded), options.stateStore ? { stateStore: options.stateStore } : {});
  };
}

/** dev:insert-card / dev:remove-card on a memory transport. */
export function memoryDevCards(transport: MemoryReaderTransport, makeCard: (cardId: string) => Promise<SmartCard>): DevCardSlots {
  const readerOf = (reader: string | undefined): string => {
    const readers = transport.listReaders();
    const name = reader ?? readers[0];
    if (name === undefined || !readers.includes(name)) throw new DevCardError("unknown-reader", new UnknownReaderError(reader ?? "(default)", readers).message);
    return name;
  };
  return {
    async insert(cardId, reader) {
      const name = readerOf(reader);
      transport.insert(await makeCard(cardId), name);
    },
    async remove(reader) {
      transport.remove(readerOf(reader));
    },
  };
}
