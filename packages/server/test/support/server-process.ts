/** Starts `server/src/main.ts` as a child process on a free port and waits for its one stdout line. */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../src/config.js";

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function startServerProcess(dataDir: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "packages", "server", "src", "main.ts"), "--port", "0", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ONSHI_SIM_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out} ${err}`)), 30_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off("data", onData);
      resolve({ child, url: m[1]!, stdout: () => out, stderr: () => err });
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited ${code}: ${err}`));
    });
  });
}

export async function stopServerProcess(p: ServerProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode;
  const exited = new Promise<number | null>((resolve) => p.child.once("exit", (code) => resolve(code)));
  p.child.kill(signal);
  return exited;
}

export interface ServerExit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Starts `server/src/main.ts` expecting it to refuse to start: resolves with its exit code and output. A server
 * that listens instead is stopped and the promise rejects.
 */
export function serverExit(dataDir: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServerExit> {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "packages", "server", "src", "main.ts"), "--port", "0", ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ONSHI_SIM_DATA_DIR: dataDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (/listening on/.test(out)) {
        child.kill("SIGKILL");
        reject(new Error(`the server started instead of refusing: ${out} ${err}`));
      }
    });
    child.once("exit", (code) => resolve({ code, stdout: out, stderr: err }));
  });
}
