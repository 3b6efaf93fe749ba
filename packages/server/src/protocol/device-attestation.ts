/**
 * The face / 目視 path's proof: instead of a PIN signature by the card, a registered reader device (the
 * 特定機関認証 stand-in) signs a canonical text binding the nonce, the exact certificate read from the card,
 * the method and the device. Ed25519 keys sign the UTF-8 bytes directly; EC/RSA keys sign them with SHA-256.
 */
import { createHash, sign, verify, type KeyObject } from "node:crypto";

export const DEVICE_ATTESTATION_VERSION = "onshi-sim/device-attestation/v1";

export interface DeviceAttestationFields {
  readonly nonce: string; // base64url, as issued
  readonly certificateSha256Hex: string; // lowercase hex SHA-256 of the certificate DER
  readonly method: "face" | "visual";
  readonly deviceId: string;
  readonly medicalInstitutionCode: string;
}

export function certificateSha256Hex(certificateDer: Uint8Array): string {
  return createHash("sha256").update(certificateDer).digest("hex");
}

/** The exact bytes a device signs (lines joined with "\n", no trailing newline). */
export function deviceAttestationPayload(f: DeviceAttestationFields): Buffer {
  return Buffer.from(
    [
      DEVICE_ATTESTATION_VERSION,
      `nonce=${f.nonce}`,
      `certificate-sha256=${f.certificateSha256Hex}`,
      `method=${f.method}`,
      `device=${f.deviceId}`,
      `facility=${f.medicalInstitutionCode}`,
    ].join("\n"),
    "utf8",
  );
}

const digestFor = (key: KeyObject) => (key.asymmetricKeyType === "ed25519" || key.asymmetricKeyType === "ed448" ? null : "sha256");

/** Signs an attestation with a device private key; returns base64. */
export function signDeviceAttestation(f: DeviceAttestationFields, privateKey: KeyObject): string {
  return sign(digestFor(privateKey), deviceAttestationPayload(f), privateKey).toString("base64");
}

export function verifyDeviceAttestation(f: DeviceAttestationFields, signature: Buffer, publicKey: KeyObject): boolean {
  try {
    return verify(digestFor(publicKey), deviceAttestationPayload(f), publicKey, signature);
  } catch {
    return false;
  }
}
