/** @onshi-sim/cli: onshi-sim, the command line: assembles the packages into start, agent, card, drive, doctor and scenario. */
export * from "./agent.js";
export * from "./card.js";
export * from "./doctor.js";
export * from "./drive.js";
export * from "./scenario-runner.js";
export * from "./scenario.js";
export * from "./server-process.js";
export * from "./start.js";
