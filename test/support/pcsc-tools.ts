/**
 * Driving standard PC/SC tools from tests: `scriptor` (pcsc-tools) with APDU script files, `pcsc_scan` to see
 * a reader's card state. Shared by test/e2e/pcsc-tools.test.ts (the card) and pcsc-phone.test.ts (the phones).
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { fromHex, toHex } from "@onshi-sim/apdu";

export interface Exchange {
  command: string;
  response: Uint8Array;
  sw: string;
}

export function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeout = 20_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout, encoding: "utf8" }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * scriptor prints each command as `> 00 A4 ...` and each answer as `< XX XX ... : <SW text>`, 16 bytes a
 * line; with a script file it also echoes the file's lines, which start with neither `>` nor `<`.
 */
export function parseScriptorOutput(out: string): Exchange[] {
  const exchanges: Exchange[] = [];
  let command: string | undefined;
  let answer: string[] | undefined;
  for (const line of out.split("\n")) {
    if (command !== undefined && answer) answer.push(line);
    else if (line.startsWith("> ")) command = line.slice(2).trim();
    else if (line.startsWith("< ") && command !== undefined) answer = [line.slice(2)];
    if (command === undefined || !answer) continue;
    const joined = answer.join(" ");
    const colon = joined.indexOf(" : ");
    if (colon < 0) continue;
    const bytes = fromHex(joined.slice(0, colon).replace(/\s+/g, ""));
    exchanges.push({ command, response: bytes.slice(0, -2), sw: toHex(bytes.slice(-2)) });
    command = undefined;
    answer = undefined;
  }
  return exchanges;
}

/** Runs scriptor on `reader` with the lines as its script file; fails the test when scriptor fails. */
export async function scriptor(dir: string, reader: string, name: string, lines: string[]): Promise<Exchange[]> {
  const file = join(dir, `${name}.apdu`);
  writeFileSync(file, lines.join("\n") + "\n");
  const r = await run("scriptor", ["-r", reader, file]);
  if (r.code !== 0) throw new Error(`scriptor ${name} failed (exit ${r.code}): ${r.stderr.trim()}\n${r.stdout}`);
  const exchanges = parseScriptorOutput(r.stdout);
  const sent = lines.filter((l) => l.trim() && !l.startsWith("#")).length;
  expect(exchanges.length, `scriptor ${name} answered ${exchanges.length} of ${sent} commands:\n${r.stdout}`).toBe(sent);
  return exchanges;
}

/** `pcsc_scan -c` prints every reader's state once and quits; true when `reader` holds a card. */
export async function pcscScanSeesCard(reader: string): Promise<boolean | undefined> {
  const r = await run("pcsc_scan", ["-c", "-n"], process.env, 10_000);
  const block = r.stdout.split(/\n(?= Reader \d+:)/).find((b) => b.includes(`: ${reader}\n`));
  if (!block) return undefined;
  return /Card state: Card inserted/.test(block);
}

export async function waitForCardState(reader: string, present: boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  let last: boolean | undefined;
  while (Date.now() < deadline) {
    last = await pcscScanSeesCard(reader);
    if (last === present) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`pcsc_scan did not see "${reader}" ${present ? "with" : "without"} a card within ${ms} ms (last seen: ${last === undefined ? "no such reader" : last ? "card" : "no card"})`);
}

