/**
 * The client side of the API, light enough for the agent and kiosk to import ("./index.js"): request/response
 * schemas, the route table and the typed client over it, the result shape (browser.ts, what a browser gets), and
 * the device attestation payload with its node:crypto signing.
 */
export * from "./browser.js";
export * from "./device-attestation.js";
