/**
 * The whole thing in one process for browser tests, screenshots and the bench: the mock qualification server on
 * a temp dir, a reader agent (memory reader, dev card insertion, face verification optional) whose lookups follow
 * TrainerSettings, the kiosk UI handler (built page + /ui + /api proxy) on its own port, and Debian's Chromium
 * through playwright-core with a fake camera fed a fixture face (docs/domain.md §5).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { FACES_DIR, y4mOfImage } from "@onshi-sim/jpki-testkit";
import { createServer, type OnshiServer } from "@onshi-sim/server";
import type { ReaderAgent } from "@onshi-sim/agent";
import { assembleAgent } from "@onshi-sim/agent-assembly";
import { MemoryCardStateStore } from "@onshi-sim/card-sim";
import { createServerClient, type ServerClient } from "@onshi-sim/server/protocol";
import type { FaceVerifier } from "@onshi-sim/agent";
import { SwitchableQualification, type QualificationPort, type ReceptionSessionOptions } from "@onshi-sim/agent";
import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { createKioskUi, KIOSK_UI_DIST } from "../../src/server/static.js";
import { TrainerSettings } from "../../src/server/trainer-settings.js";

export const CHROMIUM = process.env.ONSHI_SIM_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
];
export const AGENT_TOKEN = "kiosk-ui-test-token-0123456789";
export const ADMIN_TOKEN = "kiosk-ui-test-admin";
export const STAFF_PIN = "246810";
export const FACILITY = "1311234567";
export const READER = "onshi-sim Memory Reader 00";
/** The clinic's phone reader (the smartphone マイナ保険証), with `phone: true`. */
export const PHONE_READER = "onshi-sim Memory Reader 01";

/** The built page: this test run's own build (kiosk-ui/test/build-setup.ts), else kiosk-ui/dist. */
export const UI_DIST = process.env.ONSHI_SIM_KIOSK_UI_DIST ?? KIOSK_UI_DIST;

/** Whether browser tests can run; with CI=true a missing Chromium is a failure, not a skip. */
export function chromiumAvailable(): boolean {
  const ok = existsSync(CHROMIUM) && existsSync(join(UI_DIST, "index.html"));
  if (!ok && process.env.CI === "true") throw new Error(`browser tests need ${CHROMIUM} (apt-get install -y chromium fonts-ipafont-gothic) and a built kiosk UI`);
  return ok;
}

/** A Y4M file (YUV4MPEG2, 4:2:0, BT.601) of a still image, for Chromium's --use-file-for-fake-video-capture. */
export async function writeY4m(imagePath: string, outPath: string, width = 640, height = 480, frames = 10): Promise<string> {
  const out = await y4mOfImage(imagePath, width, height, frames);
  writeFileSync(outPath, out);
  return outPath;
}

/**
 * Holds calls while held: a screen that shows only while something is under way (読み取り中, 資格確認中) stays
 * until the test has looked at it, however fast or slow the machine is.
 */
export class Gate {
  #open: Promise<void> = Promise.resolve();
  #release: (() => void) | undefined;

