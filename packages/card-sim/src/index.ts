/** @onshi-sim/card-sim: The virtual My Number Card: card OS, retry-counter store, and VpcdBridge into pcscd's vpcd slots. */
export * from "./card-state.js";
export * from "./data-dir.js";
export * from "./owner-auth.js";
export * from "./pcscd-daemon.js";
export * from "./virtual-card-data.js";
export * from "./virtual-my-number-card.js";
export * from "./vpcd-bridge.js";
export * from "./vpcd-latency.js";
