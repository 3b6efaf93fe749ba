/**
 * `npm start` runs the mock qualification server as a child process (as a clinic would run the national
 * system: somewhere else), so a server crash never takes the reader agent down and its logs stay apart.
 * When a healthy onshi-sim server already answers on the port, it is used instead of starting a second one.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "@onshi-sim/card-sim";
import { createServerClient } from "@onshi-sim/server/protocol";

export interface ServerHandle {
  readonly url: string;
  readonly startedByUs: boolean;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await createServerClient({ baseUrl: url }).health({ timeoutMs: 1_000 })).status === "ok";
  } catch {
    return false;
  }
}

export async function startServerProcess(options: { port: number; host: string; reseed?: boolean; faceEncoding?: string; log: (line: string) => void }): Promise<ServerHandle> {
  const url = `http://${options.host}:${options.port}`;
  if (await healthy(url)) return { url, startedByUs: false, stop: async () => {} };
  const args = ["--port", String(options.port), "--host", options.host, ...(options.reseed ? ["--reseed"] : []), ...(options.faceEncoding ? ["--face-encoding", options.faceEncoding] : [])];
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "packages", "server", "src", "main.ts"), ...args], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  createInterface({ input: child.stderr! }).on("line", (l) => options.log(`[server] ${l}`));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = new Promise<string>((resolve) => {
    createInterface({ input: child.stdout! }).on("line", (l) => {
      if (l.startsWith("onshi-sim server listening on ")) resolve(l.slice("onshi-sim server listening on ".length).trim());
      else options.log(`[server] ${l}`);
    });
  });
  const outcome = await Promise.race([ready, exited.then((code) => ({ code }))]);
  if (typeof outcome !== "string") throw new Error(`the qualification server exited (code ${outcome.code}) before listening on ${url}; see the [server] lines above`);
  return {
    url: outcome,
    startedByUs: true,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
