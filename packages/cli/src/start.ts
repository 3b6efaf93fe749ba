/**
 * `onshi-sim start` (`npm start`): everything, kept running until Ctrl-C — the mock qualification server
 * (a child process; --no-server to use one already running), pcscd with the vpcd virtual reader (started
 * when we are root), and the reader agent watching every PC/SC reader plus one memory reader that the
 * trainer console and `onshi-sim drive` fill with fixture cards — and the kiosk UI (/, /reception, /trainer).
 * `--reseed` is passed on to the server (reload the seed; a damaged database is moved aside first).
 *
 * Loopback only by default. To serve kiosks on other machines on purpose: `--host 0.0.0.0` (the UI and the
 * agent listen there; the server stays on loopback behind the UI's proxy) and `--allowed-host kiosk.lan` for
 * each name the browsers use (an IP literal of this machine needs none); see README.md, Security.
 */
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadCardFixtures } from "@onshi-sim/jpki-testkit";
import { dataFolderHolder, DataFolderInUseError } from "@onshi-sim/server";
import { allowedHostsFromEnv, LOOPBACK_HOST_NAMES, parseFaceEncoding } from "@onshi-sim/server";
import { DEFAULT_AGENT_PORT } from "@onshi-sim/agent/protocol";
import { SwitchableQualification } from "@onshi-sim/agent";
import { ensurePcscd } from "@onshi-sim/card-sim";
import { cardStateDir, dataDir, FileCardStateStore } from "@onshi-sim/card-sim";
import { loadScenarios } from "@onshi-sim/scenarios";
import { agentToken, configuredSecret, launchAgent, phoneReaderFor, type LaunchedAgent } from "./agent.js";
import { cardCounterReset, trainerLiveSettings } from "./classroom/live-system.js";
import type { LivePlayer } from "./classroom/live-player.js";
import { startServerProcess, type ServerHandle } from "./server-process.js";

export const START_USAGE = `onshi-sim start [options]          (npm start -- [options])
  everything until Ctrl-C: the mock server, pcscd + vpcd, the reader agent and the kiosk UI (/, /reception,
  /trainer, /present)

  --ui-port N          the kiosk UI (default 8740, $ONSHI_SIM_UI_PORT)
  --agent-port N       the reader agent's Socket.IO (default 8742, $ONSHI_SIM_AGENT_PORT)
  --server-port N      the mock qualification server (default 8741, $ONSHI_SIM_SERVER_PORT)
  --no-server          use a server already running on --server-port (do not start one)
  --reseed             reload the server's seed (a damaged database is moved aside first)
  --no-face            no face verification (no face models loaded: faster start, 顔認証 not offered)
  --readers LIST       which readers the agent watches: pcsc,memory (default), memory (the trainer's memory
                       reader only: pcscd's vpcd slots stay free for your own PC/SC program), pcsc
                       ($ONSHI_SIM_READERS)
  --no-pcsc            the same as --readers memory
  --host H             listen address of the UI and the agent (default 127.0.0.1; README: Security)
  --allowed-host NAME  a LAN name browsers use to reach this machine (repeatable; $ONSHI_SIM_ALLOWED_HOSTS)
  --exit-when-ready    start everything, then stop (a smoke test)
  -h, --help           this text
`;

type ReaderKind = "pcsc" | "memory";

