/** Where onshi-sim keeps what it must remember: card counters, pid files, later the server database. */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export function dataDir(): string {
  return resolve(process.env.ONSHI_SIM_DATA_DIR ?? join(REPO_ROOT, "data"));
}

/** Retry counters of the virtual cards (one JSON file per card). */
export function cardStateDir(): string {
  return join(dataDir(), "cards");
}

/** Pid files of `card insert` processes, one per vpcd slot. */
export function runDir(): string {
  return join(dataDir(), "run");
}
