/**
 * `onshi-sim drive`: drives a reader agent from a script — commands as JSON lines on stdin, every event the
 * agent sends (and every command's answer) as JSON lines on stdout. An outside kiosk's test suite can run a
 * whole reception with it:
 *
 *   {"cmd":"insert","card":"yamada-taro"}          dev:insert-card (agent started with --dev)
 *   {"cmd":"wait","phase":"choose-method"}         wait until the session is there (timeoutMs optional)
 *   {"cmd":"pin","pin":"1234"}
 *   {"cmd":"face","image":"grace-hopper-camera.jpg"}   a file, or a name in fixtures/faces
 *   {"cmd":"consent","comprehensive":true,"items":{"operation":false}}
 *   {"cmd":"visual","staffPin":"…"}                staffPin optional: $ONSHI_SIM_STAFF_PIN / data/staff-pin
 *   {"cmd":"choose","method":"face"} {"cmd":"cancel"} {"cmd":"retry"} {"cmd":"remove"} {"cmd":"sync"}
 *   {"cmd":"register","accept":true}   (保険証利用登録 at the reader, after E131: the offer, then the consent)
 *   {"cmd":"match-number-b","matchNumberB":"…","staffPin":"…"} {"cmd":"sleep","ms":100}
 *
 * Output: {"type":"event","event":"session:state","data":{…},"text":{"ja":"…","en":"…"}},
 * {"type":"ack","line":3,"cmd":"pin","ok":false,"error":{"code":…},"text":{…}},
 * {"type":"wait","line":2,"ok":true,"phase":"choose-method","seq":4}, {"type":"error","line":5,"message":"…"}.
 * The agent sends codes; `text` is what a kiosk would say for them (@onshi-sim/texts): on a session view its
 * problem and prompt, on a refusal or agent:error the error's words, on agent:transport the notice's.
 * Input lines are never echoed (they may hold a PIN). Exit code 1 when any command failed or was refused.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { z } from "zod";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import { AgentDriver, type DriverEvent } from "@onshi-sim/agent";
import type { CommandAck } from "@onshi-sim/agent/protocol";
import { SESSION_PHASES, type SessionPhase } from "@onshi-sim/agent/protocol";
import { dataDir } from "@onshi-sim/card-sim";
import { errorText, noticeText, viewText, type LocalizedText } from "@onshi-sim/texts";
import { UsageError } from "./main.js";

export const DRIVE_USAGE = `onshi-sim drive --url URL [--token T] [--reader NAME] [--timeout MS] [--stay]
  reads commands as JSON lines on stdin and prints every agent event as JSON lines on stdout
  token: --token, else $ONSHI_SIM_AGENT_TOKEN, else <data>/agent-token
`;

const Phase = z.enum(SESSION_PHASES as [SessionPhase, ...SessionPhase[]]);
const Reader = z.string().min(1).optional();
const Command = z.discriminatedUnion("cmd", [
  z.strictObject({ cmd: z.literal("insert"), card: z.string().min(1), reader: Reader }),
  z.strictObject({ cmd: z.literal("remove"), reader: Reader }),
  z.strictObject({ cmd: z.literal("choose"), method: z.enum(["face", "pin", "visual"]), reader: Reader }),
  z.strictObject({ cmd: z.literal("pin"), pin: z.string(), reader: Reader }),
  z.strictObject({ cmd: z.literal("face"), image: z.string().min(1), reader: Reader }),
  z.strictObject({
    cmd: z.literal("consent"),
    comprehensive: z.boolean().optional(),
    items: z.record(z.string(), z.boolean()).optional(),
    reader: Reader,
  }),
  z.strictObject({ cmd: z.literal("visual"), staffPin: z.string().optional(), reader: Reader }),
  z.strictObject({ cmd: z.literal("match-number-b"), matchNumberB: z.string(), staffPin: z.string().optional(), reader: Reader }),
  z.strictObject({ cmd: z.literal("cancel"), reader: Reader }),
  z.strictObject({ cmd: z.literal("retry"), reader: Reader }),
  /** 保険証利用登録 at the reader after E131: the answer on the offer, then on the registration consent. */
  z.strictObject({ cmd: z.literal("register"), accept: z.boolean(), reader: Reader }),
  z.strictObject({ cmd: z.literal("sync") }),
  z.strictObject({ cmd: z.literal("wait"), phase: z.union([Phase, z.array(Phase).min(1)]), timeoutMs: z.number().int().positive().optional(), reader: Reader }),
  z.strictObject({ cmd: z.literal("sleep"), ms: z.number().int().min(0).max(600_000) }),
]);
type Command = z.infer<typeof Command>;

function readSecret(envName: string, fileName: string): string | undefined {
  const env = process.env[envName];
  if (env) return env.trim();
  const file = join(dataDir(), fileName);
  return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
}

