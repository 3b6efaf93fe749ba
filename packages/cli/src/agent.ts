/**
 * `onshi-sim agent`: starts the reader agent — the card readers (memory or PC/SC), face verification, the
 * qualification server client — and serves kiosks over Socket.IO on loopback.
 *
 * Secrets come from configuration, never from the command line (where `ps` would show them):
 *   token      ONSHI_SIM_AGENT_TOKEN, else <data>/agent-token (created on first start, mode 0600)
 *   staff PIN  ONSHI_SIM_STAFF_PIN, else <data>/staff-pin (created on first start: 6 random digits)
 */
import { randomBytes, randomInt } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { allowedHostsFromEnv } from "@onshi-sim/server";
import { DEFAULT_AGENT_PORT } from "@onshi-sim/agent/protocol";
import type { ReaderAgent } from "@onshi-sim/agent";
import { assembleAgent, DEFAULT_DEVICE_ID, type ReaderSetup } from "@onshi-sim/agent-assembly";
import { FileCardStateStore } from "@onshi-sim/card-sim";
import { cardStateDir, dataDir, vpcdReaderName } from "@onshi-sim/card-sim";
import { QualificationClient } from "@onshi-sim/agent";
import type { QualificationPort } from "@onshi-sim/agent";
import { UsageError } from "./main.js";

export const AGENT_USAGE = `onshi-sim agent [options]
  --transport memory|pcsc     readers: in-process virtual slots (default memory) or PC/SC (real readers, vpcd)
  --readers N                 memory: number of reader slots (default 1)
  --reader-prefix TEXT        pcsc: only readers whose name starts with TEXT (e.g. "Virtual PCD")
  --server URL                qualification server (default $ONSHI_SIM_SERVER_URL or http://127.0.0.1:8741)
  --facility CODE             医療機関コード (default $ONSHI_SIM_FACILITY or 1311234567)
  --simulation-date YYYYMMDD  trainer setting passed to every lookup
  --consent-flow since-2024-10-07|before-2024-10-07
  --host H --port P           where kiosks connect (default 127.0.0.1:${DEFAULT_AGENT_PORT}; --port 0 picks one)
  --allowed-host NAME         also answer for NAME (repeatable; and $ONSHI_SIM_ALLOWED_HOSTS): kiosks on a LAN on purpose
  --device ID                 reader device key for face/目視 (default ${DEFAULT_DEVICE_ID}, fixtures/devices)
  --no-face                   no face verification (PIN and 目視 only; starts faster, ~300 MB less)
  --idle-timeout MS           abort a session after this long without input (default 60000)
  --phone-reader NAME|none    the smartphone reader beside the card reader (default: the second slot — pcsc
                              "Virtual PCD 00 01", memory "onshi-sim Memory Reader 01" with --readers 2+)
  --dev                       enable dev:insert-card / dev:remove-card (memory transport; still token-protected)
`;

/** A secret from the environment, else from a file under the data dir, else a new one written there (0600). */
export function configuredSecret(envName: string, fileName: string, make: () => string): { value: string; source: string } {
  const env = process.env[envName];
  if (env) return { value: env.trim(), source: `$${envName}` };
  const file = join(dataDir(), fileName);
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored) return { value: stored, source: file };
  } catch {
    // first start: create it below
  }
  const value = make();
  mkdirSync(dataDir(), { recursive: true });
  writeFileSync(file, value + "\n", { mode: 0o600 });
  return { value, source: `${file} (new)` };
}

export function agentToken(): { value: string; source: string } {
  return configuredSecret("ONSHI_SIM_AGENT_TOKEN", "agent-token", () => randomBytes(24).toString("base64url"));
}

