/**
 * createServer: opens (and migrates) the database, seeds it when empty, wires the services and the HTTP app,
 * and optionally starts the folder interface. Tests pass a temp db path, a clock, folders and a preloaded seed.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import {
  DEFAULT_HOST,
  DEFAULT_NONCE_TTL_MS,
  DEFAULT_SESSION_TTL_MS,
  defaultOqsFolders,
  FIXTURE_PATHS,
  serverDataDir,
  type OqsFolders,
} from "./config.js";
import { DatabaseDamagedError, isEmptyDatabaseFile, moveDatabaseAside, openDatabase, type Durability, type SqliteDatabase } from "./db/database.js";
import { Checkpointer } from "./db/checkpointer.js";
import { GroupCommit } from "./db/group-commit.js";
import { createApp, type ApiListener } from "./http/app.js";
import { lockDataFolder } from "./lock/data-folder-lock.js";
import type { PidLock } from "@onshi-sim/pid-lock";
import { ServedHosts } from "./http/served-hosts.js";
import { OqsFolderInterface } from "./oqs/folder-interface.js";
import { OqsProcessor } from "./oqs/oqs-processor.js";
import type { CharacterCode } from "./oqs/xml-codec.js";
import type { FaultCreateRequest } from "./protocol/schemas.js";
import { loadFixtureCards, loadTrustedCaDer } from "./seed/fixture-sources.js";
import { loadSeed, type CardFixtureInfo, type SeedData } from "./seed/seed-loader.js";
import { isSeeded, reseed } from "./seed/seeder.js";
import { AuditLog } from "./services/audit-log.js";
import { CertificateVerifier } from "./services/certificate-verifier.js";
import { ConsentService } from "./services/consent-service.js";
import { DeviceRegistry } from "./services/device-registry.js";
import { FaultInjector } from "./services/fault-injector.js";
import { NonceStore } from "./services/nonce-store.js";
import { QualificationService } from "./services/qualification-service.js";
import { ScenarioService } from "./services/scenario-service.js";
import { SessionService } from "./services/session-service.js";
import { SimulationClock } from "./services/simulation-clock.js";
import { BulkService } from "./oqs/bulk-service.js";
import { MedicalInfoService } from "./oqs/medical-info-service.js";
import { loadMedicalRecords, type MedicalRecords } from "./services/medical-records.js";
import { ReferenceService } from "./services/reference-service.js";
import { RececonProcessor } from "./oqs/rececon-processor.js";
import type { ServerContext } from "./server-context.js";
import { CardLinkStore } from "./store/card-link-store.js";
import { ConfirmationStore } from "./store/confirmation-store.js";
import { DataVersion } from "./store/data-version.js";
import { QualificationStore } from "./store/qualification-store.js";
import { ReferenceNumberStore } from "./store/reference-number-store.js";
import { BenefitLookups } from "./services/benefit-lookups.js";
import { BenefitStore } from "./store/benefit-store.js";

export const SERVER_VERSION = "0.1.0";

export interface ServerOptions {
  /** Folder for the database, admin token and OQS folders (default <data>/server). */
  readonly dataDir?: string;
  /** SQLite file (default <dataDir>/onshi.sqlite); ":memory:" for throwaway tests. */
  readonly dbPath?: string;
  readonly durability?: Durability;
  /** The clock (default the real one); the simulation date defaults to its Japan date. */
  readonly now?: () => Date;
  /** Default: ONSHI_SIM_ADMIN_TOKEN, else the one stored in <dataDir>/admin-token, else a new random one written there. */
  readonly adminToken?: string;
  readonly nonceTtlMs?: number;
  /** Outstanding nonces one facility may hold (default 1,000; more → 429 R012) and all together (default 100,000; → 503 R009). */
  readonly maxNoncesPerFacility?: number;
  readonly maxOutstandingNonces?: number;
  readonly sessionTtlMs?: number;
  readonly oqsFolders?: Partial<OqsFolders>;
  /** Start watching the req folder (default true). */
  readonly watchFolders?: boolean;
  readonly rescanMs?: number;
  /** A request file is taken once unchanged this long (default 2000 ms; the folder interface explains). */
  readonly folderQuietMs?: number;
  readonly faceCharacterCode?: CharacterCode;
  /** 一括照会: how long a batch stays 処理中 (SegmentOfResult 2; default 3000 ms) and how many people one may list (default 100). */
  readonly bulkProcessingMs?: number;
  readonly bulkMaxPersons?: number;
  /** The seeded 薬剤・特定健診情報 (default fixtures/insurance/medical-records.json). */
  readonly medicalRecordsFile?: string;
  /** Faults active from the start. */
  readonly faults?: readonly FaultCreateRequest[];
  /** Seed source: preloaded data, or where to read it (default fixtures/insurance, fixtures/devices, the card fixtures). */
  readonly seed?: SeedData;
  readonly seedSources?: { readonly insuranceDir?: string; readonly devicesDir?: string; readonly cards?: readonly CardFixtureInfo[] };
  /** Trusted CA certificates (DER); default the fixture JPKI test CA. */
  readonly trustedCaDers?: readonly Uint8Array[];
  /** Reseed even if the database has data; a damaged database file is moved aside first. */
  readonly reseed?: boolean;
  /**
   * Host names the server answers for besides 127.0.0.1, localhost and [::1] (and the address it is reached on),
   * e.g. a LAN name for レセコン on other machines; "name:port" for a proxy. Default none (main.ts reads
   * ONSHI_SIM_ALLOWED_HOSTS). See served-hosts.ts.
   */
  readonly allowedHosts?: readonly string[];
  readonly log?: (line: string) => void;
}