export async function runDrive(argv: string[], io: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream } = { stdin: process.stdin, stdout: process.stdout }): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      reader: { type: "string" },
      timeout: { type: "string", default: "10000" },
      stay: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(DRIVE_USAGE);
    return 0;
  }
  if (!values.url) throw new UsageError("drive needs --url (the agent's address, e.g. http://127.0.0.1:8742)");
  const token = values.token ?? readSecret("ONSHI_SIM_AGENT_TOKEN", "agent-token");
  if (!token) throw new UsageError("no agent token: pass --token, set ONSHI_SIM_AGENT_TOKEN, or run where <data>/agent-token exists");
  const waitTimeoutMs = Number(values.timeout);
  if (!(waitTimeoutMs > 0)) throw new UsageError("--timeout must be a positive number of ms");

  const out = (record: Record<string, unknown>) => io.stdout.write(JSON.stringify(record) + "\n");
  const driver = await AgentDriver.connect({ url: values.url, token, clientName: "onshi-sim drive", ...(values.reader ? { reader: values.reader } : {}) });
  // The snapshot that answered the connection, then everything that follows.
  if (driver.snapshot) out({ type: "event", event: "agent:snapshot", data: driver.snapshot });
  driver.onEvent((e) => out({ type: "event", event: e.event, data: e.data, ...textOf(e) }));

  let failed = false;
  let lineNo = 0;
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const raw of lines) {
    lineNo++;
    const text = raw.trim();
    if (!text || text.startsWith("#")) continue;
    let command: Command;
    try {
      const parsed = Command.safeParse(JSON.parse(text));
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join(".") || "(line)"}: ${i.message}`).join("; "));
      command = parsed.data;
    } catch (e) {
      failed = true;
      out({ type: "error", line: lineNo, message: `not a command: ${(e as Error).message}` });
      continue;
    }
    try {
      const result = await execute(driver, command, waitTimeoutMs);
      if (result.kind === "ack") {
        if (!result.ack.ok) failed = true;
        out({ type: "ack", line: lineNo, cmd: command.cmd, ...result.ack, ...(result.ack.ok ? {} : { text: errorText(result.ack.error) }) });
      } else if (result.kind === "wait") out({ type: "wait", line: lineNo, ok: true, phase: result.phase, seq: result.seq });
    } catch (e) {
      failed = true;
      out({ type: "error", line: lineNo, cmd: command.cmd, message: (e as Error).message });
    }
  }
  if (values.stay) {
    await new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    });
  }
  driver.close();
  return failed ? 1 : 0;
}

/** The words for an event that has some for people (views, refusals, reader notices). */
function textOf(e: DriverEvent): { text?: LocalizedText } {
  if (e.event === "session:state") return { text: viewText(e.data) };
  if (e.event === "agent:error") return { text: errorText(e.data) };
  if (e.event === "agent:transport") return { text: noticeText(e.data) };
  return {};
}

type Outcome = { kind: "ack"; ack: CommandAck } | { kind: "wait"; phase: string; seq: number } | { kind: "none" };

async function execute(driver: AgentDriver, c: Command, waitTimeoutMs: number): Promise<Outcome> {
  const ack = (p: Promise<CommandAck>) => p.then((a): Outcome => ({ kind: "ack", ack: a }));
  const staffPin = (given: string | undefined) => {
    const pin = given ?? readSecret("ONSHI_SIM_STAFF_PIN", "staff-pin");
    if (!pin) throw new Error("no staff PIN: add staffPin, set ONSHI_SIM_STAFF_PIN, or run where <data>/staff-pin exists");
    return pin;
  };
  switch (c.cmd) {
    case "insert":
      return ack(driver.insertCard(c.card, c.reader));
    case "remove":
      return ack(driver.removeCard(c.reader));
    case "choose":
      return ack(driver.choose(c.method, c.reader));
    case "pin":
      return ack(driver.pin(c.pin, c.reader));
    case "face":
      return ack(driver.faceFrame(await readImage(c.image), c.reader));
    case "consent":
      return ack(driver.consent({ ...(c.comprehensive !== undefined ? { comprehensive: c.comprehensive } : {}), ...(c.items ? { items: c.items } : {}) }, c.reader));
    case "visual":
      return ack(driver.visual(staffPin(c.staffPin), c.reader));
    case "match-number-b":
      return ack(driver.matchNumberB(staffPin(c.staffPin), c.matchNumberB, c.reader));
    case "cancel":
      return ack(driver.cancel(c.reader));
    case "retry":
      return ack(driver.retry(c.reader));
    case "register":
      return ack(driver.register(c.accept, c.reader));
    case "sync":
      return ack(driver.sync());
    case "wait": {
      const v = await driver.waitFor(c.phase, { timeoutMs: c.timeoutMs ?? waitTimeoutMs, ...(c.reader ? { reader: c.reader } : {}) });
      return { kind: "wait", phase: v.phase, seq: v.seq };
    }
    case "sleep":
      await new Promise((r) => setTimeout(r, c.ms));
      return { kind: "none" };
  }
}

/** A camera frame: a file path, or the name of a fixture face image (fixtures/faces). */
async function readImage(image: string): Promise<Uint8Array> {
  const path = existsSync(image) ? image : join(FACES_DIR, image);
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new Error(`cannot read the image ${JSON.stringify(image)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
