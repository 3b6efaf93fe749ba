/**
 * The reader device key (the 特定機関認証 stand-in that attests face and 目視 confirmations). The simulator's
 * own devices are registered with the mock server from fixtures/devices/ (test keys, committed on purpose).
 */
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEVICES_DIR } from "@onshi-sim/jpki-testkit";
import type { ReaderDevice } from "../qualification/qualification-client.js";

/** `reader-device-01` is registered for any facility. */
export const DEFAULT_DEVICE_ID = "reader-device-01";

export function loadReaderDevice(deviceId: string = DEFAULT_DEVICE_ID, keyFile?: string): ReaderDevice {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(deviceId)) throw new Error(`invalid device id ${JSON.stringify(deviceId)}`);
  const path = keyFile ?? join(DEVICES_DIR, `${deviceId}.key.pem`);
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (e) {
    throw new Error(`cannot read the key of reader device "${deviceId}" (${path}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { deviceId, privateKey: createPrivateKey(pem) };
}
