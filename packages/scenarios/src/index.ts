/** @onshi-sim/scenarios: Scenario files: schema and loader. */
export * from "./scenario-schema.js";
export * from "./scenario-json-schema.js";
