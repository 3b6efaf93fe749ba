/**
 * Full-stack harness for agent and session tests: a real mock server on a temp dir (server/test/support's
 * harness, listening on loopback), a reader agent with a memory transport (or one given), real virtual cards,
 * and AgentDrivers as kiosks. Counters are in memory: every inserted card starts as its fixture says.
 */
import { X509Certificate } from "node:crypto";
import { loadCardFixtures, loadTestCa, type LoadedCard } from "@onshi-sim/jpki-testkit";
import { FACILITY, startHarness, type Harness } from "../../../server/test/support/server-harness.js";
import { AgentDriver } from "../../src/socket/agent-driver.js";
import { createAgent, type ReaderAgent } from "../../src/socket/agent-server.js";
import { fixtureCardFactory, knownFixtureCards } from "../../src/dev-cards/fixture-cards.js";
import { memoryDevCards } from "../../src/dev-cards/memory-dev-cards.js";
import { loadReaderDevice } from "../../src/dev-cards/reader-device.js";
import type { FaceVerifier } from "../../src/face/face-verifier.js";
import { QualificationClient, type QualificationClientOptions } from "../../src/qualification/qualification-client.js";
import type { ReceptionSessionOptions, SessionLogEntry } from "../../src/session/reception-session.js";
import { DEFAULT_MEMORY_READER, MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import type { ReaderTransport } from "@onshi-sim/reader-bindings";

export const TOKEN = "test-agent-token-0123456789";
export const STAFF_PIN = "246810";
export const READER = DEFAULT_MEMORY_READER;

let fixtures: Promise<{ cards: LoadedCard[]; ca: X509Certificate }> | undefined;
export function agentFixtures(): Promise<{ cards: LoadedCard[]; ca: X509Certificate }> {
  fixtures ??= Promise.all([loadCardFixtures(), loadTestCa()]).then(([cards, ca]) => ({ cards, ca: new X509Certificate(ca.certificateDer) }));
  return fixtures;
}

export interface AgentHarnessOptions {
  /** Default: a fresh mock server. `"unreachable"`: point the agent at a closed port (server down). */
  readonly server?: "start" | "unreachable";
  readonly transport?: ReaderTransport;
  readonly faceVerifier?: FaceVerifier;
  readonly session?: ReceptionSessionOptions;
  readonly qualification?: Partial<Omit<QualificationClientOptions, "baseUrl" | "medicalInstitutionCode">>;
  /** Whether the agent knows the fixtures' 照合番号B (default true). */
  readonly knowFixtures?: boolean;
  readonly recoveryIntervalMs?: number;
}

export interface AgentHarness {
  readonly server: Harness | undefined;
  readonly agent: ReaderAgent;
  /** The memory transport, unless a transport was given. */
  readonly memory: MemoryReaderTransport | undefined;
  /** Every log line the agent wrote (JSON). */
  readonly logs: string[];
  kiosk(name?: string): Promise<AgentDriver>;
  close(): Promise<void>;
}

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A mock server on a temp dir (or none: an unreachable URL) and a QualificationClient for it. */
export async function startQualificationServer(
  server: "start" | "unreachable" = "start",
  clientOptions: Partial<Omit<QualificationClientOptions, "baseUrl" | "medicalInstitutionCode">> = {},
): Promise<{ server: Harness | undefined; qualification: QualificationClient; baseUrl: string }> {
  let harness: Harness | undefined;
  let baseUrl: string;
  if (server === "unreachable") baseUrl = `http://127.0.0.1:${await closedPort()}`;
  else {
    harness = await startHarness();
    baseUrl = (await harness.server.listen(0, "127.0.0.1")).url;
  }
  return { server: harness, baseUrl, qualification: new QualificationClient({ baseUrl, medicalInstitutionCode: FACILITY, timeoutMs: 3000, ...clientOptions }) };
}

export async function startAgentHarness(options: AgentHarnessOptions = {}): Promise<AgentHarness> {
  const { cards, ca } = await agentFixtures();
  const { server, qualification } = await startQualificationServer(options.server, options.qualification);
  const memory = options.transport ? undefined : new MemoryReaderTransport();
  const transport = options.transport ?? (memory as MemoryReaderTransport);
  const logs: string[] = [];
  const agent = await createAgent({
    transports: [transport],
    qualification,
    token: TOKEN,
    port: 0,
    device: loadReaderDevice(),
    staffPin: STAFF_PIN,
    fixtureCas: [ca],
    ...(options.knowFixtures === false ? {} : { lookupCard: knownFixtureCards(cards) }),
    ...(options.faceVerifier ? { faceVerifier: options.faceVerifier } : {}),
    session: { idleTimeoutMs: 30_000, returnToIdleMs: 200, ...options.session },
    ...(memory ? { devCards: memoryDevCards(memory, fixtureCardFactory()) } : {}),
    ...(options.recoveryIntervalMs !== undefined ? { recoveryIntervalMs: options.recoveryIntervalMs } : {}),
    log: (line) => logs.push(line),
  });
  const kiosks: AgentDriver[] = [];
  return {
    server,
    agent,
    memory,
    logs,
    async kiosk(name = "kiosk") {
      const d = await AgentDriver.connect({ url: agent.url, token: TOKEN, clientName: name });
      kiosks.push(d);
      return d;
    },
    async close() {
      for (const k of kiosks) k.close();
      await agent.close();
      await server?.close();
    },
  };
}

/** Parsed session log entries (the agent's JSON log lines that are session events). */
export function sessionLog(logs: readonly string[]): SessionLogEntry[] {
  return logs.map((l) => JSON.parse(l) as Partial<SessionLogEntry>).filter((e): e is SessionLogEntry => typeof e.event === "string");
}

export { FACILITY };
