/** The full-reception suite (agent-session-suite.ts) over the in-process memory transport. */
import { describe } from "vitest";
import { READER } from "../support/agent-harness.js";
import { agentSessionSuite } from "./agent-session-suite.js";

describe("reader agent over the memory transport", () => {
  agentSessionSuite({
    setup: async () => READER,
    teardown: async () => {},
    transport: () => undefined,
    insert: async (h, card) => h.memory!.insert(card, READER),
    remove: async (h) => h.memory!.remove(READER),
  });
});
