/** Registered reader devices (the 特定機関認証 stand-in), with parsed public keys cached in memory. */
import { createPublicKey, type KeyObject } from "node:crypto";
import type { SqliteDatabase } from "../db/database.js";

export interface RegisteredDevice {
  readonly deviceId: string;
  readonly publicKey: KeyObject;
  readonly medicalInstitutionCode: string | null;
  readonly status: "active" | "revoked";
  readonly description: string | null;
}

interface DeviceRow {
  device_id: string;
  public_key_pem: string;
  medical_institution_code: string | null;
  status: "active" | "revoked";
  description: string | null;
}

export class DeviceRegistry {
  private cache: Map<string, RegisteredDevice> | null = null;

  constructor(private readonly db: SqliteDatabase) {}

  private load(): Map<string, RegisteredDevice> {
    if (this.cache) return this.cache;
    const rows = this.db.prepare<[], DeviceRow>("SELECT * FROM devices ORDER BY device_id").all();
    this.cache = new Map(
      rows.map((r) => [
        r.device_id,
        { deviceId: r.device_id, publicKey: createPublicKey(r.public_key_pem), medicalInstitutionCode: r.medical_institution_code, status: r.status, description: r.description },
      ]),
    );
    return this.cache;
  }

  get(deviceId: string): RegisteredDevice | null {
    return this.load().get(deviceId) ?? null;
  }

  list(): RegisteredDevice[] {
    return [...this.load().values()];
  }

  /** Registers or replaces a device; throws on a key that does not parse. */
  register(d: { deviceId: string; publicKeyPem: string; medicalInstitutionCode: string | null; description: string | null }): RegisteredDevice {
    createPublicKey(d.publicKeyPem);
    this.db
      .prepare("INSERT OR REPLACE INTO devices (device_id, public_key_pem, medical_institution_code, status, description) VALUES (?, ?, ?, 'active', ?)")
      .run(d.deviceId, d.publicKeyPem, d.medicalInstitutionCode, d.description);
    this.invalidate();
    return this.get(d.deviceId)!;
  }

  setStatus(deviceId: string, status: "active" | "revoked"): boolean {
    const n = this.db.prepare("UPDATE devices SET status = ? WHERE device_id = ?").run(status, deviceId).changes;
    this.invalidate();
    return n > 0;
  }

  invalidate(): void {
    this.cache = null;
  }
}
