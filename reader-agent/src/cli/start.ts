/**
 * `onshi-sim start`: brings up what exists so far and keeps running — makes sure pcscd with the vpcd
 * virtual reader is up (starting it when we are root), then watches every PC/SC reader and says what
 * each card is, identified by SELECT (never by ATR) and without ever sending a PIN.
 * It also runs the mock qualification server (a child process; --no-server to skip). Later layers
 * (agent, kiosk UI) are started from here too as they arrive.
 */
import { X509Certificate } from "node:crypto";
import { parseArgs } from "node:util";
import { loadCardFixtures, loadTestCa } from "@onshi-sim/fixtures";
import { toHex } from "../apdu/hex.js";
import { CardChannel } from "../client/card-channel.js";
import { MyNumberCardClient, NotAMyNumberCardError } from "../client/my-number-card-client.js";
import { ensurePcscd } from "../transport/pcscd-daemon.js";
import type { ReaderTransport } from "../transport/reader-transport.js";
import { startServerProcess, type ServerHandle } from "./server-process.js";

export async function runStart(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "exit-when-ready": { type: "boolean", default: false },
      "no-server": { type: "boolean", default: false },
      "server-port": { type: "string", default: process.env.ONSHI_SIM_SERVER_PORT ?? "8741" },
    },
  });
  const cards = await loadCardFixtures();
  const ca = new X509Certificate((await loadTestCa()).certificateDer);
  say(`onshi-sim: ${cards.length} fixture cards (onshi-sim card list)`);

  let server: ServerHandle | undefined;
  if (!values["no-server"]) {
    server = await startServerProcess({ port: Number(values["server-port"]), host: "127.0.0.1", log: say });
    say(`qualification server: ${server.url} (${server.startedByUs ? "started" : "already running"}; API docs ${server.url}/api/docs)`);
  }

  const pcscd = await ensurePcscd();
  let transport: ReaderTransport | undefined;
  if (!pcscd.available) {
    say(`PC/SC: unavailable — ${pcscd.reason}. Memory readers and everything else still work; run \`onshi-sim doctor\`.`);
  } else {
    say(`PC/SC: pcscd ${pcscd.startedByUs ? "started" : "running"}; insert a virtual card with \`npm run card -- insert yamada-taro\``);
    if (pcscd.latency) say(`PC/SC: vpcd latency — ${pcscd.latency.fix === "none" ? "" : "quickack on: "}${pcscd.latency.detail}`);
    const { PcscReaderTransport } = await import("../transport/pcsc.js");
    const pcsc: ReaderTransport = new PcscReaderTransport();
    pcsc.on("reader", (r) => say(`reader: ${r}`));
    pcsc.on("reader.end", (r) => say(`reader gone: ${r}`));
    pcsc.on("card.off", ({ reader }) => say(`${reader}: card removed`));
    pcsc.on("error", (e) => say(`PC/SC error: ${e.message}`));
    pcsc.on("card", ({ reader, atr }) => void describeCard(pcsc, reader, atr, ca));
    await pcsc.start();
    transport = pcsc;
  }
  say("onshi-sim ready (Ctrl-C to stop)");
  if (!values["exit-when-ready"]) {
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
  }
  await transport?.close();
  await pcscd.stop();
  await server?.stop();
  return 0;
}

async function describeCard(transport: ReaderTransport, reader: string, atr: Uint8Array, ca: X509Certificate): Promise<void> {
  const client = new MyNumberCardClient(new CardChannel(transport, reader), { fixtureCas: [ca] });
  try {
    await client.identify();
    const cert = new X509Certificate(await client.readUserAuthCertificate());
    const fixture = await client.isFixtureCard();
    const status = await client.pinStatus("userAuth");
    const pin = status.state === "ready" ? `${status.triesLeft} PIN tries left` : status.state === "blocked" ? "PIN locked or not set (face / 目視 only)" : "PIN verified";
    say(`${reader}: My Number Card (${fixture ? "onshi-sim fixture" : "real card"}), certificate serial ${cert.serialNumber}, valid to ${cert.validTo}, ${pin}`);
  } catch (e) {
    if (e instanceof NotAMyNumberCardError) say(`${reader}: not a My Number Card (ATR ${toHex(atr)}): ${e.message}`);
    else say(`${reader}: could not read the card: ${(e as Error).message}`);
  }
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
