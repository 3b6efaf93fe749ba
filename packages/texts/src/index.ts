/**
 * @onshi-sim/texts: every word people read — patients at the kiosk, receptionists, trainers, and whoever reads
 * `onshi-sim drive`'s output — in Japanese and English, keyed by the codes views and results carry. Browser-safe:
 * plain data and functions (type imports from the agent's and server's protocols, the PIN rule from apdu).
 */
export * from "./text.js";
export * from "./phrases.js";
export * from "./labels.js";
export * from "./prompts.js";
export * from "./session-errors.js";
export * from "./transport.js";
export * from "./lines.js";
export * from "./kiosk.js";
export * from "./reception.js";
export * from "./reception-history.js";
export * from "./trainer.js";
export * from "./classroom.js";
export * from "./phone.js";
export * from "./medical-info.js";
export * from "./sentences.js";
export * from "./sources.js";
export * from "./benefits.js";