export async function runAgent(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      transport: { type: "string", default: "memory" },
      readers: { type: "string", default: "1" },
      "reader-prefix": { type: "string" },
      server: { type: "string" },
      facility: { type: "string" },
      "simulation-date": { type: "string" },
      "consent-flow": { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: String(DEFAULT_AGENT_PORT) },
      "allowed-host": { type: "string", multiple: true, default: [] },
      device: { type: "string", default: DEFAULT_DEVICE_ID },
      "no-face": { type: "boolean", default: false },
      "idle-timeout": { type: "string" },
      dev: { type: "boolean", default: false },
      "phone-reader": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(AGENT_USAGE);
    return 0;
  }
  const port = Number(values.port);
  const readerCount = Number(values.readers);
  const idleTimeoutMs = values["idle-timeout"] === undefined ? undefined : Number(values["idle-timeout"]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535`);
  if (!Number.isInteger(readerCount) || readerCount < 1 || readerCount > 16) throw new UsageError(`--readers must be 1–16`);
  if (idleTimeoutMs !== undefined && !(idleTimeoutMs > 0)) throw new UsageError(`--idle-timeout must be a positive number of ms`);
  if (values.transport !== "memory" && values.transport !== "pcsc") throw new UsageError(`--transport must be memory or pcsc`);
  const simulationDate = values["simulation-date"];
  if (simulationDate !== undefined && !/^\d{8}$/.test(simulationDate)) throw new UsageError("--simulation-date must be YYYYMMDD");
  const consentFlow = values["consent-flow"];
  if (consentFlow !== undefined && consentFlow !== "since-2024-10-07" && consentFlow !== "before-2024-10-07") throw new UsageError("--consent-flow must be since-2024-10-07 or before-2024-10-07");
  const facility = values.facility ?? process.env.ONSHI_SIM_FACILITY ?? "1311234567";
  if (!/^\d{10}$/.test(facility)) throw new UsageError("--facility must be a 10-digit 医療機関コード");

  const launched = await launchAgent({
    transports: [values.transport],
    readers: readerCount,
    ...(values["reader-prefix"] ? { readerPrefix: values["reader-prefix"] } : {}),
    serverUrl: values.server ?? process.env.ONSHI_SIM_SERVER_URL ?? "http://127.0.0.1:8741",
    facility,
    ...(simulationDate ? { simulationDate } : {}),
    ...(consentFlow ? { consentFlow } : {}),
    host: values.host,
    port,
    allowedHosts: [...allowedHostsFromEnv(), ...values["allowed-host"]],
    deviceId: values.device,
    face: !values["no-face"],
    ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
    dev: values.dev,
    ...(values["phone-reader"] !== undefined ? { phoneReader: values["phone-reader"] } : {}),
    log: (line) => process.stdout.write(line + "\n"),
  });
  for (const line of launched.summary) say(`onshi-sim agent: ${line}`);
  say(`onshi-sim agent ready on ${launched.agent.url}`);

  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await launched.close();
  return 0;
}

export interface LaunchAgentOptions {
  /** Memory readers (virtual cards in-process), PC/SC readers (real readers and vpcd), or both. */
  readonly transports: readonly ("memory" | "pcsc")[];
  readonly readers?: number;
  readonly readerPrefix?: string;
  readonly serverUrl: string;
  readonly facility: string;
  readonly simulationDate?: string;
  readonly consentFlow?: "since-2024-10-07" | "before-2024-10-07";
  readonly host?: string;
  readonly port?: number;
  /** Host names kiosks may use besides the loopback ones (createAgent's allowedHosts). */
  readonly allowedHosts?: readonly string[];
  readonly deviceId?: string;
  readonly face: boolean;
  readonly idleTimeoutMs?: number;
  /** dev:insert-card / dev:remove-card on the memory readers (trainer console, scripting). */
  readonly dev: boolean;
  /** Replaces the QualificationClient built from serverUrl/simulationDate/consentFlow (npm start passes the
   *  trainer console's, whose settings change while the agent runs). */
  readonly qualification?: QualificationPort;
  /** The phone reader's name, or "none"; default the second slot (see phoneReaderFor). */
  readonly phoneReader?: string;
  readonly log?: (line: string) => void;
}

/**
 * The default phone reader is the second slot (a clinic's general-purpose NFC reader beside the card reader):
 * pcscd's vpcd slot 1 with PC/SC, else the second memory reader when there are two or more; "none": no phone reader.
 */
export function phoneReaderFor(options: Pick<LaunchAgentOptions, "transports" | "readers" | "phoneReader">): string | null {
  if (options.phoneReader === "none") return null;
  if (options.phoneReader) return options.phoneReader;
  if (options.transports.includes("pcsc")) return vpcdReaderName(1);
  return (options.readers ?? 1) >= 2 ? "onshi-sim Memory Reader 01" : null;
}

export interface LaunchedAgent {
  readonly agent: ReaderAgent;
  /** What was started, one line each (never a secret's value). */
  readonly summary: readonly string[];
  close(): Promise<void>;
}

/** Everything `onshi-sim agent` and `npm start` need to run an agent with its readers, face and secrets. */
export async function launchAgent(options: LaunchAgentOptions): Promise<LaunchedAgent> {
  if (options.dev && !options.transports.includes("memory")) throw new UsageError("--dev inserts cards into memory readers: use it with --transport memory");
  const token = agentToken();
  const staffPin = configuredSecret("ONSHI_SIM_STAFF_PIN", "staff-pin", () => String(randomInt(0, 1_000_000)).padStart(6, "0"));
  if (!/^\d{4,12}$/.test(staffPin.value)) throw new UsageError(`the staff PIN (${staffPin.source}) must be 4–12 digits`);
  const qualification: QualificationPort = options.qualification ?? new QualificationClient({
    baseUrl: options.serverUrl,
    medicalInstitutionCode: options.facility,
    ...(options.simulationDate ? { simulationDate: options.simulationDate } : {}),
    ...(options.consentFlow ? { consentFlow: options.consentFlow } : {}),
  });
  const readers: ReaderSetup[] = [];
  const prefix = options.readerPrefix;
  if (options.transports.includes("pcsc")) readers.push({ kind: "pcsc", ...(prefix ? { readerFilter: (name: string) => name.startsWith(prefix) } : {}) });
  if (options.transports.includes("memory")) readers.push({ kind: "memory", names: Array.from({ length: options.readers ?? 1 }, (_, i) => `onshi-sim Memory Reader ${String(i).padStart(2, "0")}`) });

  const assembled = await assembleAgent({
    readers,
    qualification,
    token: token.value,
    staffPin: staffPin.value,
    host: options.host ?? "127.0.0.1",
    port: options.port ?? DEFAULT_AGENT_PORT,
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    device: options.deviceId ?? DEFAULT_DEVICE_ID,
    // Counters persist like `onshi-sim card insert`: a card locked here stays locked until `card reset-pin`,
    // and a card inserted here is refused to `card insert` (and another agent) until it is removed.
    ...(options.dev ? { devCards: { stateStore: new FileCardStateStore(cardStateDir()), holder: "onshi-sim agent, dev:insert-card" } } : {}),
    ...(options.face ? { face: { worker: {} } } : {}),
    ...(options.idleTimeoutMs !== undefined ? { session: { idleTimeoutMs: options.idleTimeoutMs } } : {}),
    ...(options.log ? { log: options.log } : {}),
    phoneReader: phoneReaderFor(options),
  });
  const { agent, device, faceVerifier } = assembled;
  const summary: string[] = [];
  summary.push(`readers ${agent.manager.readers().map((r) => JSON.stringify(r.name)).join(", ") || "(none yet)"} (${options.transports.join(" + ")})`);
  summary.push(`qualification server ${options.serverUrl}, facility ${options.facility}, device ${device.deviceId}${faceVerifier ? ", face verification on" : ", face verification off"}`);
  summary.push(`phone reader ${phoneReaderFor(options) === null ? "none (スマホ: bring the card)" : JSON.stringify(phoneReaderFor(options))}`);
  summary.push(`token from ${token.source}; staff PIN from ${staffPin.source}${options.dev ? "; dev commands on" : ""}`);
  return { agent, summary, close: () => assembled.close() };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}
