/** Everything a request handler can reach, wired once per server instance. */
import type { SqliteDatabase } from "./db/database.js";
import type { OqsFolderInterface } from "./oqs/folder-interface.js";
import type { OqsProcessor } from "./oqs/oqs-processor.js";
import type { SeedSummary } from "./seed/seeder.js";
import type { AuditLog } from "./services/audit-log.js";
import type { CertificateVerifier } from "./services/certificate-verifier.js";
import type { ConsentService } from "./services/consent-service.js";
import type { DeviceRegistry } from "./services/device-registry.js";
import type { FaultInjector } from "./services/fault-injector.js";
import type { NonceStore } from "./services/nonce-store.js";
import type { QualificationService } from "./services/qualification-service.js";
import type { ScenarioService } from "./services/scenario-service.js";
import type { SessionService } from "./services/session-service.js";
import type { SimulationClock } from "./services/simulation-clock.js";
import type { MedicalInfoService } from "./oqs/medical-info-service.js";

export interface ServerContext {
  readonly version: string;
  readonly now: () => Date;
  /** The simulation date of requests without one (PUT /api/admin/clock). */
  readonly clock: SimulationClock;
  readonly adminToken: string;
  readonly log: (line: string) => void;
  readonly db: SqliteDatabase;
  readonly nonces: NonceStore;
  readonly certificates: CertificateVerifier;
  readonly devices: DeviceRegistry;
  readonly audit: AuditLog;
  readonly faults: FaultInjector;
  readonly consents: ConsentService;
  readonly qualifications: QualificationService;
  readonly sessions: SessionService;
  readonly scenarios: ScenarioService;
  readonly oqs: OqsProcessor;
  readonly folders: OqsFolderInterface;
  /** 薬剤・特定健診情報 and who may see them (also for the reception page). */
  readonly medicalInfo: MedicalInfoService;
  reseed(): Promise<{ summary: SeedSummary; warnings: readonly string[] }>;
}
