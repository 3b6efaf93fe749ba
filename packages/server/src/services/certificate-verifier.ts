/**
 * Parses user-auth certificates and checks them against the trusted JPKI (test) CA. Parsed certificates are
 * cached by their base64 text — the same card presents the same bytes every time — so the hot path pays for
 * parsing and the chain signature once per card.
 */
import { createHash, X509Certificate, type KeyObject } from "node:crypto";
import { jstDate, type CompactDate } from "../time/jst.js";

export interface InspectedCertificate {
  readonly serial: string; // uppercase hex, no leading zeros
  readonly derSha256Hex: string;
  readonly publicKey: KeyObject;
  readonly notBefore: CompactDate; // first valid day (Japan date of notBefore)
  readonly notAfter: CompactDate; // last valid day (see lastValidDay)
  readonly chainsToTrustedCa: boolean;
}

/**
 * The last day a certificate is valid. JPKI writes the end of a day in Japan as 14:59:59Z, whose UTC date is
 * that Japan day; generators that write 23:59:59Z or 00:00:00Z mean the same calendar day, and their UTC date is
 * that day too — the Japan date would be a day late for 23:59:59Z. So the UTC date is the one reading that
 * holds for every encoding of "valid through day X".
 */
export function lastValidDay(notAfter: Date): CompactDate {
  return notAfter.toISOString().slice(0, 10).replaceAll("-", "");
}

import { normalizeSerial } from "../domain/certificate-serial.js";

export { normalizeSerial };

const MAX_CACHE = 10_000;

export class CertificateVerifier {
  private readonly cas: X509Certificate[];
  private readonly cache = new Map<string, InspectedCertificate | null>();

  constructor(trustedCaDers: readonly Uint8Array[]) {
    this.cas = trustedCaDers.map((der) => new X509Certificate(der));
  }

  /** null: not a parseable X.509 certificate. */
  inspect(base64Der: string): InspectedCertificate | null {
    const hit = this.cache.get(base64Der);
    if (hit !== undefined) return hit;
    const result = this.parse(base64Der);
    if (this.cache.size >= MAX_CACHE) this.cache.clear();
    this.cache.set(base64Der, result);
    return result;
  }

  private parse(base64Der: string): InspectedCertificate | null {
    const der = Buffer.from(base64Der, "base64");
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(der);
    } catch {
      return null;
    }
    const notBefore = Date.parse(cert.validFrom);
    const notAfter = Date.parse(cert.validTo);
    if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) return null;
    const chainsToTrustedCa = this.cas.some((ca) => {
      try {
        return cert.checkIssued(ca) && cert.verify(ca.publicKey);
      } catch {
        return false;
      }
    });
    return {
      serial: normalizeSerial(cert.serialNumber),
      derSha256Hex: createHash("sha256").update(der).digest("hex"),
      publicKey: cert.publicKey,
      notBefore: jstDate(new Date(notBefore)),
      notAfter: lastValidDay(new Date(notAfter)),
      chainsToTrustedCa,
    };
  }
}
