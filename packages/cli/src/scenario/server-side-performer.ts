/**
 * The steps that happen at the server rather than at the kiosk — the trainer's admin changes, the レセコン's
 * lookup, 保険証利用登録 at a reader of its own — performed the same way whichever performer plays the kiosk.
 */
import { X509Certificate } from "node:crypto";
import { findCardFixture } from "@onshi-sim/jpki-testkit";
import { CardChannel, MyNumberCardClient } from "@onshi-sim/card-client";
import { fromLoadedCard, VirtualMyNumberCard, type CardStateStore } from "@onshi-sim/card-sim";
import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { QualificationResponse, RegistrationResponse, type FaultCreateRequest, type InsuranceQualificationRequest, type PersonAction } from "@onshi-sim/server/protocol";
import { StepFailure, type LookupAnswer, type RegistrationAnswer, type ScenarioAdmin, type ServerSidePerformer } from "./scenario-performer.js";

export interface ServerSideOptions {
  readonly serverUrl: string;
  readonly adminToken: string;
  readonly facility: string;
  readonly fixtureCas: readonly X509Certificate[];
  /** The scenario's card counter store (a PIN locked at the kiosk stays locked at the registration reader). */
  readonly cardStore: () => CardStateStore;
}

export class ServerSideSteps implements ServerSidePerformer {
  readonly admin: ScenarioAdmin;
  constructor(readonly options: ServerSideOptions) {
    const call = (method: "POST" | "DELETE", path: string, body?: unknown) => this.#admin(method, path, body).then(() => undefined);
    this.admin = {
      reseed: () => call("POST", "/api/admin/reseed"),
      applyServerScenario: (name: string) => call("POST", `/api/admin/scenarios/${encodeURIComponent(name)}`),
      personAction: (personId: string, action: PersonAction) => call("POST", `/api/admin/persons/${encodeURIComponent(personId)}/actions`, action),
      addFault: (fault: FaultCreateRequest) => call("POST", "/api/admin/faults", fault),
      clearFaults: () => call("DELETE", "/api/admin/faults"),
    };
  }

  async lookup(request: InsuranceQualificationRequest, timeoutMs: number): Promise<LookupAnswer> {
    const res = await fetch(new URL("/api/v1/qualifications/insurance", this.options.serverUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json: unknown = await res.json().catch(() => undefined);
    const parsed = QualificationResponse.safeParse(json);
    return { status: res.status, response: parsed.success ? parsed.data : undefined, errorCode: parsed.success ? null : errorCodeOf(json) };
  }

  async register(cardId: string, pin: string, simulationDate: string | undefined, timeoutMs: number): Promise<RegistrationAnswer> {
    const { facility, fixtureCas, serverUrl } = this.options;
    const reader = "onshi-sim Registration Reader";
    const transport = new MemoryReaderTransport([reader]);
    await transport.start();
    let card: VirtualMyNumberCard | undefined;
    try {
      const loaded = await findCardFixture(cardId);
      card = new VirtualMyNumberCard(fromLoadedCard(loaded), { stateStore: this.options.cardStore(), holder: "the registration step's reader" });
      transport.insert(card, reader);
      const client = new MyNumberCardClient(new CardChannel(transport, reader), { fixtureCas });
      await client.identify();
      const certificate = await client.readUserAuthCertificate();
      const verified = await client.verify("userAuth", pin);
      if (!verified.ok) throw new StepFailure(`the card refused the PIN (${"triesLeft" in verified ? `${verified.triesLeft} tries left` : "locked"})`);
      const post = async (path: string, body: unknown) => {
        const res = await fetch(new URL(path, serverUrl), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
        return { status: res.status, json: (await res.json().catch(() => undefined)) as unknown };
      };
      const n = await post("/api/v1/nonces", { medicalInstitutionCode: facility });
      const nonce = (n.json as { nonce?: string } | undefined)?.nonce;
      if (!nonce) throw new StepFailure(`no nonce (HTTP ${n.status})`);
      const signature = await client.signWithUserAuthKey(Buffer.from(nonce, "base64url"));
      const r = await post("/api/v1/registrations", {
        medicalInstitutionCode: facility,
        nonce,
        certificate: Buffer.from(certificate).toString("base64"),
        signature: Buffer.from(signature).toString("base64"),
        ...(simulationDate ? { simulationDate } : {}),
      });
      const ok = RegistrationResponse.safeParse(r.json);
      return { status: r.status, registered: ok.success, errorCode: ok.success ? null : errorCodeOf(r.json) };
    } finally {
      await transport.close();
      card?.release(); // back in the patient's hand: the kiosk reader may take it next
    }
  }

  async #admin(method: "POST" | "DELETE", path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(new URL(path, this.options.serverUrl), {
      method,
      headers: { authorization: `Bearer ${this.options.adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new Error(`admin ${method} ${path} → HTTP ${res.status}${err ? ` ${err.code}: ${err.message}` : ""}`);
    }
    return json;
  }
}

const errorCodeOf = (json: unknown): string | null => (json as { error?: { code?: string } } | undefined)?.error?.code ?? null;
