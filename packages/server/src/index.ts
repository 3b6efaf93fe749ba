/** @onshi-sim/server: the mock オンライン資格確認等システム. */
export { createServer, SERVER_VERSION, type OnshiServer, type ServerOptions } from "./server.js";
export { createApp } from "./http/app.js";
export { RESULT_CODES, type ResultCode } from "./domain/result-codes.js";
export { RULE_DATES } from "./domain/rules.js";
export { loadSeed, SeedError, type SeedData, type CardFixtureInfo } from "./seed/seed-loader.js";
export { loadFixtureCards, loadTrustedCaDer, cardFixtureInfo } from "./seed/fixture-sources.js";
export * from "./protocol/index.js";
export * from "./http/served-hosts.js";
export * from "./lock/data-folder-lock.js";
export { jsonMediaType } from "./http/json-io.js";
export { parseFaceEncoding } from "./config.js";
