/** Where the server keeps its files and which defaults it starts with. */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

export const DEFAULT_PORT = 8741;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_NONCE_TTL_MS = 60_000;
/** How long after a card confirmation the kiosk may record consents and complete the session. */
export const DEFAULT_SESSION_TTL_MS = 30 * 60_000;
export const BODY_LIMIT_BYTES = 64 * 1024;
/**
 * How deep a JSON body or an XML request may nest (objects/arrays, elements). The deepest schema needs 4; deeper
 * input is refused while it is read, before anything walks it.
 */
export const MAX_NESTING_DEPTH = 32;

/** `<repo>/data`, or ONSHI_SIM_DATA_DIR. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.ONSHI_SIM_DATA_DIR ?? join(REPO_ROOT, "data"));
}

export function serverDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), "server");
}

export interface OqsFolders {
  readonly req: string;
  readonly res: string;
  readonly face: string;
  readonly error: string;
}

export function defaultOqsFolders(serverDir: string): OqsFolders {
  const root = join(serverDir, "oqs");
  return { req: join(root, "req"), res: join(root, "res"), face: join(root, "face"), error: join(root, "error") };
}

export const FIXTURE_PATHS = {
  insurance: join(REPO_ROOT, "fixtures", "insurance"),
  devices: join(REPO_ROOT, "fixtures", "devices"),
  cards: join(REPO_ROOT, "fixtures", "cards"),
};

/**
 * The encoding face files are written in (the clinic's レセコン decides): "sjis" (Shift_JIS, written as cp932) or
 * "utf8"; as CharacterCodeIdentifier 1 / 0. `--face-encoding` on the server and `onshi-sim start`, or
 * ONSHI_SIM_FACE_ENCODING. Throws on anything else.
 */
export function parseFaceEncoding(value: string): "0" | "1" {
  const v = value.trim().toLowerCase().replace(/[-_]/g, "");
  if (v === "sjis" || v === "shiftjis" || v === "cp932" || v === "1") return "1";
  if (v === "utf8" || v === "0") return "0";
  throw new Error(`face encoding must be sjis or utf8, got "${value}"`);
}
