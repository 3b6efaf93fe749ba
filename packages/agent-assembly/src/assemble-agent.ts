/**
 * assembleAgent(): the one place the reader agent is wired — its readers (memory slots, every PC/SC reader, or
 * one vpcd slot), what it knows of the simulator's own cards (the fixture CA, 照合番号B, which cards have a PIN),
 * the reader device key, face verification, and optionally dev:insert-card with the fixture cards. Used by
 * `onshi-sim agent` / `npm start`, the scenario runner, the kiosk-ui browser tests and the bench; the agent's own
 * tests call createAgent directly (they test the agent, not this wiring).
 *
 *   const { agent, close } = await assembleAgent({ readers: [{ kind: "memory" }], qualification, token, staffPin });
 */
import { X509Certificate } from "node:crypto";
import { isPhoneId, loadCardFixtures, loadPhoneFixtures, loadTestCa } from "@onshi-sim/jpki-testkit";
import { createAgent, type DevCardSlots, type FaceVerifier, type QualificationPort, type ReaderAgent, type ReaderDevice, type ReceptionSessionOptions } from "@onshi-sim/agent";
import type { WorkerFaceVerifierOptions } from "@onshi-sim/agent";
import { ensurePcscd, MemoryOwnerAuth, vpcdReaderName, type CardStateStore } from "@onshi-sim/card-sim";
import { DevCardError } from "@onshi-sim/agent";
import { MemoryReaderTransport, type ReaderTransport } from "@onshi-sim/reader-bindings";
import { fixtureCardFactory, knownFixtureCards, memoryDevCards, type ReleasableCard } from "./fixture-cards.js";
import { DEFAULT_DEVICE_ID, loadReaderDevice } from "./reader-device.js";
import { vpcdDevCards } from "./vpcd-dev-cards.js";

export type ReaderSetup =
  /** In-process slots (`names`, default one "onshi-sim Memory Reader 00"), or a memory transport given. */
  | { readonly kind: "memory"; readonly names?: readonly string[]; readonly transport?: MemoryReaderTransport }
  /** Every PC/SC reader (real readers, vpcd) the filter lets through; pcscd is started if it is not running. */
  | { readonly kind: "pcsc"; readonly readerFilter?: (name: string) => boolean }
  /** pcscd's vpcd slot N only ("Virtual PCD 00 0N"); dev cards go in through a VpcdBridge. */
  | { readonly kind: "vpcd"; readonly slot: number }
  /** A transport the caller made and looks after (e.g. the bench, which keeps pcscd across agents). No dev cards. */
  | { readonly kind: "transport"; readonly transport: ReaderTransport };

export interface AssembleAgentOptions {
  readonly readers: readonly ReaderSetup[];
  readonly qualification: QualificationPort;
  readonly token: string;
  readonly staffPin: string;
  readonly host?: string;
  readonly port?: number;
  readonly allowedHosts?: readonly string[];
  /** The reader device for face and 目視: a fixture device id (default reader-device-01), or a device given. */
  readonly device?: string | ReaderDevice;
  /**
   * dev:insert-card / dev:remove-card with the fixture cards, into the memory readers or the vpcd slot (one of
   * them). Cards are made by `makeCard`, else by fixtureCardFactory over `stateStore` for `holder`.
   */
  readonly devCards?: {
    readonly makeCard?: (cardId: string) => Promise<ReleasableCard>;
    readonly stateStore?: CardStateStore;
    readonly holder?: string;
    /** The iPhones' owner-auth states, when `makeCard` makes phones too (it must give them these). */
    readonly ownerAuthOf?: (phoneId: string) => MemoryOwnerAuth;
  };
  /** A face verifier to share (not closed here), `{ worker }` for a new WorkerFaceVerifier (closed with the agent), or none. */
  readonly face?: FaceVerifier | { readonly worker: WorkerFaceVerifierOptions };
  readonly session?: ReceptionSessionOptions;
  readonly log?: (line: string) => void;
  /**
   * The phone reader (smartphone マイナ保険証): a reader name; it serves the first card reader. null/absent: none.
   * Dev phones go into it with dev:insert-card {reader}; dev:phone-owner-auth is the iPhone's Face ID.
   */
  readonly phoneReader?: string | null;
}

export interface AssembledAgent {
  readonly agent: ReaderAgent;
  readonly transports: readonly ReaderTransport[];
  /** The reader names known up front (memory slots, the vpcd slot); PC/SC readers appear as they are found. */
  readonly readerNames: readonly string[];
  readonly device: ReaderDevice;
  readonly faceVerifier: FaceVerifier | undefined;
  readonly devCards: DevCardSlots | undefined;
  /** The agent, then what was started for it (dev cards given back, the vpcd card out, pcscd, a face worker). */
  close(): Promise<void>;
}

