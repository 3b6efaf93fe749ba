/**
 * `npm run server` (`tsx src/main.ts`): the mock オンライン資格確認等システム on 127.0.0.1:8741.
 * Flags: --reseed (reload the seed into the database; a damaged database file is moved aside first), --port N, --host H. Env: ONSHI_SIM_SERVER_PORT,
 * ONSHI_SIM_SERVER_HOST, ONSHI_SIM_DATA_DIR, ONSHI_SIM_ADMIN_TOKEN, ONSHI_SIM_NONCE_TTL_MS, ONSHI_SIM_NONCE_MAX_PER_FACILITY,
 * ONSHI_SIM_NONCE_MAX_OUTSTANDING, ONSHI_SIM_DB_SYNC (normal|full), ONSHI_SIM_ALLOWED_HOSTS (host names served besides the loopback ones),
 * ONSHI_SIM_OQS_QUIET_MS, ONSHI_SIM_FACE_ENCODING (--face-encoding sjis|utf8: face files in Shift_JIS or UTF-8),
 * ONSHI_SIM_BULK_PROCESSING_MS (how long a 一括照会 batch stays 処理中), ONSHI_SIM_BULK_MAX_PERSONS.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_HOST, DEFAULT_PORT, parseFaceEncoding, serverDataDir } from "./config.js";
import { DatabaseDamagedError } from "./db/database.js";
import { DataFolderInUseError } from "./lock/data-folder-lock.js";
import { allowedHostsFromEnv } from "./http/served-hosts.js";
import { SeedError } from "./seed/seed-loader.js";
import { createServer } from "./server.js";

function intFrom(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { reseed: { type: "boolean", default: false }, port: { type: "string" }, host: { type: "string" }, quiet: { type: "boolean", default: false }, "face-encoding": { type: "string" } },
    strict: true,
  });
  const port = intFrom(values.port, "--port") ?? intFrom(process.env.ONSHI_SIM_SERVER_PORT, "ONSHI_SIM_SERVER_PORT") ?? DEFAULT_PORT;
  const host = values.host ?? process.env.ONSHI_SIM_SERVER_HOST ?? DEFAULT_HOST;
  const sync = process.env.ONSHI_SIM_DB_SYNC;
  if (sync && sync !== "normal" && sync !== "full") throw new Error(`ONSHI_SIM_DB_SYNC must be normal or full, got "${sync}"`);
  const faceEncoding = values["face-encoding"] ?? process.env.ONSHI_SIM_FACE_ENCODING;
  const dataDir = serverDataDir();
  const server = await createServer({
    dataDir,
    reseed: values.reseed,
    nonceTtlMs: intFrom(process.env.ONSHI_SIM_NONCE_TTL_MS, "ONSHI_SIM_NONCE_TTL_MS"),
    maxNoncesPerFacility: intFrom(process.env.ONSHI_SIM_NONCE_MAX_PER_FACILITY, "ONSHI_SIM_NONCE_MAX_PER_FACILITY"),
    maxOutstandingNonces: intFrom(process.env.ONSHI_SIM_NONCE_MAX_OUTSTANDING, "ONSHI_SIM_NONCE_MAX_OUTSTANDING"),
    folderQuietMs: intFrom(process.env.ONSHI_SIM_OQS_QUIET_MS, "ONSHI_SIM_OQS_QUIET_MS"),
    faceCharacterCode: faceEncoding ? parseFaceEncoding(faceEncoding) : undefined,
    bulkProcessingMs: intFrom(process.env.ONSHI_SIM_BULK_PROCESSING_MS, "ONSHI_SIM_BULK_PROCESSING_MS"),
    bulkMaxPersons: intFrom(process.env.ONSHI_SIM_BULK_MAX_PERSONS, "ONSHI_SIM_BULK_MAX_PERSONS"),
    durability: sync === "full" ? "full" : "normal",
    allowedHosts: allowedHostsFromEnv(),
  });
  const { url } = await server.listen(port, host);
  // The details go to stderr first; then one line on stdout, the one a supervisor waits for.
  if (!values.quiet) {
    const tokenSource = process.env.ONSHI_SIM_ADMIN_TOKEN ? "ONSHI_SIM_ADMIN_TOKEN" : join(dataDir, "admin-token");
    console.error(`onshi-sim server: admin token (${tokenSource}): ${server.adminToken}`);
    console.error(`onshi-sim server: database ${server.dbPath}; OQS folders ${join(dataDir, "oqs")}; API docs ${url}/api/docs`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`onshi-sim server: ${signal}, closing`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  // Only now: a supervisor may send SIGTERM the moment it reads this line.
  console.log(`onshi-sim server listening on ${url}`);
}

// A stray rejection is logged, not fatal: one bad request must not take the server down.
process.on("unhandledRejection", (e) => console.error(`onshi-sim server: unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));

main().catch((e: unknown) => {
  // What the user can fix gets its message (which says how), not a stack trace.
  if (e instanceof SeedError) console.error(e.message);
  else if (e instanceof DataFolderInUseError || e instanceof DatabaseDamagedError) console.error(`onshi-sim server: ${e.message}`);
  else console.error(`onshi-sim server: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
