/** @onshi-sim/agent-assembly: assembleAgent() and the simulator's own cards and device key as the agent sees them. */
export * from "./assemble-agent.js";
export * from "./fixture-cards.js";
export * from "./reader-device.js";
export * from "./vpcd-dev-cards.js";
