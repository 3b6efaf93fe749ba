/**
 * One server per data folder: two servers on one database and one set of OQS folders would each answer from
 * their own caches and each process every request file. The first takes `<dataDir>/server.lock`; a second
 * is refused with the first one's pid and URL.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describeHolder, PidLock, type PidLockRecord } from "@onshi-sim/pid-lock";

export const SERVER_LOCK_FILE = "server.lock";

export function serverLockPath(dataDir: string): string {
  return join(dataDir, SERVER_LOCK_FILE);
}

export class DataFolderInUseError extends Error {
  override name = "DataFolderInUseError";
  constructor(
    readonly dataDir: string,
    readonly holder: PidLockRecord,
  ) {
    super(
      `the data folder ${dataDir} is in use by another onshi-sim server (${describeHolder(holder)}): ` +
        `stop that one first (kill ${holder.pid}), or give this one its own folder with ONSHI_SIM_DATA_DIR`,
    );
  }
}

/** Takes the data folder for this process; throws DataFolderInUseError naming the server that has it. */
export function lockDataFolder(dataDir: string): PidLock {
  mkdirSync(dataDir, { recursive: true });
  const attempt = PidLock.tryAcquire(serverLockPath(dataDir), { process: "onshi-sim server" });
  if (attempt.holder) throw new DataFolderInUseError(dataDir, attempt.holder);
  return attempt.lock;
}

/** The live server holding the data folder, if any (its `details.url` once it listens). */
export function dataFolderHolder(dataDir: string): PidLockRecord | undefined {
  return PidLock.holder(serverLockPath(dataDir));
}
