/**
 * The protocol as a browser gets it (the "browser" condition of `@onshi-sim/server/protocol`): schemas, the route
 * table, the typed client and the result shape — everything but the device attestation's signing and checking,
 * which need node:crypto (the agent and the server use them through index.ts).
 */
export * from "./schemas.js";
export * from "./routes.js";
export * from "./server-client.js";
export * from "../results/result-schema.js";
export { isUsable } from "../results/result-builder.js";
export * from "./rececon-schemas.js";
