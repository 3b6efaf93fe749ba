/**
 * Child processes for benchmarks that measure a process of their own: start it, read its memory, stop it.
 *
 * Every child is the leader of its own process group (spawned detached), so it and whatever it starts are
 * killed as one; every child still running when the bench process exits — normally, on an uncaught error or on
 * SIGINT/SIGTERM/SIGHUP — has its group killed then. Nothing a bench starts outlives `npm run bench`.
 */
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Process groups started and not yet known to be gone. */
const groups = new Set<number>();
let handlersInstalled = false;

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** SIGKILLs every process group a bench started (synchronous: safe in an exit handler). */
export function killAllChildren(): void {
  for (const pgid of groups) signalGroup(pgid, "SIGKILL");
  groups.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", killAllChildren);
  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]] as const) {
    process.once(signal, () => {
      console.error(`bench: ${signal}, stopping the processes it started`);
      killAllChildren();
      process.exit(code);
    });
  }
}

/** `node <nodeArgs>` in the repository root, in a process group of its own that the bench kills when it ends. */
export function spawnNode(nodeArgs: string[], env: NodeJS.ProcessEnv, stdio: StdioOptions): ChildProcess {
  installHandlers();
  const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env: { ...process.env, ...env }, stdio, detached: true });
  if (child.pid !== undefined) groups.add(child.pid);
  return child;
}

/** Runs `node <nodeArgs>` in the repository root and resolves once stdout matches `ready` (its group 1 is the URL). */
export function startProcess(nodeArgs: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnNode(nodeArgs, env, ["ignore", "pipe", "pipe"]);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      void stopProcess(child);
      reject(new Error(`${nodeArgs.join(" ")}: ${why}${err ? `: ${err}` : ""}`));
    };
    const timer = setTimeout(() => fail("did not start in 60 s"), 60_000);
    const onError = (e: Error) => fail(e.message);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited ${code ?? signal}`);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        child.off("error", onError).off("exit", onExit);
        resolve({ child, url: m[1]! });
      }
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", onError);
    child.once("exit", onExit);
  });
}

/** Resident and peak resident memory of a process, in MiB (Linux /proc); null where /proc cannot tell. */
export function processMemory(pid: number): { rssMiB: number; peakMiB: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rssMiB: Math.round(kb("VmRSS") / 1024), peakMiB: Math.round(kb("VmHWM") / 1024) };
  } catch {
    return null;
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited, with whatever it started killed too. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const t = setTimeout(() => signalGroup(pid, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(t);
  }
  signalGroup(pid, "SIGKILL"); // anything it started and left behind
  groups.delete(pid);
}
