/** @onshi-sim/reader-bindings: ReaderTransport: the types-only reader interface and its memory and PC/SC (nfc-pcsc) bindings. */
export * from "./memory.js";
export * from "./pcsc.js";
export * from "./reader-transport.js";
export * from "./smart-card.js";
export * from "./typed-emitter.js";
