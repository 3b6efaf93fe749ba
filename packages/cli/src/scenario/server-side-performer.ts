/**
 * The steps that happen at the server rather than at the kiosk — the trainer's admin changes, the レセコン's
 * lookup, 保険証利用登録 at a reader of its own — performed the same way whichever performer plays the kiosk.
 */
import { X509Certificate } from "node:crypto";
import { findCardFixture } from "@onshi-sim/jpki-testkit";
import { CardChannel, MyNumberCardClient } from "@onshi-sim/card-client";
import { fromLoadedCard, VirtualMyNumberCard, type CardStateStore } from "@onshi-sim/card-sim";
import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { createServerClient, ServerApiError, type InsuranceQualificationRequest, type ServerClient } from "@onshi-sim/server/protocol";
import { RececonSteps } from "./rececon-steps.js";
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
  readonly rececon: RececonSteps;
  readonly #server: ServerClient;

  constructor(readonly options: ServerSideOptions) {
    const server = (this.#server = createServerClient({ baseUrl: options.serverUrl, adminToken: options.adminToken, timeoutMs: 10_000 }));
    this.rececon = new RececonSteps(options.serverUrl, options.facility);
    this.admin = {
      reseed: async () => void (await server.reseed()),
      applyServerScenario: async (name) => void (await server.applyServerScenario({ params: { name } })),
      personAction: async (personId, action) => void (await server.personAction({ params: { personId }, body: action })),
      addFault: async (fault) => void (await server.addFault({ body: fault })),
      clearFaults: async () => void (await server.clearFaults()),
      clock: async () => (await server.clock()).date,
      setClock: async (date) => void (await server.setClock({ body: { date } })),
    };
  }

  async lookup(request: InsuranceQualificationRequest, timeoutMs: number): Promise<LookupAnswer> {
    try {
      return { status: 200, response: await this.#server.lookupByInsurance({ body: request, timeoutMs }), errorCode: null };
    } catch (e) {
      return refusal(e);
    }
  }

  async register(cardId: string, pin: string, simulationDate: string | undefined, timeoutMs: number): Promise<RegistrationAnswer> {
    const { facility, fixtureCas } = this.options;
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
      let nonce: string;
      try {
        ({ nonce } = await this.#server.nonce({ body: { medicalInstitutionCode: facility }, timeoutMs }));
      } catch (e) {
        throw new StepFailure(`no nonce (HTTP ${refusal(e).status})`);
      }
      const signature = await client.signWithUserAuthKey(Buffer.from(nonce, "base64url"));
      try {
        await this.#server.register({
          body: {
            medicalInstitutionCode: facility,
            nonce,
            certificate: Buffer.from(certificate).toString("base64"),
            signature: Buffer.from(signature).toString("base64"),
            ...(simulationDate ? { simulationDate } : {}),
          },
          timeoutMs,
        });
        return { status: 200, registered: true, errorCode: null };
      } catch (e) {
        const { status, errorCode } = refusal(e);
        return { status, registered: false, errorCode };
      }
    } finally {
      await transport.close();
      card?.release(); // back in the patient's hand: the kiosk reader may take it next
    }
  }
}

/** A call the server answered with an error (its status and result code); anything else (down, timeout) is thrown on. */
function refusal(e: unknown): { status: number; response: undefined; errorCode: string | null } {
  if (e instanceof ServerApiError && e.status !== undefined) return { status: e.status, response: undefined, errorCode: e.code ?? null };
  throw e;
}
