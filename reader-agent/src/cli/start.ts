/**
 * `onshi-sim start` (`npm start`): everything, kept running until Ctrl-C — the mock qualification server
 * (a child process; --no-server to use one already running), pcscd with the vpcd virtual reader (started
 * when we are root), and the reader agent watching every PC/SC reader plus one memory reader that the
 * trainer console and `onshi-sim drive` fill with fixture cards.
 */
import { parseArgs } from "node:util";
import { loadCardFixtures } from "@onshi-sim/fixtures";
import { DEFAULT_AGENT_PORT } from "../agent/events.js";
import { ensurePcscd } from "../transport/pcscd-daemon.js";
import { launchAgent, type LaunchedAgent } from "./agent.js";
import { startServerProcess, type ServerHandle } from "./server-process.js";

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "exit-when-ready": { type: "boolean", default: false },
      "no-server": { type: "boolean", default: false },
      "no-face": { type: "boolean", default: false },
      "server-port": { type: "string", default: process.env.ONSHI_SIM_SERVER_PORT ?? "8741" },
      "agent-port": { type: "string", default: process.env.ONSHI_SIM_AGENT_PORT ?? String(DEFAULT_AGENT_PORT) },
    },
  });
  const cards = await loadCardFixtures();
  say(`onshi-sim: ${cards.length} fixture cards (onshi-sim card list)`);

  let server: ServerHandle | undefined;
  const serverUrl = `http://127.0.0.1:${values["server-port"]}`;
  if (!values["no-server"]) {
    server = await startServerProcess({ port: Number(values["server-port"]), host: "127.0.0.1", log: say });
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
  let launched: LaunchedAgent | undefined;
  try {
    launched = await launchAgent({
      transports: pcscd.available ? ["pcsc", "memory"] : ["memory"],
      serverUrl: server?.url ?? serverUrl,
      facility: process.env.ONSHI_SIM_FACILITY ?? "1311234567",
      port: Number(values["agent-port"]),
      face: !values["no-face"],
      dev: true,
      log: (line) => say(`[agent] ${line}`),
    });
    for (const line of launched.summary) say(`reader agent: ${line}`);
    say(`reader agent: ${launched.agent.url} (Socket.IO; kiosks authenticate with the agent token)`);
    say("onshi-sim ready (Ctrl-C to stop)");
    if (!values["exit-when-ready"]) {
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
    }
  } finally {
    await launched?.close();
    await pcscd.stop();
    await server?.stop();
  }
  return 0;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
