/** The fixture cards the CLI puts in its agents' readers: the agent owns them (packages/agent/src/dev-cards). */
export { fixtureCardFactory, knownCardOf, knownFixtureCards, memoryDevCards, type ReleasableCard } from "@onshi-sim/agent";
