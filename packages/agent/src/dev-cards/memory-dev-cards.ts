/** `dev:insert-card` / `dev:remove-card` on the memory transport (scripting, tests, the trainer console). */
import { UnknownReaderError, type MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { DevCardError, type DevCardSlots } from "../socket/agent-server.js";
import type { ReleasableCard } from "./fixture-cards.js";

/** dev:insert-card / dev:remove-card on a memory transport; `releaseAll` gives back every card still in a reader. */
export function memoryDevCards(transport: MemoryReaderTransport, makeCard: (cardId: string) => Promise<ReleasableCard>): DevCardSlots & { releaseAll(): void } {
  const inReader = new Map<string, { readonly cardId: string; readonly card: ReleasableCard }>();
  const readerOf = (reader: string | undefined): string => {
    const readers = transport.listReaders();
    const name = reader ?? readers[0];
    if (name === undefined || !readers.includes(name)) throw new DevCardError("unknown-reader", new UnknownReaderError(reader ?? "(default)", readers).message);
    return name;
  };
  const takeOut = (name: string) => {
    transport.remove(name);
    inReader.get(name)?.card.release();
    inReader.delete(name);
  };
  return {
    async insert(cardId, reader) {
      const name = readerOf(reader);
      // The same card again: it comes out first (putting it back is not a second copy). Another card: made
      // first, so a refused one (card-in-use) leaves the reader as it was.
      if (inReader.get(name)?.cardId === cardId) takeOut(name);
      const card = await makeCard(cardId);
      takeOut(name);
      inReader.set(name, { cardId, card });
      transport.insert(card, name);
    },
    async remove(reader) {
      takeOut(readerOf(reader));
    },
    releaseAll() {
      for (const name of [...inReader.keys()]) takeOut(name);
    },
  };
}
