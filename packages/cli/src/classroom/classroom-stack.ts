/**
 * A whole onshi-sim of its own on free loopback ports — mock server (temp folder), reader agent (memory reader,
 * the face verifier when asked), the kiosk UI with its scenario player — for handouts and tests, so nothing needs
 * to be running. The player drives it exactly as it drives `npm start`'s system.
 */
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SwitchableQualification, type ReaderAgent } from "@onshi-sim/agent";
import { assembleAgent } from "@onshi-sim/agent-assembly";
import { MemoryCardStateStore } from "@onshi-sim/card-sim";
import { CameraFaceStore, createKioskUi, TrainerSettings } from "@onshi-sim/kiosk-ui";
import { DEFAULT_MEMORY_READER } from "@onshi-sim/reader-bindings";
import { PHONE_MEMORY_READER } from "../scenario-runner.js";
import { loadScenarios, needsFace, type Scenario } from "@onshi-sim/scenarios";
import { DEFAULT_FACILITY } from "../scenario-runner.js";
import { LivePlayer, type LivePlayerOptions } from "./live-player.js";
import { cardCounterReset, trainerLiveSettings } from "./live-system.js";

export interface ClassroomStackOptions {
  readonly scenarios?: readonly Scenario[];
  /** Face verification in the agent (needed by scenarios with a face step). Default: when one of them has one. */
  readonly face?: boolean;
  readonly player?: Pick<LivePlayerOptions, "stepGapMs" | "pinDigitMs" | "afterStep">;
  /** The built kiosk page (default: $ONSHI_SIM_KIOSK_UI_DIST — a test run's own build —, else kiosk-ui/dist, which `npm start` builds). */
  readonly distDir?: string;
}

export interface ClassroomStack {
  readonly uiUrl: string;
  readonly player: LivePlayer;
  readonly agent: ReaderAgent;
  readonly settings: TrainerSettings;
  close(): Promise<void>;
}

export async function startClassroomStack(options: ClassroomStackOptions = {}): Promise<ClassroomStack> {
  const distDir = options.distDir ?? process.env.ONSHI_SIM_KIOSK_UI_DIST;
  const scenarios = options.scenarios ?? loadScenarios();
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const dir = mkdtempSync(join(tmpdir(), "onshi-classroom-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const { createServer } = await import("@onshi-sim/server");
    const adminToken = randomBytes(18).toString("base64url");
    const server = await createServer({ dataDir: dir, dbPath: join(dir, "onshi.sqlite"), adminToken, watchFolders: false, log: () => undefined });
    cleanups.push(() => server.close());
    const serverUrl = (await server.listen(0, "127.0.0.1")).url;

    const settings = new TrainerSettings();
    const store = new MemoryCardStateStore();
    const token = randomBytes(18).toString("base64url");
    const staffPin = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const assembled = await assembleAgent({
      readers: [{ kind: "memory", names: [DEFAULT_MEMORY_READER, PHONE_MEMORY_READER] }],
      phoneReader: PHONE_MEMORY_READER,
      qualification: new SwitchableQualification({ baseUrl: serverUrl, medicalInstitutionCode: DEFAULT_FACILITY }, () => ({ ...settings.view, timeoutMs: settings.view.requestTimeoutMs ?? undefined })),
      token,
      port: 0,
      staffPin,
      devCards: { stateStore: store, holder: "the classroom's reader" },
      ...((options.face ?? scenarios.some(needsFace)) ? { face: { worker: {} } } : {}),
      session: { idleTimeoutMs: 120_000, returnToIdleMs: 100 },
    });
    cleanups.push(() => assembled.close());
    const { agent, faceVerifier } = assembled;
    if (faceVerifier) await faceVerifier.ready();

    const cameraFace = new CameraFaceStore();
    const player = new LivePlayer({
      scenarios,
      system: {
        server: { url: serverUrl, adminToken },
        agent: { url: agent.url, token, faceVerification: Boolean(faceVerifier) },
        reader: DEFAULT_MEMORY_READER,
        phoneReader: PHONE_MEMORY_READER,
        staffPin,
        facility: DEFAULT_FACILITY,
        settings: trainerLiveSettings(settings),
      },
      resetCard: cardCounterReset(store),
      cameraFace,
      ...options.player,
    });
    cleanups.push(() => player.close());
    const ui = createKioskUi({
      agentUrl: agent.url,
      agentToken: token,
      serverUrl,
      adminToken,
      facility: DEFAULT_FACILITY,
      faceFolder: join(dir, "oqs", "face"),
      settings,
      cameraFace,
      player,
      // The result screens stay while the handout looks at them.
      resultResetSeconds: 600,
      ...(distDir && { distDir }),
    });
    if (!ui.built) throw new Error("the kiosk UI is not built: npm run build -w @onshi-sim/kiosk-ui");
    const http: Server = createHttpServer(ui.handler);
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
    return { uiUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, player, agent, settings, close };
  } catch (e) {
    await close();
    throw e;
  }
}
