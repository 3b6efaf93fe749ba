export * from "./applications.js";
export * from "./card-state.js";
export * from "./smart-card.js";
export * from "./tlv.js";
export * from "./virtual-card-data.js";
export * from "./virtual-my-number-card.js";
export * from "./wareki.js";
