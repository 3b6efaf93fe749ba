import { createHash } from "node:crypto";
import { fromHex } from "@onshi-sim/apdu";

/** A SHA-256 DigestInfo (PKCS#1 v1.5), built here: the card side does not import the host-side client. */
export const sha256DigestInfo = (data: Uint8Array): Uint8Array =>
  Uint8Array.from([...fromHex("3031300d060960864801650304020105000420"), ...createHash("sha256").update(data).digest()]);
