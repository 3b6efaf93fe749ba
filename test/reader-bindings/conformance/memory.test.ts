import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { describeCardConformance } from "./card-conformance.js";

describeCardConformance("memory", async () => {
  const transport = new MemoryReaderTransport();
  await transport.start();
  const reader = transport.listReaders()[0] as string;
  return {
    transport,
    reader,
    async insert(card) {
      transport.insert(card, reader);
    },
    async remove() {
      transport.remove(reader);
    },
    close: () => transport.close(),
  };
});
