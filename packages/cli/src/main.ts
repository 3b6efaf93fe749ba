/**
 * `onshi-sim` — the command line. Each subcommand lives in its own module; this file only dispatches.
 * Exit codes: 0 ok, 1 the operation failed, 2 bad usage.
 */
import { runCardCommand } from "./card.js";
import { runStart } from "./start.js";

export const USAGE = `onshi-sim — マイナ保険証 / オンライン資格確認 simulator

usage:
  onshi-sim start [--no-pcsc] [--no-face] [--ui-port N …] [--host H --allowed-host NAME…]
                                               start the simulator (PC/SC check, reader watch); loopback unless
                                               --host, and LAN names only with --allowed-host (README: Security);
                                               every option: onshi-sim start --help
  onshi-sim doctor                             is PC/SC ready? what to install
  onshi-sim card list                          fixture cards, their PINs and retry counters
  onshi-sim card insert <id> [--via vpcd|memory] [--slot N]
                                               insert a virtual card (vpcd: into pcscd's "Virtual PCD 00 0N";
                                               memory: an APDU console on stdin); stays until removed
  onshi-sim card remove [--slot N]             remove the card inserted with --via vpcd
  onshi-sim card reset-pin <id> [--all]        unlock the PIN (the 市区町村 window); --all resets every counter
  onshi-sim card new --id … --photo <image> …  make a new fixture card (see fixtures/README.md)
  onshi-sim phone auth <phone-iphone-…> [--for S] [--off]
                                               the owner authenticates on the iPhone (one signature; default 120 s)
  onshi-sim agent [--transport memory|pcsc] [--server URL] [--dev] …
                                               the reader agent: card sessions (face / PIN / 目視) over Socket.IO
  onshi-sim drive --url URL [--token T]        drive an agent: JSON-line commands on stdin, events on stdout
  onshi-sim scenario list | run <name>… | run --all [--json] [--server URL]
                                               the scenario catalogue (fixtures/scenarios), run headless: pass/fail per step
  onshi-sim scenario play <name>… | --all [--ui URL] [--auto]
                                               play scenarios on the running system (npm start): the kiosk shows it
  onshi-sim scenario handout <name>… | --all --out DIR [--lang ja|en]
                                               handouts (HTML + PDF, A4) with screenshots of each step
  onshi-sim camera --face <image> --out file.y4m
                                               a face as a Y4M video for Chromium's fake camera
`;

export class UsageError extends Error {
  override name = "UsageError";
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "card":
        return await runCardCommand(rest);
      case "phone":
        return await (await import("./phone.js")).runPhoneCommand(rest);
      case "doctor": {
        const { runDoctor, formatDoctorReport } = await import("./doctor.js");
        const report = await runDoctor();
        process.stdout.write(formatDoctorReport(report) + "\n");
        return report.ok ? 0 : 1;
      }
      case "start":
        return await runStart(rest);
      case "agent":
        return await (await import("./agent.js")).runAgent(rest);
      case "drive":
        return await (await import("./drive.js")).runDrive(rest);
      case "camera":
        return await (await import("./camera.js")).runCamera(rest);
      case "scenario":
        return await (await import("./scenario.js")).runScenarioCli(rest);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    const err = e as Error;
    if (err instanceof UsageError || err.name === "TypeError" && /parseArgs|option/i.test(err.message)) {
      process.stderr.write(`onshi-sim: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`onshi-sim: ${err.message}\n`);
    return 1;
  }
}
