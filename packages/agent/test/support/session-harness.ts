/**
 * Session-level harness (no Socket.IO): a real mock server, a SessionManager over a memory transport (or a
 * given one), real virtual cards, and a recorder of every view and log entry so tests can wait for phases and
 * scan everything that left the session.
 */
import { loadReaderDevice } from "../../src/dev-cards/reader-device.js";
import { knownFixtureCards } from "../../src/dev-cards/fixture-cards.js";
import type { VirtualMyNumberCard } from "@onshi-sim/card-sim";
import type { FaceVerifier } from "../../src/face/face-verifier.js";
import type { QualificationClientOptions } from "../../src/qualification/qualification-client.js";
import type { QualificationPort, ReceptionSession, ReceptionSessionOptions, SessionLogEntry } from "../../src/session/reception-session.js";
import { SessionManager } from "../../src/session/session-manager.js";
import type { StaffPinGuard } from "../../src/session/staff-pin-guard.js";
import type { SessionPhase, SessionView } from "../../src/session/session-view.js";
import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import type { ReaderTransport } from "@onshi-sim/reader-bindings";
import type { Harness } from "../../../server/test/support/server-harness.js";
import { virtualCard } from "../../../../test/support/cards.js";
import { agentFixtures, READER, STAFF_PIN, startQualificationServer } from "./agent-harness.js";

export interface SessionHarnessOptions {
  readonly server?: "start" | "unreachable";
  readonly qualification?: Partial<Omit<QualificationClientOptions, "baseUrl" | "medicalInstitutionCode">>;
  /** Replaces the QualificationClient (e.g. to count calls). Receives the real one and the server's URL. */
  readonly wrapQualification?: (q: QualificationPort, baseUrl: string) => QualificationPort;
  readonly transport?: ReaderTransport;
  readonly reader?: string;
  readonly faceVerifier?: FaceVerifier;
  readonly session?: ReceptionSessionOptions;
  readonly knowFixtures?: boolean;
  readonly staffPin?: string | null;
  /** The agent's staff-PIN guard (e.g. one on a test clock); by default one made from the staff PIN. */
  readonly staffPinGuard?: StaffPinGuard;
}

export interface SessionHarness {
  readonly server: Harness | undefined;
  readonly manager: SessionManager;
  readonly memory: MemoryReaderTransport | undefined;
  readonly reader: string;
  /** Every view emitted, in order. */
  readonly views: SessionView[];
  readonly logs: SessionLogEntry[];
  session(): ReceptionSession;
  view(): SessionView;
  /** Puts a fresh virtual card of the fixture into the memory reader; returns it (for its counters). */
  insert(cardId: string): Promise<VirtualMyNumberCard>;
  remove(): void;
  waitFor(phase: SessionPhase | readonly SessionPhase[] | ((v: SessionView) => boolean), timeoutMs?: number): Promise<SessionView>;
  close(): Promise<void>;
}

export async function startSessionHarness(options: SessionHarnessOptions = {}): Promise<SessionHarness> {
  const { cards, ca } = await agentFixtures();
  const { server, qualification, baseUrl } = await startQualificationServer(options.server, options.qualification);
  const memory = options.transport ? undefined : new MemoryReaderTransport();
  const transport = options.transport ?? (memory as MemoryReaderTransport);
  const reader = options.reader ?? READER;
  const manager = new SessionManager([transport], {
    qualification: options.wrapQualification ? options.wrapQualification(qualification, baseUrl) : qualification,
    device: loadReaderDevice(),
    faceVerifier: options.faceVerifier,
    fixtureCas: [ca],
    lookupCard: options.knowFixtures === false ? undefined : knownFixtureCards(cards),
    staffPin: options.staffPin === null ? undefined : (options.staffPin ?? STAFF_PIN),
    staffPinGuard: options.staffPinGuard,
    options: { idleTimeoutMs: 30_000, returnToIdleMs: 200, ...options.session },
  });
  const views: SessionView[] = [];
  const logs: SessionLogEntry[] = [];
  const waiters = new Set<(v: SessionView) => void>();
  manager.on("state", (v) => {
    if (v.reader !== reader) return;
    views.push(v);
    for (const w of [...waiters]) w(v);
  });
  manager.on("log", (l) => logs.push(l));
  await manager.start();

  const session = (): ReceptionSession => {
    const s = manager.session(reader);
    if (!s) throw new Error(`no session for ${reader} (readers: ${manager.readers().map((r) => r.name).join(", ")})`);
    return s;
  };
  return {
    server,
    manager,
    memory,
    reader,
    views,
    logs,
    session,
    view: () => session().view,
    async insert(cardId) {
      if (!memory) throw new Error("insert() needs the memory transport");
      const card = await virtualCard(cardId);
      memory.insert(card, reader);
      return card;
    },
    remove() {
      if (!memory) throw new Error("remove() needs the memory transport");
      memory.remove(reader);
    },
    waitFor(condition, timeoutMs = 10_000) {
      const matches = (v: SessionView) => (typeof condition === "function" ? condition(v) : typeof condition === "string" ? v.phase === condition : condition.includes(v.phase));
      const current = manager.session(reader)?.view;
      if (current && matches(current)) return Promise.resolve(current);
      return new Promise((resolve, reject) => {
        const waiter = (v: SessionView) => {
          if (!matches(v)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve(v);
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          const now = manager.session(reader)?.view;
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${typeof condition === "function" ? "a view" : String(condition)} (now ${now?.phase}${now?.error ? ` / ${now.error.code}` : ""})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      await manager.close();
      await server?.close();
    },
  };
}

/** Every string in a value (deep), for scanning what left the session. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) allStrings(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allStrings(v, out);
    }
  }
  return out;
}
