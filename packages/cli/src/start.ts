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
import { dataDir } from "@onshi-sim/card-sim";
import { agentToken, launchAgent, type LaunchedAgent } from "./agent.js";
import { startServerProcess, type ServerHandle } from "./server-process.js";

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
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

  const pcscd = await ensurePcscd();
  if (!pcscd.available) {
    say(`PC/SC: unavailable — ${pcscd.reason}. Memory readers and everything else still work; run \`onshi-sim doctor\`.`);
  } else {
    say(`PC/SC: pcscd ${pcscd.startedByUs ? "started" : "running"}; insert a virtual card with \`npm run card -- insert yamada-taro\``);
    if (pcscd.latency) say(`PC/SC: vpcd latency — ${pcscd.latency.fix === "none" ? "" : "quickack on: "}${pcscd.latency.detail}`);
  }

  // The agent watches every PC/SC reader (real readers, vpcd) and one memory reader the trainer console fills.
  // The kiosk UI's server side lives in kiosk-ui (it shows what the agent and server own); loaded here
  // because start is the one command that runs everything.
  const { createKioskUi, TrainerSettings } = await import("@onshi-sim/kiosk-ui");
  const facility = process.env.ONSHI_SIM_FACILITY ?? "1311234567";
  const settings = new TrainerSettings();
  let launched: LaunchedAgent | undefined;
  let ui: Server | undefined;
  try {
    launched = await launchAgent({
      transports: pcscd.available ? ["pcsc", "memory"] : ["memory"],
      serverUrl: server?.url ?? serverUrl,
      qualification: new SwitchableQualification({ baseUrl: server?.url ?? serverUrl, medicalInstitutionCode: facility }, () => settings.view),
      facility,
      port: Number(values["agent-port"]),
      host,
      allowedHosts,
      face: !values["no-face"],
      dev: true,
      log: (line) => say(`[agent] ${line}`),
    });
    for (const line of launched.summary) say(`reader agent: ${line}`);
    say(`reader agent: ${launched.agent.url} (Socket.IO; kiosks authenticate with the agent token)`);
    const agentPort = launched.agent.port;
    // Where a page on this machine reaches the agent (a wildcard listen address is not one to connect to).
    const localAgentUrl = wildcard(host) ? `http://127.0.0.1:${agentPort}` : launched.agent.url;
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
    say(`kiosk UI: ${uiUrl}/   reception: ${uiUrl}/reception   trainer: ${uiUrl}/trainer`);
    say("onshi-sim ready (Ctrl-C to stop)");
    if (!values["exit-when-ready"]) {
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
    }
  } finally {
    if (ui) await new Promise<void>((resolve) => ui!.close(() => resolve()));
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