export interface OnshiServer {
  /** The request listener (node http, supertest): the card path's two calls, and express behind them. */
  readonly app: ApiListener;
  readonly context: ServerContext;
  readonly folders: OqsFolderInterface;
  readonly adminToken: string;
  readonly dbPath: string;
  listen(port?: number, host?: string): Promise<{ url: string; port: number; server: Server }>;
  close(): Promise<void>;
}

function resolveAdminToken(dataDir: string, given: string | undefined, persist: boolean): string {
  if (given) return given;
  const env = process.env.ONSHI_SIM_ADMIN_TOKEN;
  if (env) return env;
  if (!persist) return randomBytes(24).toString("base64url");
  const file = join(dataDir, "admin-token");
  try {
    const stored = readFileSync(file, "utf8").trim();
    if (stored) return stored;
  } catch {
    // first start: create it below
  }
  const token = randomBytes(24).toString("base64url");
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, token + "\n", { mode: 0o600 });
  return token;
}

/**
 * Opens the database, checked. With `reseed`, a damaged file is moved aside and a fresh one made; without,
 * DatabaseDamagedError says how to recover. An empty file (0 bytes, no WAL) is simply seeded.
 */
function openServerDatabase(dbPath: string, options: ServerOptions, log: (line: string) => void): { db: SqliteDatabase; empty: boolean } {
  const empty = dbPath !== ":memory:" && isEmptyDatabaseFile(dbPath);
  if (empty) log(`database ${dbPath} is empty (0 bytes): seeding it`);
  try {
    return { db: openDatabase({ path: dbPath, durability: options.durability }), empty };
  } catch (e) {
    if (!(e instanceof DatabaseDamagedError) || !options.reseed) throw e;
    const aside = moveDatabaseAside(dbPath);
    log(`database ${dbPath} is damaged (${e.problem}); moved it aside to ${aside} (with its -wal and -shm) and starting from the seed`);
    return { db: openDatabase({ path: dbPath, durability: options.durability }), empty: true };
  }
}

export async function createServer(options: ServerOptions = {}): Promise<OnshiServer> {
  const dataDir = options.dataDir ?? serverDataDir();
  const dbPath = options.dbPath ?? join(dataDir, "onshi.sqlite");
  const now = options.now ?? (() => new Date());
  const log = options.log ?? ((line: string) => console.error(`onshi-sim server: ${line}`));
  // A server that keeps anything in its data folder (the database, the OQS folders) owns it: taken before
  // the first file is touched, so a second server changes nothing before it is refused.
  const folderLock: PidLock | null = dbPath !== ":memory:" || (options.watchFolders ?? true) ? lockDataFolder(dataDir) : null;
  try {
    return await startServer(options, { dataDir, dbPath, now, log, folderLock });
  } catch (e) {
    folderLock?.release();
    throw e;
  }
}

