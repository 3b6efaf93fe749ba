/** `onshi-sim card …`: list, insert, remove, reset-pin, new. */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { findCardFixture, loadCardFixtures } from "@onshi-sim/jpki-testkit";
import { fromHex, HexError } from "@onshi-sim/apdu";
import { maskSecrets } from "@onshi-sim/apdu";
import { toHex } from "@onshi-sim/apdu";
import { CardStateError, FileCardStateStore, PIN_OBJECTS, type PinObjectName, type RetryCounters } from "@onshi-sim/card-sim";
import { fromLoadedCard } from "@onshi-sim/card-sim";
import { VirtualMyNumberCard } from "@onshi-sim/card-sim";
import { cardStateDir, runDir } from "@onshi-sim/card-sim";
import { pidAlive, readVpcdSlotRecord, vpcdSlotHolder, vpcdSlotRecordFile, type VpcdSlotRecord } from "@onshi-sim/card-sim";
import { vpcdPort, vpcdReaderName, VPCD_SLOTS } from "@onshi-sim/card-sim";
import { UsageError } from "./main.js";
import { openToken, phoneRows } from "./phone.js";

export async function runCardCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case "list":
      return listCards();
    case "insert":
      return insertCard(rest);
    case "remove":
      return removeCard(rest);
    case "reset-pin":
      return resetPin(rest);
    case "new": {
      const { runNewCardCli } = await import("@onshi-sim/jpki-testkit");
      await runNewCardCli(rest);
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown card command ${JSON.stringify(sub)}` : "card needs a command: list, insert, remove, reset-pin, new");
  }
}

async function listCards(): Promise<number> {
  const cards = await loadCardFixtures();
  const store = new FileCardStateStore(cardStateDir());
  const rows = cards.map((c) => {
    const f = c.fixture;
    let r: RetryCounters | undefined;
    let unreadable = false;
    try {
      r = store.load(f.id)?.retries;
    } catch (e) {
      if (!(e instanceof CardStateError)) throw e;
      process.stderr.write(`onshi-sim: ${e.message}\n`); // the rest of the list is still worth showing
      unreadable = true;
    }
    const left = (name: "userAuth" | "assist") => (unreadable ? "?" : (r?.[name] ?? f.retries[name]));
    return [f.id, f.pins.userAuth ?? "(none)", `${left("userAuth")}/3`, `${left("assist")}/3`, f.label];
  });
  printTable(["id", "PIN", "PIN tries", "入力補助 tries", "label"], [...rows, ...(await phoneRows())]);
  return 0;
}

function printTable(head: string[], rows: string[][]): void {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: string[]) => cells.map((c, i) => c + " ".repeat((widths[i] ?? 0) - width(c))).join("  ").trimEnd();
  process.stdout.write([line(head), ...rows.map(line)].join("\n") + "\n");
}

/** The card (or phone), claimed for this process: refused (CardInUseError, naming the holder) while another has it. */
const openCard = openToken;

/** `--slot N`: one of the vpcd driver's slots ("Virtual PCD 00 0N"), 0 when not given. */
export function parseSlot(value: string | undefined): number {
  if (value === undefined) return 0;
  const slot = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(slot) || slot < 0 || slot >= VPCD_SLOTS) {
    const slots = Array.from({ length: VPCD_SLOTS }, (_, i) => `${i} ("${vpcdReaderName(i)}")`).join(" or ");
    throw new UsageError(`--slot must be ${slots}: pcscd's vpcd reader has ${VPCD_SLOTS} slots; got ${JSON.stringify(value)}`);
  }
  return slot;
}