const memoryReaderName = (i: number) => `onshi-sim Memory Reader ${String(i).padStart(2, "0")}`;

export async function assembleAgent(options: AssembleAgentOptions): Promise<AssembledAgent> {
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  };
  try {
    const [cards, phones, ca] = await Promise.all([loadCardFixtures(), loadPhoneFixtures(), loadTestCa()]);
    // The virtual iPhones' owner-auth state, one per phone, set by dev:phone-owner-auth (the trainer's switch).
    const ownerAuths = new Map<string, MemoryOwnerAuth>();
    const ownerAuthOf = options.devCards?.ownerAuthOf ?? ((id: string) => ownerAuths.get(id) ?? ownerAuths.set(id, new MemoryOwnerAuth()).get(id)!);
    const device = typeof options.device === "object" ? options.device : loadReaderDevice(options.device ?? DEFAULT_DEVICE_ID);
    const dev = options.devCards;
    const makeCard = dev ? (dev.makeCard ?? fixtureCardFactory({ ownerAuth: ownerAuthOf, ...(dev.stateStore ? { stateStore: dev.stateStore } : {}), ...(dev.holder ? { holder: dev.holder } : {}) })) : undefined;
    const ownerAuth = (phoneId: string, authenticated: boolean) => {
      const phone = phones.find((p) => p.fixture.id === phoneId);
      if (!phone || phone.fixture.os !== "iphone") throw new DevCardError("unknown-card", `no iPhone "${phoneId}"; known: ${phones.filter((p) => p.fixture.os === "iphone").map((p) => p.fixture.id).join(", ")}`);
      ownerAuthOf(phoneId).set(authenticated);
    };
    const cardSides = options.readers.filter((r) => r.kind === "memory" || r.kind === "vpcd").length;
    if (makeCard && cardSides !== 1) throw new Error("dev cards go into one memory transport or one vpcd slot: give exactly one of them");

    const transports: ReaderTransport[] = [];
    const readerNames: string[] = [];
    let devCards: DevCardSlots | undefined;
    for (const setup of options.readers) {
      if (setup.kind === "memory") {
        const memory = setup.transport ?? new MemoryReaderTransport([...(setup.names ?? [memoryReaderName(0)])]);
        transports.push(memory);
        readerNames.push(...memory.listReaders());
        if (makeCard) {
          const slots = memoryDevCards(memory, makeCard);
          cleanups.push(async () => slots.releaseAll());
          // A phone goes onto the phone reader whichever reader was named (the trainer's reader list has no phone reader).
          const phoneReader = options.phoneReader ?? null;
          devCards = {
            insert: (id, reader) => slots.insert(id, phoneReader && isPhoneId(id) ? phoneReader : reader),
            remove: slots.remove,
            ownerAuth,
          };
        }
        continue;
      }
      if (setup.kind === "transport") {
        transports.push(setup.transport);
        continue;
      }
      const pcscd = await ensurePcscd();
      if (!pcscd.available) throw new Error(`PC/SC is unavailable: ${pcscd.reason}`);
      cleanups.push(() => pcscd.stop());
      const { PcscReaderTransport } = await import("@onshi-sim/reader-bindings");
      if (setup.kind === "pcsc") {
        transports.push(new PcscReaderTransport(setup.readerFilter ? { readerFilter: setup.readerFilter } : {}));
        continue;
      }
      const name = vpcdReaderName(setup.slot);
      readerNames.push(name);
      transports.push(new PcscReaderTransport({ readerFilter: (n) => n === name }));
      if (makeCard) {
        const slots = vpcdDevCards(setup.slot, makeCard);
        cleanups.push(() => slots.releaseAll());
        devCards = slots;
      }
    }

    let faceVerifier: FaceVerifier | undefined;
    if (options.face && "worker" in options.face) {
      const { WorkerFaceVerifier } = await import("@onshi-sim/agent");
      const verifier = new WorkerFaceVerifier(options.face.worker);
      cleanups.push(() => verifier.close());
      faceVerifier = verifier;
    } else if (options.face) faceVerifier = options.face;

    const agent = await createAgent({
      transports,
      qualification: options.qualification,
      token: options.token,
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
      device,
      staffPin: options.staffPin,
      fixtureCas: [new X509Certificate(ca.certificateDer)],
      lookupCard: knownFixtureCards(cards, phones),
      ...(options.phoneReader ? { phoneReader: options.phoneReader } : {}),
      ...(faceVerifier ? { faceVerifier } : {}),
      ...(devCards ? { devCards } : {}),
      ...(options.session ? { session: options.session } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    return {
      agent,
      transports,
      readerNames,
      device,
      faceVerifier,
      devCards,
      close: async () => {
        await agent.close();
        await cleanup();
      },
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
