/**
 * The agent's client of the mock オンライン資格確認等システム (the server owns the schemas; we import them).
 * Every call has a timeout, and every failure becomes a QualificationServerError with a stable code, so the
 * session can tell "the server is down" from "the server is slow" from "the server said no".
 */
import type { KeyObject } from "node:crypto";
import type { z } from "zod";
import {
  CardQualificationRequest,
  ConsentRequest,
  ConsentResponse,
  ErrorResponse,
  NonceResponse,
  QualificationResponse,
  RegistrationResponse,
  SessionCompleteResponse,
  certificateSha256Hex,
  signDeviceAttestation,
} from "@onshi-sim/server/protocol";

export type QualificationServerErrorCode = "server-unreachable" | "server-timeout" | "server-error" | "bad-response";

export class QualificationServerError extends Error {
  constructor(
    readonly code: QualificationServerErrorCode,
    message: string,
    readonly status?: number,
    readonly serverCode?: string,
  ) {
    super(message);
    this.name = "QualificationServerError";
  }
}

export interface QualificationClientOptions {
  readonly baseUrl: string; // e.g. http://127.0.0.1:8741
  readonly medicalInstitutionCode: string;
  readonly timeoutMs?: number;
  /** Optional trainer settings passed through to every card lookup. */
  readonly simulationDate?: string;
  readonly consentFlow?: "since-2024-10-07" | "before-2024-10-07";
  /** The 医療費助成 (PMH) screen: false = the municipality is not on PMH yet; unset = the server's default by date. */
  readonly publicExpenseScreen?: boolean;
}

/** The reader device (特定機関認証 stand-in) that attests face and 目視 confirmations. */
export interface ReaderDevice {
  readonly deviceId: string;
  readonly privateKey: KeyObject;
}

export type CardQualificationRequestBody = z.input<typeof CardQualificationRequest>;
export type QualificationResult = z.infer<typeof QualificationResponse>;
export type ConsentAnswer = z.input<typeof ConsentRequest>;

export class QualificationClient {
  readonly #options: QualificationClientOptions;

  constructor(options: QualificationClientOptions) {
    this.#options = options;
  }

  get medicalInstitutionCode(): string {
    return this.#options.medicalInstitutionCode;
  }

  async nonce(): Promise<z.infer<typeof NonceResponse>> {
    return this.#post("/api/v1/nonces", { medicalInstitutionCode: this.#options.medicalInstitutionCode }, NonceResponse);
  }

  /** PIN path: the card has signed the nonce's bytes with its user-auth key. */
  async confirmWithSignature(nonce: string, certificateDer: Uint8Array, signature: Uint8Array): Promise<QualificationResult> {
    return this.#confirm({ ...this.#common(nonce, certificateDer), method: "pin", signature: Buffer.from(signature).toString("base64") });
  }

  /** Face / 目視 path: the reader device attests what it checked. */
  async confirmWithDevice(nonce: string, certificateDer: Uint8Array, method: "face" | "visual", device: ReaderDevice): Promise<QualificationResult> {
    const signature = signDeviceAttestation(
      { nonce, certificateSha256Hex: certificateSha256Hex(certificateDer), method, deviceId: device.deviceId, medicalInstitutionCode: this.#options.medicalInstitutionCode },
      device.privateKey,
    );
    return this.#confirm({ ...this.#common(nonce, certificateDer), method, deviceAttestation: { deviceId: device.deviceId, signature } });
  }

  async consent(answer: ConsentAnswer): Promise<z.infer<typeof ConsentResponse>> {
    return this.#post("/api/v1/consents", answer, ConsentResponse);
  }

  /** 保険証利用登録 at the reader: the card signed the nonce (PIN verified). */
  async register(nonce: string, certificateDer: Uint8Array, signature: Uint8Array): Promise<z.infer<typeof RegistrationResponse>> {
    const { medicalInstitutionCode, simulationDate } = this.#options;
    const body = { medicalInstitutionCode, nonce, certificate: Buffer.from(certificateDer).toString("base64"), signature: Buffer.from(signature).toString("base64"), ...(simulationDate ? { simulationDate } : {}) };
    return this.#post("/api/v1/registrations", body, RegistrationResponse);
  }

  async complete(confirmationId: string): Promise<z.infer<typeof SessionCompleteResponse>> {
    return this.#post("/api/v1/sessions/complete", { confirmationId }, SessionCompleteResponse);
  }

  #common(nonce: string, certificateDer: Uint8Array) {
    return {
      medicalInstitutionCode: this.#options.medicalInstitutionCode,
      nonce,
      certificate: Buffer.from(certificateDer).toString("base64"),
      ...(this.#options.simulationDate ? { simulationDate: this.#options.simulationDate } : {}),
      ...(this.#options.consentFlow ? { consentFlow: this.#options.consentFlow } : {}),
      ...(this.#options.publicExpenseScreen !== undefined ? { publicExpenseScreen: this.#options.publicExpenseScreen } : {}),
    };
  }

  async #confirm(body: CardQualificationRequestBody): Promise<QualificationResult> {
    return this.#post("/api/v1/qualifications/card", body, QualificationResponse);
  }

  async #post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const timeoutMs = this.#options.timeoutMs ?? 5_000;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.#options.baseUrl), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      if (err.name === "TimeoutError" || err.name === "AbortError") throw new QualificationServerError("server-timeout", `no answer from the qualification server within ${timeoutMs} ms`);
      throw new QualificationServerError("server-unreachable", `cannot reach the qualification server at ${this.#options.baseUrl}: ${(err.cause as Error | undefined)?.message ?? err.message}`);
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new QualificationServerError(res.ok ? "bad-response" : "server-error", `the qualification server answered HTTP ${res.status} without JSON`, res.status);
    }
    if (!res.ok) {
      const parsed = ErrorResponse.safeParse(json);
      const code = parsed.success ? parsed.data.error.code : undefined;
      const message = parsed.success ? parsed.data.error.message : `HTTP ${res.status}`;
      throw new QualificationServerError("server-error", `the qualification server refused (${res.status}${code ? ` ${code}` : ""}): ${message}`, res.status, code);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new QualificationServerError("bad-response", `unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return parsed.data;
  }
}