async function insertCard(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { via: { type: "string", default: "vpcd" }, slot: { type: "string" } } });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError("card insert needs exactly one fixture id (a card or a phone-… id, see `onshi-sim card list`)");
  if (values.via !== "vpcd" && values.via !== "memory") throw new UsageError(`--via must be vpcd or memory, got ${JSON.stringify(values.via)}`);
  if (values.via === "memory") {
    if (values.slot !== undefined) throw new UsageError("--slot is for --via vpcd (pcscd's virtual reader slots)");
    return apduConsole(await openCard(id, "onshi-sim card insert --via memory"));
  }

  const slot = parseSlot(values.slot);
  const existing = vpcdSlotHolder(slot);
  if (existing) throw new Error(`slot ${slot} already holds "${existing.cardId}" (pid ${existing.pid}); run \`onshi-sim card remove --slot ${slot}\` first`);
  const card = await openCard(id, `onshi-sim card insert --via vpcd --slot ${slot}`);
  const { VpcdBridge } = await import("@onshi-sim/card-sim");
  const bridge = new VpcdBridge(card, { slot, reconnect: true });
  await bridge.insert();
  mkdirSync(runDir(), { recursive: true });
  writeFileSync(vpcdSlotRecordFile(slot), JSON.stringify({ pid: process.pid, cardId: id, slot } satisfies VpcdSlotRecord) + "\n");
  process.stdout.write(`inserted "${id}" into ${vpcdReaderName(slot)} (vpcd port ${vpcdPort(slot)}); Ctrl-C or \`onshi-sim card remove --slot ${slot}\` removes it\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await bridge.remove();
  card.release();
  if (readVpcdSlotRecord(slot)?.pid === process.pid) rmSync(vpcdSlotRecordFile(slot), { force: true });
  process.stdout.write(`removed "${id}" from slot ${slot}\n`);
  return 0;
}

async function removeCard(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { slot: { type: "string" } } });
  const slot = parseSlot(values.slot);
  const record = vpcdSlotHolder(slot);
  if (!record) {
    rmSync(vpcdSlotRecordFile(slot), { force: true });
    process.stdout.write(`no card is inserted in slot ${slot}\n`);
    return 0;
  }
  process.kill(record.pid, "SIGTERM");
  for (let i = 0; i < 50 && pidAlive(record.pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (pidAlive(record.pid)) throw new Error(`the card process (pid ${record.pid}) did not stop within 5 s`);
  process.stdout.write(`removed "${record.cardId}" from slot ${slot}\n`);
  return 0;
}

async function resetPin(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { all: { type: "boolean", default: false } } });
  const id = positionals[0];
  if (!id) throw new UsageError("card reset-pin needs a fixture id");
  const loaded = await findCardFixture(id);
  const store = new FileCardStateStore(cardStateDir());
  // The 市区町村 window has the card in its own reader: not while it is inserted anywhere else.
  const claim = store.claim(id, "onshi-sim card reset-pin");
  const retries = {} as RetryCounters;
  try {
    let current: RetryCounters | undefined;
    try {
      current = store.load(id)?.retries;
    } catch (e) {
      // A file we cannot read is replaced whole by --all (which needs none of its counters); never guessed at.
      if (!(e instanceof CardStateError) || !values.all) throw e;
    }
    for (const [name, { maxTries }] of Object.entries(PIN_OBJECTS) as [PinObjectName, { maxTries: number }][]) {
      // The 市区町村 window resets the 4-digit PINs; --all also resets the signing password and 照合番号 counters.
      const reset = values.all || name === "userAuth" || name === "assist";
      retries[name] = reset ? maxTries : current?.[name] ?? (loaded.fixture.retries as Partial<Record<PinObjectName, number>>)[name] ?? maxTries;
    }
    store.save(id, { version: 1, retries });
  } finally {
    claim.release();
  }
  process.stdout.write(`"${id}": PIN counters reset (利用者証明用 ${retries.userAuth}/3, 入力補助 ${retries.assist}/3)${values.all ? ", and all other counters" : ""}\n`);
  return 0;
}

/** `--via memory`: a card in this process, driven by hex APDUs typed (or piped) on stdin. */
async function apduConsole(card: VirtualMyNumberCard): Promise<number> {
  card.powerOn();
  process.stderr.write(`card "${card.id}" is in an in-memory reader: type APDUs in hex, one per line ("reset" to reset, Ctrl-D to remove)\n`);
  const rl = createInterface({ input: process.stdin, terminal: false });
  for await (const raw of rl) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    if (line === "reset") {
      card.reset();
      process.stdout.write("# reset\n");
      continue;
    }
    let command: Uint8Array;
    try {
      command = fromHex(line);
    } catch (e) {
      if (!(e instanceof HexError)) throw e;
      process.stdout.write(`# not an APDU: ${e.message}\n`);
      continue;
    }
    const response = card.transmit(command);
    process.stdout.write(`=> ${maskSecrets(command)}\n<= ${toHex(response)}\n`);
  }
  card.release();
  return 0;
}