async function startServer(
  options: ServerOptions,
  { dataDir, dbPath, now, log, folderLock }: { dataDir: string; dbPath: string; now: () => Date; log: (line: string) => void; folderLock: PidLock | null },
): Promise<OnshiServer> {
  const adminToken = resolveAdminToken(dataDir, options.adminToken, dbPath !== ":memory:");
  const servedHosts = new ServedHosts(options.allowedHosts);
  const sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;

  let seedCache: SeedData | null = options.seed ?? null;
  const loadSeedData = async (): Promise<SeedData> => {
    const cards = options.seedSources?.cards ?? (await loadFixtureCards());
    return loadSeed({
      insuranceDir: options.seedSources?.insuranceDir ?? FIXTURE_PATHS.insurance,
      devicesDir: options.seedSources?.devicesDir ?? FIXTURE_PATHS.devices,
      cards,
    });
  };
  const trusted = options.trustedCaDers ?? [await loadTrustedCaDer()];

  const { db, empty } = openServerDatabase(dbPath, options, log);
  try {
    if (options.reseed || empty || !isSeeded(db)) {
      seedCache ??= await loadSeedData();
      reseed(db, seedCache);
      for (const w of seedCache.warnings) log(`seed: ${w}`);
    }
  } catch (e) {
    db.close();
    throw e;
  }

  const checkpointer = dbPath === ":memory:" ? null : new Checkpointer(db, dbPath);
  const store = new QualificationStore(db);
  const links = new CardLinkStore(db);
  const confirmations = new ConfirmationStore(db);
  const audit = new AuditLog(db, now);
  const faults = new FaultInjector(db, now);
  for (const f of options.faults ?? []) faults.add(f);
  const devices = new DeviceRegistry(db);
  const nonces = new NonceStore({
    ttlMs: options.nonceTtlMs ?? DEFAULT_NONCE_TTL_MS,
    now: () => now().getTime(),
    maxPerFacility: options.maxNoncesPerFacility,
    maxOutstanding: options.maxOutstandingNonces,
  });
  const certificates = new CertificateVerifier(trusted);
  const dataVersion = new DataVersion();
  const clock = new SimulationClock(db, now);
  const references = new ReferenceNumberStore(db, dataVersion);
  const consents = new ConsentService(db, confirmations, audit, now, sessionTtlMs, dataVersion);
  const commits = new GroupCommit(db, checkpointer ? { checkpoint: () => checkpointer.checkpoint() } : {});
  const benefitStore = new BenefitStore(db);
  const benefits = new BenefitLookups(benefitStore, links);
  const qualifications = new QualificationService({ store, links, confirmations, consents, nonces, certificates, devices, audit, commits, dataVersion, now, clock, references, benefits });
  const referenceService = new ReferenceService(store, references, audit, clock);
  const bulk = new BulkService(db, qualifications, referenceService, now, { processingMs: options.bulkProcessingMs, maxPersons: options.bulkMaxPersons });
  let medicalRecords: MedicalRecords | null = null;
  const records = () => (medicalRecords ??= loadMedicalRecords(options.medicalRecordsFile ?? join(FIXTURE_PATHS.insurance, "medical-records.json")));
  const medicalInfo = new MedicalInfoService(db, store, consents, audit, clock, records);
  const oqs = new OqsProcessor(qualifications, faults, audit, now, clock, new RececonProcessor(bulk, referenceService, medicalInfo, clock));
  const oqsFolders: OqsFolders = { ...defaultOqsFolders(dataDir), ...options.oqsFolders };
  const folders = new OqsFolderInterface({ folders: oqsFolders, processor: oqs, rescanMs: options.rescanMs, quietMs: options.folderQuietMs, faceCharacterCode: options.faceCharacterCode, log });
  const sessions = new SessionService(confirmations, qualifications, folders, audit, now, sessionTtlMs);
  const currentSeed = () => {
    if (!seedCache) throw new Error("seed not loaded");
    return seedCache;
  };
  const scenarios = new ScenarioService(db, store, links, audit, currentSeed, () => clock.today(), dataVersion);

  const context: ServerContext = {
    version: SERVER_VERSION,
    now,
    clock,
    adminToken,
    log,
    db,
    nonces,
    certificates,
    devices,
    audit,
    faults,
    consents,
    qualifications,
    sessions,
    scenarios,
    oqs,
    folders,
    medicalInfo,
    async reseed() {
      // Re-read the files so edits to fixtures/insurance take effect (a preloaded seed is reused as given).
      seedCache = options.seed ?? (await loadSeedData());
      const summary = reseed(db, seedCache);
      dataVersion.bump();
      devices.invalidate();
      faults.reload();
      audit.record({ channel: "admin", detail: { action: "reseed", ...summary } });
      return { summary, warnings: seedCache.warnings };
    },
  };
  // "restore" needs the seed even when the database was already seeded at start.
  const ensureSeedLoaded = async () => {
    seedCache ??= await loadSeedData();
  };
  await ensureSeedLoaded();

  const app = createApp(context, servedHosts);
  if (options.watchFolders ?? true) await folders.start();
  else await folders.ensureFolders();

  const servers: Server[] = [];
  let closed = false;
  return {
    app,
    context,
    folders,
    adminToken,
    dbPath,
    listen(port = 0, host = DEFAULT_HOST) {
      return new Promise((resolve, reject) => {
        const server = createHttpServer(app);
        server.keepAliveTimeout = 65_000;
        server.headersTimeout = 66_000;
        server.once("error", reject);
        server.listen(port, host, () => {
          servers.push(server);
          const addr = server.address() as AddressInfo;
          const url = `http://${host}:${addr.port}`;
          // A second server refused on this folder names where this one answers.
          if (servers.length === 1) folderLock?.update({ url });
          resolve({ url, port: addr.port, server });
        });
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      await folders.stop();
      await checkpointer?.close();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
      db.pragma("wal_checkpoint(TRUNCATE)");
      db.close();
      folderLock?.release();
    },
  };
}
