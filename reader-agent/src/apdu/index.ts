export * from "./hex.js";
export * from "./status.js";
export * from "./command.js";
export * from "./response.js";
export * from "./transcript.js";