/** --readers / --no-pcsc / $ONSHI_SIM_READERS → the transports the agent watches. */
export function readersOption(readers: string | undefined, noPcsc: boolean): ReaderKind[] {
  if (noPcsc) return ["memory"];
  const list = (readers ?? process.env.ONSHI_SIM_READERS ?? "pcsc,memory").split(",").map((s) => s.trim()).filter(Boolean);
  for (const r of list) if (r !== "pcsc" && r !== "memory") throw new TypeError(`option --readers: ${JSON.stringify(r)} is not pcsc or memory`);
  if (list.length === 0) throw new TypeError("option --readers: name pcsc, memory or both");
  return [...new Set(list as ReaderKind[])];
}

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: "boolean", short: "h", default: false },
      readers: { type: "string" },
      "no-pcsc": { type: "boolean", default: false },
      "exit-when-ready": { type: "boolean", default: false },
      "no-server": { type: "boolean", default: false },
      "no-face": { type: "boolean", default: false },
      reseed: { type: "boolean", default: false },
      "server-port": { type: "string", default: process.env.ONSHI_SIM_SERVER_PORT ?? "8741" },
      "agent-port": { type: "string", default: process.env.ONSHI_SIM_AGENT_PORT ?? String(DEFAULT_AGENT_PORT) },
      "ui-port": { type: "string", default: process.env.ONSHI_SIM_UI_PORT ?? "8740" },
      host: { type: "string", default: "127.0.0.1" },
      "allowed-host": { type: "string", multiple: true, default: [] },
      // Face files in Shift_JIS or UTF-8, as the clinic's レセコン reads them (the server child's --face-encoding).
      "face-encoding": { type: "string", default: process.env.ONSHI_SIM_FACE_ENCODING },
    },
  });
  if (values["face-encoding"] !== undefined) parseFaceEncoding(values["face-encoding"]); // refuse a typo before anything starts
  if (values.help) {
    process.stdout.write(START_USAGE);
    return 0;
  }
  const readers = readersOption(values.readers, values["no-pcsc"]);
  const host = values.host;
  const allowedHosts = [...allowedHostsFromEnv(), ...values["allowed-host"]];
  const serverUrl = `http://127.0.0.1:${values["server-port"]}`;
  if (!values["no-server"]) refuseSecondServer(serverUrl);
  const cards = await loadCardFixtures();
  say(`onshi-sim: ${cards.length} fixture cards (onshi-sim card list)`);

  let server: ServerHandle | undefined;
  if (!values["no-server"]) {
    server = await startServerProcess({ port: Number(values["server-port"]), host: "127.0.0.1", reseed: values.reseed, faceEncoding: values["face-encoding"], log: say });
    say(`qualification server: ${server.url} (${server.startedByUs ? "started" : "already running"}; API docs ${server.url}/api/docs)`);
  }

  // pcscd runs either way (vpcd cards for your own PC/SC program); the agent watches it only when asked to.
  const pcscd = await ensurePcscd();
  if (!readers.includes("pcsc")) say("PC/SC: the agent does not watch PC/SC readers (--readers memory): the vpcd slots are yours");
  if (!pcscd.available) {
    say(`PC/SC: unavailable — ${pcscd.reason}. Memory readers and everything else still work; run \`onshi-sim doctor\`.`);
  } else {
    say(`PC/SC: pcscd ${pcscd.startedByUs ? "started" : "running"}; insert a virtual card with \`npm run card -- insert yamada-taro\``);
    if (pcscd.latency) say(`PC/SC: vpcd latency — ${pcscd.latency.fix === "none" ? "" : "quickack on: "}${pcscd.latency.detail}`);
  }

  // The agent watches every PC/SC reader (real readers, vpcd) and one memory reader the trainer console fills.
  // The kiosk UI's server side lives in kiosk-ui (it shows what the agent and server own); loaded here
  // because start is the one command that runs everything.
  const { createKioskUi, CameraFaceStore, TrainerSettings } = await import("@onshi-sim/kiosk-ui");
  const facility = process.env.ONSHI_SIM_FACILITY ?? "1311234567";
  const settings = new TrainerSettings();
  let launched: LaunchedAgent | undefined;
  let ui: Server | undefined;
  let player: LivePlayer | undefined;
  const cameraFace = new CameraFaceStore();
  try {
    const transports = readers.filter((r) => r === "memory" || pcscd.available);
    launched = await launchAgent({
      transports,
      // The phone reader is vpcd slot 1 with PC/SC; without it, a second memory slot, so スマホ works in class too.
      readers: transports.includes("pcsc") ? 1 : 2,
      serverUrl: server?.url ?? serverUrl,
      qualification: new SwitchableQualification({ baseUrl: server?.url ?? serverUrl, medicalInstitutionCode: facility }, () => ({ ...settings.view, timeoutMs: settings.view.requestTimeoutMs ?? undefined })),
      facility,
      port: Number(values["agent-port"]),
      host,
      allowedHosts,
      face: !values["no-face"],
      // The trainer console's cards go into the memory reader.
      dev: readers.includes("memory"),
      log: (line) => say(`[agent] ${line}`),
    });
    for (const line of launched.summary) say(`reader agent: ${line}`);
    say(`reader agent: ${launched.agent.url} (Socket.IO; kiosks authenticate with the agent token)`);
    const agentPort = launched.agent.port;
    // Where a page on this machine reaches the agent (a wildcard listen address is not one to connect to).
    const localAgentUrl = wildcard(host) ? `http://127.0.0.1:${agentPort}` : launched.agent.url;
    // Scenarios played on this live system from /trainer, /present and `onshi-sim scenario play --ui`.
    if (readers.includes("memory")) {
      const { LivePlayer } = await import("./classroom/live-player.js");
      player = new LivePlayer({
        scenarios: loadScenarios(),
        system: {
          server: { url: server?.url ?? serverUrl, adminToken: serverAdminToken() ?? "" },
          agent: { url: localAgentUrl, token: agentToken().value, faceVerification: launched.agent.snapshot().agent.faceVerification },
          reader: launched.agent.manager.readers().find((r) => r.transport === "memory")?.name ?? "onshi-sim Memory Reader 00",
          // The player puts phones on a memory phone reader only (with PC/SC the phone reader is vpcd slot 1).
          phoneReader: transports.includes("pcsc") ? null : phoneReaderFor({ transports, readers: 2 }),
          staffPin: configuredSecret("ONSHI_SIM_STAFF_PIN", "staff-pin", () => "").value,
          facility,
          settings: trainerLiveSettings(settings),
        },
        resetCard: cardCounterReset(new FileCardStateStore(cardStateDir())),
        cameraFace,
      });
    }
    const kiosk = createKioskUi({
      // A page loaded through a LAN name or address finds the agent under that same name (both listen on --host).
      agentUrl: (pageHost) => (isLoopbackName(pageHost) ? localAgentUrl : `http://${pageHost}:${agentPort}`),
      allowedHosts,
      agentToken: agentToken().value,
      serverUrl: server?.url ?? serverUrl,
      adminToken: serverAdminToken(),
      facility,
      faceFolder: join(serverDataDir(), "oqs", "face"),
      settings,
      cameraFace,
      ...(player ? { player } : {}),
    });
    if (!kiosk.built) say("kiosk UI: not built — run npm run build -w kiosk-ui (npm start does it before starting)");
    ui = createHttpServer(kiosk.handler);
    await new Promise<void>((resolve, reject) => {
      ui!.once("error", reject);
      ui!.listen(Number(values["ui-port"]), host, () => resolve());
    });
    const uiHost = wildcard(host) || isLoopbackName(host) ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
    const uiUrl = `http://${uiHost}:${(ui.address() as AddressInfo).port}`;
    if (!isLoopbackName(host) && host !== "::1") {
      say(`kiosk UI and agent listen on ${host}: open them by this machine's address${allowedHosts.length ? ` or ${allowedHosts.join(", ")}` : " (names need --allowed-host)"}`);
    }
    say(`kiosk UI: ${uiUrl}/   reception: ${uiUrl}/reception   trainer: ${uiUrl}/trainer   presenter: ${uiUrl}/present`);
    say("onshi-sim ready (Ctrl-C to stop)");
    if (!values["exit-when-ready"]) {
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
    }
  } finally {
    await player?.close();
    if (ui) {
      ui.closeAllConnections(); // the pages' event streams stay open otherwise
      await new Promise<void>((resolve) => ui!.close(() => resolve()));
    }
    await launched?.close();
    await pcscd.stop();
    await server?.stop();
  }
  return 0;
}

const wildcard = (address: string) => address === "0.0.0.0" || address === "::";
const isLoopbackName = (name: string) => (LOOPBACK_HOST_NAMES as readonly string[]).includes(name);

function serverDataDir(): string {
  return join(dataDir(), "server");
}

/**
 * A server already owns this data folder: one answering on our server port is used as it is (see
 * startServerProcess); one elsewhere would be a second server on the same folder — refused before anything
 * starts. (The server child checks the same lock; this only says it sooner, with the way to use that one.)
 */
function refuseSecondServer(serverUrl: string): void {
  const holder = dataFolderHolder(serverDataDir());
  if (!holder || holder.details.url === serverUrl) return;
  const port = typeof holder.details.url === "string" ? new URL(holder.details.url).port : undefined;
  throw new Error(`${new DataFolderInUseError(serverDataDir(), holder).message}${port ? `; or use that server: onshi-sim start --server-port ${port}` : ""}`);
}

/** The trainer console's admin calls need the server's token: the environment, else the server's file. */
function serverAdminToken(): string | undefined {
  if (process.env.ONSHI_SIM_ADMIN_TOKEN) return process.env.ONSHI_SIM_ADMIN_TOKEN;
  try {
    return readFileSync(join(serverDataDir(), "admin-token"), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
