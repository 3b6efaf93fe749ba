/** Small file-system helpers of the folder interface: what a request entry is, names, and live writers. */
import type { Stats } from "node:fs";

/** Our temporary answer files: `.oqs-<pid>-<n>.tmp`, and `.<answer name>.<pid>.tmp` from earlier versions. */
export const TEMP_FILE = /^\.(?:oqs-(\d+)-\d+|OQSsiquc01res_.*\.(\d+))\.tmp$/;
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
export function withSuffix(name: string, suffix: string): string {
  let base = name;
  while (Buffer.byteLength(base + suffix) > NAME_MAX_BYTES) base = base.slice(0, -1);
  return base + suffix;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, not ours to signal
  }
}

