/**
 * The agent's client of the mock オンライン資格確認等システム, over the server's typed client (the server owns
 * the routes and schemas; createServerClient derives the calls from them).
 * Every call has a timeout, and every failure becomes a QualificationServerError with a stable code, so the
 * session can tell "the server is down" from "the server is slow" from "the server said no".
 */
import type { KeyObject } from "node:crypto";
import type { z } from "zod";
import {
  CardQualificationRequest,
  ConsentRequest,
  ConsentResponse,
  NonceResponse,
  QualificationResponse,
  RegistrationResponse,
  SessionCompleteResponse,
  certificateSha256Hex,
  createServerClient,
  ServerApiError,
  signDeviceAttestation,
  type RouteInput,
  type RouteOutput,
  type ServerClient,
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
  /** Default the global fetch (tests record calls with their own). */
  readonly fetch?: typeof globalThis.fetch;
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
  readonly #server: ServerClient;

  constructor(options: QualificationClientOptions) {
    this.#options = options;
    this.#server = createServerClient({ baseUrl: options.baseUrl, ...(options.fetch ? { fetch: options.fetch } : {}) });
  }

  get medicalInstitutionCode(): string {
    return this.#options.medicalInstitutionCode;
  }

  async nonce(): Promise<z.infer<typeof NonceResponse>> {
    return this.#post("nonce", { medicalInstitutionCode: this.#options.medicalInstitutionCode });
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
    return this.#post("consent", answer);
  }

  /** 保険証利用登録 at the reader: the card signed the nonce (PIN verified). */
  async register(nonce: string, certificateDer: Uint8Array, signature: Uint8Array): Promise<z.infer<typeof RegistrationResponse>> {
    const { medicalInstitutionCode, simulationDate } = this.#options;
    const body = { medicalInstitutionCode, nonce, certificate: Buffer.from(certificateDer).toString("base64"), signature: Buffer.from(signature).toString("base64"), ...(simulationDate ? { simulationDate } : {}) };
    return this.#post("register", body);
  }

  async complete(confirmationId: string): Promise<z.infer<typeof SessionCompleteResponse>> {
    return this.#post("completeSession", { confirmationId });
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
    return this.#post("confirmByCard", body);
  }

  async #post<K extends "nonce" | "confirmByCard" | "consent" | "completeSession" | "register">(route: K, body: RouteInput<K>["body"]): Promise<RouteOutput<K>> {
    const timeoutMs = this.#options.timeoutMs ?? 5_000;
    try {
      return (await (this.#server[route] as (input: { body: unknown; timeoutMs: number }) => Promise<RouteOutput<K>>)({ body, timeoutMs })) as RouteOutput<K>;
    } catch (e) {
      throw asQualificationError(e, timeoutMs, this.#options.baseUrl);
    }
  }
}

/** The session's words for a failed call: down, slow, said no, or answered nonsense. */
function asQualificationError(e: unknown, timeoutMs: number, baseUrl: string): unknown {
  if (!(e instanceof ServerApiError)) return e;
  const { status, code, serverMessage, notJson, cause } = e.details;
  switch (e.kind) {
    case "timeout":
      return new QualificationServerError("server-timeout", `no answer from the qualification server within ${timeoutMs} ms`);
    case "unreachable": {
      const err = cause as Error;
      return new QualificationServerError("server-unreachable", `cannot reach the qualification server at ${baseUrl}: ${(err.cause as Error | undefined)?.message ?? err.message}`);
    }
    case "refused":
      if (notJson) return new QualificationServerError("server-error", `the qualification server answered HTTP ${status} without JSON`, status);
      return new QualificationServerError("server-error", `the qualification server refused (${status}${code ? ` ${code}` : ""}): ${serverMessage ?? `HTTP ${status}`}`, status, code);
    case "bad-response":
      return new QualificationServerError("bad-response", notJson ? `the qualification server answered HTTP ${status} without JSON` : e.message, notJson ? status : undefined);
  }
}
