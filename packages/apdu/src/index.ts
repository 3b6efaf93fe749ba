export * from "./hex.js";
export * from "./status.js";
export * from "./command.js";
export * from "./response.js";
export * from "./transcript.js";
export * from "./applications.js";
export * from "./tlv.js";
export * from "./wareki.js";
