/**
 * ScenarioPerformer: how a step is performed, apart from what it means (step-interpreter.ts) and from what is
 * checked (expectations.ts). The headless runner performs through the agent's Socket.IO driver
 * (driver-performer.ts); a performer that plays the same steps on the live kiosk in a browser implements the same
 * port. Each kiosk action resolves once its effect has settled, with the view it left (and the agent's answer).
 */
import type { CommandAck, ConsentAnswer, SessionView, VerificationMethod } from "@onshi-sim/agent/protocol";
import type { RececonSteps } from "./rececon-steps.js";
import type { FaultCreateRequest, InsuranceQualificationRequest, PersonAction, QualificationResponse } from "@onshi-sim/server/protocol";

/** What a kiosk action left: the settled view, and the agent's answer to the command (when one was sent). */
export interface SessionObservation {
  readonly view: SessionView | undefined;
  readonly ack?: CommandAck;
}

export type Phase = SessionView["phase"];

/** A lookup by insurance number: the result, or the HTTP status and error code it was refused with. */
export interface LookupAnswer {
  readonly status: number;
  readonly response: QualificationResponse | undefined;
  readonly errorCode: string | null;
}

export interface RegistrationAnswer {
  readonly status: number;
  readonly registered: boolean;
  readonly errorCode: string | null;
}

/** The trainer's and insurer's changes on the server (its admin API). Each throws when the server refuses. */
export interface ScenarioAdmin {
  reseed(): Promise<void>;
  applyServerScenario(name: string): Promise<void>;
  personAction(personId: string, action: PersonAction): Promise<void>;
  addFault(fault: FaultCreateRequest): Promise<void>;
  clearFaults(): Promise<void>;
  /** The server's simulation clock (PUT /api/admin/clock): YYYYMMDD, or null for real time. */
  clock(): Promise<string | null>;
  setClock(date: string | null): Promise<void>;
}

/** The steps that happen at the server, not at the kiosk: the same for every performer. */
export interface ServerSidePerformer {
  readonly admin: ScenarioAdmin;
  /** Staff look a patient up by insurance number (the レセコン's lookup). */
  lookup(request: InsuranceQualificationRequest, timeoutMs: number): Promise<LookupAnswer>;
  /** 保険証利用登録 at a reader of its own: the card's PIN, the card signs a nonce, the registration call. */
  register(card: string, pin: string, simulationDate: string | undefined, timeoutMs: number): Promise<RegistrationAnswer>;
  /** The レセコン's XML exchanges: 一括照会, 照会番号, 薬剤・特定健診情報. */
  readonly rececon: RececonSteps;
}

export interface ScenarioPerformer extends ServerSidePerformer {
  /** Takes any card off the reader and waits until the session is back to waiting (between scenarios). */
  reset(): Promise<void>;
  insertCard(card: string, timeoutMs: number): Promise<SessionObservation>;
  removeCard(timeoutMs: number): Promise<SessionObservation>;
  choose(method: VerificationMethod, timeoutMs: number): Promise<SessionObservation>;
  /** The patient types the PIN (never printed or logged). */
  pin(pin: string, timeoutMs: number): Promise<SessionObservation>;
  face(image: Uint8Array, timeoutMs: number): Promise<SessionObservation>;
  /** Staff switch to 目視 (the performer knows the staff PIN). */
  visual(timeoutMs: number): Promise<SessionObservation>;
  consent(answer: ConsentAnswer, timeoutMs: number): Promise<SessionObservation>;
  retry(timeoutMs: number): Promise<SessionObservation>;
  cancel(timeoutMs: number): Promise<SessionObservation>;
  /** The smartphone path (issue 14). */
  phone(os: "android" | "iphone", timeoutMs: number): Promise<SessionObservation>;
  holdPhone(phone: string, timeoutMs: number): Promise<SessionObservation>;
  removePhone(timeoutMs: number): Promise<SessionObservation>;
  ownerAuth(phone: string, authenticated: boolean): Promise<void>;
  phoneContinue(timeoutMs: number): Promise<SessionObservation>;
  phoneRetry(timeoutMs: number): Promise<SessionObservation>;
  /** The trainer's switch: the clinic has a phone reader or not. */
  phoneReaderAvailable(available: boolean): Promise<void>;
  /** 保険証利用登録 at the reader after E131: the answer on the offer, then on the registration consent. */
  registerAnswer(accept: boolean, timeoutMs: number): Promise<SessionObservation>;
  /** Resolves with the first settled (not busy) view in one of the phases. */
  waitFor(phases: readonly Phase[], timeoutMs: number): Promise<SessionView>;
}

/** A step could not be performed (not an unmet expectation): its message is the step's one failure. */
export class StepFailure extends Error {
  override name = "StepFailure";
}
