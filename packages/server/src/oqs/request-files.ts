/**
 * The file side of the folder interface: which names are requests and our temporary files, what a request file
 * looked like (it is taken only while that stays the same), which entries are refused unread, and how answers
 * are written (temporary file, then rename) and moved aside — each a small function, so the loop in
 * folder-interface.ts reads as a loop.
 */
import type { Stats } from "node:fs";
import { lstat, readdir, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";

export { REQUEST_FILE } from "./file-kinds.js"; // every request kind the interface answers
/** Our temporary answer files: `.oqs-<pid>-<n>.tmp`, and `.<answer name>.<pid>.tmp` from earlier versions. */
const TEMP_FILE = /^\.(?:oqs-(\d+)-\d+|OQSsiquc01res_.*\.(\d+))\.tmp$/;
const NAME_MAX_BYTES = 255;

/** What a request file looked like: it is taken only while this stays the same. */
export const statKey = (st: Stats) => `${st.ino}:${st.size}:${st.mtimeMs}`;

/** Why an entry in `req` is refused without reading it, or null for a plain file. */
export function notPlainFile(st: Stats): string | null {
  if (st.isSymbolicLink()) return "a symbolic link";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  if (st.isDirectory()) return "a directory";
  if (!st.isFile()) return "not a regular file";
  if (st.nlink > 1) return "a file with other hard links";
  return null;
}

export const errorCode = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** `name` with `suffix` added, shortened (by characters, counted in bytes) to fit one path component. */
function withSuffix(name: string, suffix: string): string {
  let base = name;
  while (Buffer.byteLength(base + suffix) > NAME_MAX_BYTES) base = base.slice(0, -1);
  return base + suffix;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, not ours to signal
  }
}

let tempSeq = 0;

/** Writes then renames, so a reader never sees half a file. The temporary name is short (any answer name fits) and matches no res pattern. */
export async function writeAtomically(dir: string, name: string, bytes: Uint8Array, write: (path: string, bytes: Uint8Array) => Promise<void> = writeFile): Promise<void> {
  const tmp = join(dir, `.oqs-${process.pid}-${++tempSeq}.tmp`);
  try {
    await write(tmp, bytes);
    await rename(tmp, join(dir, name));
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Moves a request into `error`, beside an earlier one of the same name rather than over it. */
export async function moveAside(path: string, errorDir: string, name: string): Promise<void> {
  const taken = await lstat(join(errorDir, name)).then(() => true, () => false);
  await rename(path, join(errorDir, taken ? withSuffix(name, `.${Date.now()}`) : name));
}

/** Temporary files whose writer is gone (killed mid-write) would stay forever: remove them. */
export async function removeStaleTemps(dirs: readonly string[], log: (line: string) => void): Promise<void> {
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const m = TEMP_FILE.exec(name);
      if (!m) continue;
      const pid = Number(m[1] ?? m[2]);
      if (pid !== process.pid && isAlive(pid)) continue;
      await unlink(join(dir, name)).then(
        () => log(`removed ${join(dir, name)}, left by a process that ended mid-write`),
        () => undefined,
      );
    }
  }
}