  /** From now on calls wait; the returned function lets them (and later ones) through. */
  hold(): () => void {
    if (this.#release) throw new Error("already held");
    let release!: () => void;
    this.#open = new Promise((resolve) => (release = resolve));
    this.#release = release;
    return () => {
      if (this.#release !== release) return;
      release();
      this.#release = undefined;
      this.#open = Promise.resolve();
    };
  }

  pass(): Promise<void> {
    return this.#open;
  }
}

/** A memory reader whose card answers can be held (to look at the 読み取り中 screen). */
export class HoldableMemoryTransport extends MemoryReaderTransport {
  readonly gate = new Gate();
  override async transmit(reader: string, command: Uint8Array): Promise<Uint8Array> {
    await this.gate.pass();
    return super.transmit(reader, command);
  }
}

/** The agent's server calls, each waiting at `gate` first (to look at the 資格確認中 screen). */
function heldAt(gate: Gate, port: QualificationPort): QualificationPort {
  const held =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await gate.pass();
      return call(...args);
    };
  return {
    nonce: held(port.nonce.bind(port)),
    confirmWithSignature: held(port.confirmWithSignature.bind(port)),
    confirmWithDevice: held(port.confirmWithDevice.bind(port)),
    consent: held(port.consent.bind(port)),
    complete: held(port.complete.bind(port)),
    ...(port.register ? { register: held(port.register.bind(port)) } : {}),
  };
}

export interface StackOptions {
  /** Face verification in the agent (its worker's models are loaded before startStack returns). Default false. */
  readonly face?: boolean;
  /** Camera image for Chromium (a fixture face file name in fixtures/faces). Default grace-hopper-camera.jpg. */
  readonly camera?: string;
  readonly session?: ReceptionSessionOptions;
  readonly resultResetSeconds?: number;
  /** Launch Chromium. Default true. */
  readonly browser?: boolean;
  /** A phone reader beside the card reader (PHONE_READER). Default false: the clinic has none. */
  readonly phone?: boolean;
}

export interface Stack {
  readonly dir: string;
  readonly server: OnshiServer;
  readonly serverUrl: string;
  readonly agent: ReaderAgent;
  readonly memory: HoldableMemoryTransport;
  readonly settings: TrainerSettings;
  readonly uiUrl: string;
  readonly browser: Browser | undefined;
  /** A new page (own context) at `path` of the UI; `beforeLoad` runs on the blank page first (clock, listeners). */
  page(path?: string, viewport?: { width: number; height: number }, beforeLoad?: (page: Page) => Promise<void>): Promise<Page>;
  insert(cardId: string): Promise<void>;
  remove(): Promise<void>;
  /** A virtual smartphone held over / taken off the phone reader. */
  insertPhone(phoneId: string): Promise<void>;
  removePhone(): Promise<void>;
  /** The iPhone's owner authenticates on the phone (Face ID), or that lapses. */
  ownerAuth(phoneId: string, authenticated: boolean): void;
  /** Holds every card answer until the returned function is called. */
  holdReader(): () => void;
  /** Holds every call of the agent to the server until the returned function is called. */
  holdServer(): () => void;
  /** The server's typed client, with the admin token. */
  readonly api: ServerClient;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const dir = mkdtempSync(join(tmpdir(), "onshi-kiosk-ui-"));
  const server = await createServer({ dataDir: dir, dbPath: join(dir, "onshi.sqlite"), adminToken: ADMIN_TOKEN, watchFolders: false, log: () => {} });
  const { url: serverUrl } = await server.listen(0, "127.0.0.1");
  const memory = new HoldableMemoryTransport(options.phone ? [READER, PHONE_READER] : [READER]);
  const settings = new TrainerSettings();
  const serverGate = new Gate();
  const qualification = heldAt(serverGate, new SwitchableQualification({ baseUrl: serverUrl, medicalInstitutionCode: FACILITY }, () => settings.view));
  let faceVerifier: FaceVerifier | undefined;
  let faceReady: Promise<unknown> = Promise.resolve();
  if (options.face) {
    const { WorkerFaceVerifier } = await import("@onshi-sim/agent");
    // No warm-up pass: it only makes the first frame faster, and costs a test file more than it saves.
    faceVerifier = new WorkerFaceVerifier({ warmup: false });
    // Loaded while the rest starts (seconds on a busy machine): a test's first face frame then waits for the
    // card photo only, as it would on an agent that has been up for a while.
    faceReady = faceVerifier.ready();
    faceReady.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
  }
  const assembled = await assembleAgent({
    readers: [{ kind: "memory", transport: memory }],
    qualification,
    token: AGENT_TOKEN,
    port: 0,
    staffPin: STAFF_PIN,
    // One store for the trainer's dev:insert-card and the tests' insert(): a card locked here stays locked.
    devCards: { stateStore: new MemoryCardStateStore() },
    ...(faceVerifier ? { face: faceVerifier } : {}),
    ...(options.phone ? { phoneReader: PHONE_READER } : {}),
    ...(options.session ? { session: options.session } : {}),
  });
  const { agent } = assembled;
  const devCards = assembled.devCards!;
  const ui = createKioskUi({
    agentUrl: agent.url,
    agentToken: AGENT_TOKEN,
    serverUrl,
    adminToken: ADMIN_TOKEN,
    facility: FACILITY,
    faceFolder: join(dir, "oqs", "face"),
    settings,
    resultResetSeconds: options.resultResetSeconds ?? 20,
    distDir: UI_DIST,
  });
  const http: Server = createHttpServer(ui.handler);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const uiUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  let browser: Browser | undefined;
  if (options.browser !== false) {
    const y4m = await writeY4m(join(FACES_DIR, options.camera ?? "grace-hopper-camera.jpg"), join(dir, "camera.y4m"));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, `--use-file-for-fake-video-capture=${y4m}`] });
  }
  await faceReady;
  const contexts: BrowserContext[] = [];

  return {
    dir,
    server,
    serverUrl,
    agent,
    memory,
    settings,
    uiUrl,
    browser,
    async page(path = "/", viewport = { width: 1280, height: 900 }, beforeLoad) {
      if (!browser) throw new Error("started without a browser");
      const context = await browser.newContext({ viewport, locale: "ja-JP", permissions: ["camera"] });
      contexts.push(context);
      const page = await context.newPage();
      await beforeLoad?.(page);
      await page.goto(uiUrl + path);
      return page;
    },
    async insert(cardId) {
      await devCards.insert(cardId);
    },
    async remove() {
      memory.remove(READER);
    },
    async insertPhone(phoneId) {
      await devCards.insert(phoneId, PHONE_READER);
    },
    async removePhone() {
      await devCards.remove(PHONE_READER);
    },
    ownerAuth(phoneId, authenticated) {
      devCards.ownerAuth!(phoneId, authenticated);
    },
    holdReader: () => memory.gate.hold(),
    holdServer: () => serverGate.hold(),
    api: createServerClient({ baseUrl: serverUrl, adminToken: ADMIN_TOKEN }),
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser?.close().catch(() => {});
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await assembled.close();
      await faceVerifier?.close().catch(() => {});
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

