/**
 * The client side of the API, light enough for the agent and kiosk to import ("./index.js"):
 * request/response schemas, the route table and the typed client over it, the device attestation payload, and
 * the result shape.
 */
export * from "./device-attestation.js";
export * from "./schemas.js";
export * from "./routes.js";
export * from "./server-client.js";
export * from "../results/result-schema.js";
export { isUsable } from "../results/result-builder.js";
