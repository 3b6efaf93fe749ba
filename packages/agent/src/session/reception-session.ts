/**
 * ReceptionSession: what a 顔認証付きカードリーダー does with the card on it (REFERENCE.md §1), one instance per
 * reader slot. It is told about cards arriving and leaving, accepts the patient's (and staff's) input, talks to
 * the card through MyNumberCardClient and to the qualification server through QualificationClient, and emits an
 * immutable `SessionView` after every change. No Socket.IO here: the agent relays the views.
 *
 *   card → reading (SELECT JPKI, user-auth certificate, PIN status) → choose-method
 *        → pin | face | visual → confirming (nonce; card signature or device attestation) → consent → done
 *
 * Every exit is a phase too: error (not a My Number Card, read error, server refusal or outage) and aborted
 * (card pulled, cancelled, idle). While the patient chooses, the card face is read in the background with
 * 照合番号B and the photo's face descriptor computed, so face verification waits only for the camera frame.
 *
 * Safety: the PIN goes to the card and nowhere else — it is not kept, logged, emitted or sent to the server;
 * a PIN of the wrong format never reaches the card (it would cost a try). 目視 touches no counter.
 */
import { randomUUID, X509Certificate } from "node:crypto";
import { CardStatusError } from "@onshi-sim/apdu";
import { SW } from "@onshi-sim/apdu";
import { NotAMyNumberCardError, PinFormatError, RealCardSafetyError, type MyNumberCardClient, type PinStatus, type VerifyResult } from "@onshi-sim/card-client";
import { FaceError, type FaceDecision, type FaceVerifier, type ReferenceFace } from "../face/face-verifier.js";
import { QualificationServerError, type QualificationResult } from "../qualification/qualification-client.js";
import { CardRemovedError, NoCardError, UnknownReaderError } from "@onshi-sim/reader-bindings";
import { TypedEmitter } from "@onshi-sim/reader-bindings";
import { choosePrompt, CONSENT_ITEM_LABELS, DONE_NOT_USABLE_PROMPT, PROMPTS, sessionError, staffPinLockedError } from "./messages.js";
import { dispositionOf, summarizeQualification } from "./qualification-summary.js";
import { SESSION_DEFAULTS, type CommandResult, type KnownCard, type ReceptionSessionDeps, type ReceptionSessionEvents, type ReceptionSessionOptions } from "./reception-ports.js";
import { StaffPinGuard } from "./staff-pin-guard.js";
import type {
  CardSummary,
  ConsentAnswer,
  ConsentItem,
  ConsentRecordView,
  ConsentRequestView,
  FaceView,
  PinView,
  QualificationSummary,
  SessionError,
  SessionErrorCode,
  SessionPhase,
  SessionView,
  VerificationMethod,
} from "./session-view.js";

export type { CommandResult, KnownCard, OpenCard, QualificationPort, ReceptionSessionDeps, ReceptionSessionEvents, ReceptionSessionOptions, SessionLogEntry } from "./reception-ports.js";

const PIN_MAX_TRIES = 3;
const PIN_FORMAT = /^\d{4}$/;
/** Phases before the patient is verified: a method may be chosen, and the idle timer runs. */
const CHOOSING: ReadonlySet<SessionPhase> = new Set(["choose-method", "pin", "face", "visual"]);
const INTERACTIVE: ReadonlySet<SessionPhase> = new Set([...CHOOSING, "consent"]);
const ENDED: ReadonlySet<SessionPhase> = new Set(["done", "error", "aborted"]);

interface FaceState {
  available: boolean;
  unavailableReason: SessionErrorCode | null;
  referenceReady: boolean;
  attempts: number;
  failures: number;
  lastOutcome: FaceDecision["outcome"] | null;
  lastDistance: number | null;
  lastMs: number | null;
}

type RetryStep = { readonly kind: "confirm"; readonly method: VerificationMethod } | { readonly kind: "consent"; readonly answer: ConsentAnswer } | { readonly kind: "complete" };

class SessionEnded extends Error {
  override name = "SessionEnded";
}

function isCardGone(e: unknown): boolean {
  return e instanceof CardRemovedError || e instanceof NoCardError || e instanceof UnknownReaderError;
}

export class ReceptionSession extends TypedEmitter<ReceptionSessionEvents> {
  readonly reader: string;
  readonly #deps: ReceptionSessionDeps;
  readonly #staffPinGuard: StaffPinGuard | undefined;
  readonly #options: Required<ReceptionSessionOptions>;
  readonly #now: () => Date;
  readonly #nextSeq: () => number;

  /** Bumped when a card arrives and when a session ends: async work of an older generation drops its result. */
  #generation = 0;
  #cardPresent = false;
  #sessionId = randomUUID();
  #phase: SessionPhase = "waiting-for-card";
  #busy = false;
  #startedAt: Date;
  #card: CardSummary | null = null;
  #pin: PinView | null = null;
  #face: FaceState | null = null;
  #method: VerificationMethod | null = null;
  #consent: ConsentRequestView | null = null;
  #result: QualificationSummary | null = null;
  #error: SessionError | null = null;
  #view: SessionView;

  #client: MyNumberCardClient | undefined;
  #certificateDer: Uint8Array | undefined;
  #confirmationId: string | undefined;
  #notices: QualificationResult["simulator"]["notices"] = [];
  #retry: RetryStep | undefined;
  /** The card photo's face descriptor, being prepared in the background (undefined when it could not be). */
  #faceReference: Promise<ReferenceFace | undefined> | undefined;
  /** Card exchanges of one logical operation must not interleave with another's (the client tracks selection). */
  #cardQueue: Promise<unknown> = Promise.resolve();
  #idleTimer: NodeJS.Timeout | undefined;
  #returnTimer: NodeJS.Timeout | undefined;
  #closed = false;
  /** Out of order (trainer switch): the view shows `reader-broken` and cards placed meanwhile are not read. */
  #broken = false;

  constructor(deps: ReceptionSessionDeps) {
    super();
    this.#deps = deps;
    this.reader = deps.reader;
    this.#options = { ...SESSION_DEFAULTS, ...definedOnly(deps.options ?? {}) };
    this.#now = deps.now ?? (() => new Date());
    let seq = 0;
    this.#nextSeq = deps.nextSeq ?? (() => ++seq);
    this.#startedAt = this.#now();
    this.#staffPinGuard = deps.staffPinGuard ?? StaffPinGuard.forPin(deps.staffPin, deps.options?.staffPinLock);
    this.#view = this.#buildView();
  }

  /** The current view (what the last `state` event carried). */
  get view(): SessionView {
    return this.#view;
  }

  get sessionId(): string {
    return this.#sessionId;
  }

  // ── the reader ────────────────────────────────────────────────────────────────────────────────

  /** A card was placed on the reader (or pcscd reported one already there). */
  cardInserted(): void {
    if (this.#closed) return;
    if (this.#broken) {
      // Out of order: the card is not read (no APDU), the screen keeps saying where to go instead.
      this.#cardPresent = true;
      this.#log("card-ignored", { reason: "reader-broken" });
      return;
    }
    if (this.#phase !== "waiting-for-card") this.#endQuietly();
    const generation = ++this.#generation;
    this.#cardPresent = true;
    this.#newSession();
    this.#phase = "reading";
    this.#busy = true;
    this.#log("card-inserted");
    this.#emit();
    void this.#read(generation);
  }

  /** The card left the reader. */
  cardRemoved(): void {
    if (this.#closed || !this.#cardPresent) return;
    this.#cardPresent = false;
    if (this.#broken) return;
    this.#log("card-removed", { phase: this.#phase });
    if (this.#phase === "waiting-for-card") return;
    if (this.#phase === "done" || this.#phase === "error" || (this.#phase === "aborted" && this.#error?.code !== "card-removed")) {
      this.#toWaiting();
      return;
    }
    if (this.#phase === "aborted") {
      // An exchange already failed with "card removed" before the reader reported it: now wait for the next card.
      this.#scheduleReturnToWaiting();
      return;
    }
    this.#abort("card-removed");
  }

  /** Whether the reader is marked out of order. */
  get broken(): boolean {
    return this.#broken;
  }

  /**
   * Marks the reader out of order (trainer switch) or back in order. Broken: whatever was under way is dropped
   * and the session shows the `reader-broken` error until repaired. Repaired: back to waiting for a card (a card
   * already lying on the reader is read then).
   */
  setBroken(broken: boolean): void {
    if (this.#closed || broken === this.#broken) return;
    this.#broken = broken;
    this.#log(broken ? "reader-broken" : "reader-repaired");
    this.#endQuietly();
    this.#generation++;
    this.#newSession();
    if (broken) {
      this.#phase = "error";
      this.#error = sessionError("reader-broken");
    }
    this.#emit();
    if (!broken && this.#cardPresent) this.cardInserted();
  }

  /** Stops timers and drops any work under way (the agent is shutting down). */
  close(): void {
    this.#closed = true;
    this.#generation++;
    this.#clearIdle();
    if (this.#returnTimer) clearTimeout(this.#returnTimer);
    this.#releaseFace();
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────────

  /** The patient picks 顔認証 / 暗証番号 / 目視 (目視 then waits for staff). */
  choose(method: VerificationMethod): CommandResult {
    const refused = this.#refuseUnless(CHOOSING) ?? this.#refuseUnlessMethod(method);
    if (refused) return refused;
    this.#method = method;
    this.#phase = method;
    this.#error = null;
    this.#emit();
    this.#armIdle();
    return this.#accepted();
  }

  /** The 4-digit PIN, typed by the patient (or a family member). Sent to the card only. */
  async enterPin(pin: string): Promise<CommandResult> {
    // From any choosing phase: a patient whose face did not match may switch to the PIN at once.
    const refused = this.#refuseUnless(CHOOSING) ?? this.#refuseUnlessMethod("pin");
    if (refused) return refused;
    // Checked here so a typo never costs a try; the message does not repeat what was typed.
    if (!PIN_FORMAT.test(pin)) return this.#refused("bad-request");
    const generation = this.#generation;
    this.#method = "pin";
    this.#phase = "pin";
    this.#startBusy();
    let outcome: VerifyResult;
    try {
      outcome = await this.#withCard(generation, (client) => client.verify("userAuth", pin));
    } catch (e) {
      if (!this.#isCurrent(generation)) return this.#accepted();
      if (isCardGone(e)) return this.#cardGone(generation);
      if (e instanceof RealCardSafetyError) {
        this.#pin = { state: "ready", triesLeft: e.triesLeft, maxTries: PIN_MAX_TRIES };
        this.#pinUnusable("real-card-safety");
        return this.#accepted();
      }
      if (e instanceof PinFormatError) {
        this.#endBusy();
        return this.#refused("bad-request");
      }
      this.#fail("read-error", e);
      return this.#accepted();
    }
    if (!this.#isCurrent(generation)) return this.#accepted();
    if (outcome.ok) {
      this.#pin = { state: "verified", triesLeft: null, maxTries: PIN_MAX_TRIES };
      this.#log("pin-verified");
      await this.#confirm(generation, "pin");
      return this.#accepted();
    }
    if ("triesLeft" in outcome && outcome.triesLeft > 0) {
      this.#pin = { state: "ready", triesLeft: outcome.triesLeft, maxTries: PIN_MAX_TRIES };
      this.#error = sessionError("pin-wrong");
      this.#log("pin-wrong", { triesLeft: outcome.triesLeft });
      this.#endBusy();
      this.#armIdle();
      return this.#accepted();
    }
    // The third wrong PIN (63 C0) or a card that was already blocked (69 84 / 69 83).
    this.#pin = { state: "locked", triesLeft: 0, maxTries: PIN_MAX_TRIES };
    this.#log("pin-locked");
    this.#pinUnusable("pin-locked");
    return this.#accepted();
  }

  /** One camera frame (JPEG or PNG bytes) for face verification. */
  async faceFrame(image: Uint8Array): Promise<CommandResult> {
    const refused = this.#refuseUnless(CHOOSING) ?? this.#refuseUnlessMethod("face");
    if (refused) return refused;
    const verifier = this.#deps.faceVerifier;
    const face = this.#face;
    if (!verifier || !face) return this.#refused("face-unavailable");
    const generation = this.#generation;
    this.#method = "face";
    this.#phase = "face";
    this.#startBusy();
    const reference = await this.#awaitFaceReference();
    if (!this.#isCurrent(generation)) return this.#accepted();
    if (!reference) {
      this.#faceUnusable(face.unavailableReason ?? "face-unavailable");
      return this.#accepted();
    }
    let decision: FaceDecision;
    try {
      decision = await verifier.verify(reference, image);
    } catch (e) {
      if (!this.#isCurrent(generation)) return this.#accepted();
      if (e instanceof FaceError && e.code === "bad-image") {
        this.#endBusy();
        this.#armIdle();
        return this.#refused("bad-request");
      }
      this.#log("face-error", { message: (e as Error).message });
      this.#faceUnusable("face-unavailable");
      return this.#accepted();
    }
    if (!this.#isCurrent(generation)) return this.#accepted();
    face.attempts++;
    face.lastOutcome = decision.outcome;
    face.lastDistance = decision.distance === null ? null : Math.round(decision.distance * 1000) / 1000;
    face.lastMs = Math.round(decision.ms);
    this.#log("face-decision", { outcome: decision.outcome, distance: face.lastDistance, ms: face.lastMs, faces: decision.faces });
    if (decision.outcome === "match") {
      this.#error = null;
      await this.#confirm(generation, "face");
      return this.#accepted();
    }
    if (decision.outcome === "mismatch") face.failures++;
    if (face.failures >= this.#options.maxFaceFailures || face.attempts >= this.#options.maxFaceFrames) {
      this.#faceUnusable("face-attempts-exhausted");
      return this.#accepted();
    }
    this.#error = sessionError(decision.outcome === "mismatch" ? "face-no-match" : decision.outcome === "no-face" ? "face-no-face" : "face-uncertain");
    this.#endBusy();
    this.#armIdle();
    return this.#accepted();
  }

  /** Staff switch to 目視: they compared the patient with the card photo. Resets no counter. */
  async staffVisual(staffPin: string): Promise<CommandResult> {
    const refused = this.#refuseUnless(CHOOSING) ?? this.#checkStaffPin(staffPin) ?? this.#refuseUnlessMethod("visual");
    if (refused) return refused;
    const generation = this.#generation;
    this.#method = "visual";
    this.#error = null;
    this.#log("visual-check");
    await this.#confirm(generation, "visual");
    return this.#accepted();
  }

  /**
   * Staff enter 照合番号B read off a card the agent does not know (a real card), so the card face and its
   * photo can be read for face verification.
   */
  staffMatchNumberB(staffPin: string, matchNumberB: string): CommandResult {
    const refused = this.#refuseUnless(CHOOSING) ?? this.#checkStaffPin(staffPin);
    if (refused) return refused;
    if (!/^\d{14}$/.test(matchNumberB)) return this.#refused("bad-request");
    const face = this.#face;
    if (!this.#deps.faceVerifier || !this.#deps.device || !face) return this.#refused("face-unavailable");
    if (face.available) return this.#refused("wrong-phase");
    this.#startFaceReference(this.#generation, matchNumberB);
    this.#emit();
    this.#armIdle();
    return this.#accepted();
  }

  /** The patient's answer on the consent screens; then the session is completed at the server. */
  async consent(answer: ConsentAnswer): Promise<CommandResult> {
    const refused = this.#refuseUnless(new Set<SessionPhase>(["consent"]));
    if (refused) return refused;
    const request = this.#consent;
    if (!request) return this.#refused("wrong-phase");
    // Only what this flow's screens ask: 包括同意 since 2024-10-07, 限度額 before (the server says E303 otherwise).
    const offered = new Set(request.items.map((i) => i.item));
    if (answer.comprehensive !== undefined && !request.comprehensiveOffered) return this.#refused("bad-request");
    for (const [item, value] of Object.entries(answer.items ?? {})) if (value !== undefined && !offered.has(item as ConsentItem)) return this.#refused("bad-request");
    const generation = this.#generation;
    this.#startBusy();
    await this.#recordConsentAndComplete(generation, answer);
    return this.#accepted();
  }

  /** Ends the session at the patient's or staff's request. */
  cancel(): CommandResult {
    if (this.#phase === "waiting-for-card" || ENDED.has(this.#phase)) return this.#refused("wrong-phase");
    this.#abort("cancelled");
    return this.#accepted();
  }

  /** After a server outage or timeout: asks the server again (the card stays verified). */
  async retry(): Promise<CommandResult> {
    const step = this.#retry;
    if (this.#phase !== "error" || !this.#error?.retryable || !step) return this.#refused("wrong-phase");
    const generation = this.#generation;
    this.#error = null;
    if (step.kind === "confirm") {
      this.#log("retry", { step: "confirm" });
      await this.#confirm(generation, step.method);
    } else {
      this.#log("retry", { step: step.kind });
      this.#phase = step.kind === "consent" ? "consent" : "confirming";
      this.#startBusy();
      if (step.kind === "consent") await this.#recordConsentAndComplete(generation, step.answer);
      else await this.#complete(generation, []);
    }
    return this.#accepted();
  }

  // ── reading the card ──────────────────────────────────────────────────────────────────────────

  async #read(generation: number): Promise<void> {
    const client = this.#deps.openCard();
    this.#client = client;
    let certificateDer: Uint8Array;
    let certificate: X509Certificate;
    let fixture: boolean;
    let pinStatus: PinStatus | undefined;
    try {
      ({ certificateDer, certificate, fixture, pinStatus } = await this.#withCard(generation, async () => {
        await client.identify();
        const der = await client.readUserAuthCertificate();
        const cert = new X509Certificate(der);
        const isFixture = await client.isFixtureCard();
        let status: PinStatus | undefined;
        try {
          status = await client.pinStatus("userAuth");
        } catch (e) {
          if (isCardGone(e)) throw e;
          status = undefined; // the card would not say: offer the PIN anyway and let VERIFY answer
        }
        return { certificateDer: der, certificate: cert, fixture: isFixture, pinStatus: status };
      }));
    } catch (e) {
      if (!this.#isCurrent(generation)) return;
      if (isCardGone(e)) {
        this.#cardGone(generation);
        return;
      }
      if (e instanceof NotAMyNumberCardError) this.#fail("not-my-number-card", e);
      else this.#fail("read-error", e);
      return;
    }
    if (!this.#isCurrent(generation)) return;
    this.#certificateDer = certificateDer;
    this.#card = { kind: fixture ? "fixture" : "real", certificateValidTo: new Date(certificate.validTo).toISOString().slice(0, 10) };
    const known = this.#deps.lookupCard?.(certificateDer);
    this.#pin = pinView(pinStatus, known);
    this.#face = {
      available: false,
      unavailableReason: null,
      referenceReady: false,
      attempts: 0,
      failures: 0,
      lastOutcome: null,
      lastDistance: null,
      lastMs: null,
    };
    if (!this.#deps.faceVerifier || !this.#deps.device) this.#face.unavailableReason = "face-unavailable";
    else if (known) this.#startFaceReference(generation, known.matchNumberB);
    // A real card: staff may enter its 照合番号B (staffMatchNumberB) to enable face verification.
    else this.#face.unavailableReason = "face-unavailable";
    this.#log("card-read", { kind: this.#card.kind, pin: this.#pin.state, triesLeft: this.#pin.triesLeft, face: this.#face.available });

    if (this.#methods().length === 0) {
      this.#fail("no-method");
      return;
    }
    this.#phase = "choose-method";
    // Say up front why the PIN is not offered (locked, or never set on a 顔認証マイナンバーカード).
    this.#error = this.#pin.state === "locked" ? sessionError("pin-locked") : this.#pin.state === "not-set" ? sessionError("pin-not-set") : null;
    this.#endBusy();
    this.#armIdle();
  }

  /** Reads the card face with 照合番号B and computes its photo's descriptor, in the background. */
  #startFaceReference(generation: number, matchNumberB: string): void {
    const verifier = this.#deps.faceVerifier;
    const face = this.#face;
    if (!verifier || !face) return;
    face.available = true;
    face.unavailableReason = null;
    const prepared = (async (): Promise<ReferenceFace | undefined> => {
      try {
        const cardFace = await this.#withCard(generation, (client) => client.readCardFace(matchNumberB));
        if (!this.#isCurrent(generation)) return undefined;
        const reference = await verifier.prepareReference(cardFace.photoJp2);
        if (!this.#isCurrent(generation)) {
          verifier.release(reference);
          return undefined;
        }
        face.referenceReady = true;
        this.#log("face-reference-ready");
        this.#emit();
        return reference;
      } catch (e) {
        if (!this.#isCurrent(generation) || isCardGone(e)) return undefined;
        const reason: SessionErrorCode = e instanceof CardStatusError && e.step.includes("照合番号B") ? "match-number-b-wrong" : "face-unavailable";
        this.#log("face-reference-failed", { reason, message: (e as Error).message });
        face.available = false;
        face.unavailableReason = reason;
        // Someone waiting in the face phase is sent back to choose another method.
        if (!this.#busy && this.#phase === "face") this.#faceUnusable(reason);
        else this.#emit();
        return undefined;
      }
    })();
    this.#faceReference = prepared;
  }

  async #awaitFaceReference(): Promise<ReferenceFace | undefined> {
    const pending = this.#faceReference;
    if (!pending) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.#options.faceReferenceTimeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ── the server ────────────────────────────────────────────────────────────────────────────────

  async #confirm(generation: number, method: VerificationMethod): Promise<void> {
    const q = this.#deps.qualification;
    const certificateDer = this.#certificateDer;
    if (!certificateDer) return this.#fail("internal");
    this.#method = method;
    this.#phase = "confirming";
    this.#retry = { kind: "confirm", method };
    this.#startBusy();
    let result: QualificationResult;
    try {
      const { nonce } = await q.nonce();
      this.#ensureCurrent(generation);
      if (method === "pin") {
        // The card signs the SHA-256 DigestInfo of the nonce's 32 bytes with the user-auth key (PIN verified above).
        const signature = await this.#withCard(generation, (client) => client.signWithUserAuthKey(Buffer.from(nonce, "base64url")));
        this.#ensureCurrent(generation);
        result = await q.confirmWithSignature(nonce, certificateDer, signature);
      } else {
        const device = this.#deps.device;
        if (!device) return this.#fail("device-refused");
        result = await q.confirmWithDevice(nonce, certificateDer, method, device);
      }
    } catch (e) {
      if (e instanceof SessionEnded || !this.#isCurrent(generation)) return;
      if (isCardGone(e)) return void this.#cardGone(generation);
      if (e instanceof CardStatusError && e.sw === SW.SECURITY_STATUS_NOT_SATISFIED) {
        // The card forgot the verified PIN (reset by the reader): ask for it again.
        this.#pin = { state: "ready", triesLeft: null, maxTries: PIN_MAX_TRIES };
        this.#phase = "pin";
        this.#error = null;
        this.#endBusy();
        this.#armIdle();
        return;
      }
      return this.#serverFailure(e);
    }
    if (!this.#isCurrent(generation)) return;
    const disposition = dispositionOf(result);
    this.#notices = result.simulator.notices;
    this.#confirmationId = result.simulator.confirmationId;
    this.#result = summarizeQualification(result.XmlMsg, result.simulator, method);
    this.#log("qualification", {
      method,
      usable: result.simulator.usable,
      code: result.XmlMsg.MessageBody.ProcessingResultCode ?? result.XmlMsg.MessageHeader.ErrorCode ?? null,
      validity: result.XmlMsg.MessageBody.QualificationValidity ?? null,
    });
    if (disposition.kind === "refused") {
      this.#retry = disposition.retryable ? { kind: "confirm", method } : undefined;
      return this.#fail(disposition.code, undefined, { serverCode: disposition.serverCode, retryable: disposition.retryable });
    }
    if (disposition.kind === "not-usable") {
      // Looked up, but not usable: no consent screens; complete so the レセコン gets the result, then say why.
      this.#error = sessionError(disposition.code, { serverCode: result.XmlMsg.MessageBody.ProcessingResultCode });
      await this.#complete(generation, []);
      return;
    }
    this.#retry = undefined;
    this.#consent = consentRequestFor(result.simulator.consentFlow);
    this.#phase = "consent";
    this.#error = null;
    this.#endBusy();
    this.#armIdle();
  }

  async #recordConsentAndComplete(generation: number, answer: ConsentAnswer): Promise<void> {
    const confirmationId = this.#confirmationId;
    if (!confirmationId) return this.#fail("internal");
    this.#retry = { kind: "consent", answer };
    const items = definedOnly(answer.items ?? {});
    const given = answer.comprehensive !== undefined || Object.keys(items).length > 0;
    let consents: ConsentRecordView[] = [];
    if (given) {
      try {
        const recorded = await this.#deps.qualification.consent({
          confirmationId,
          ...(answer.comprehensive !== undefined ? { comprehensive: answer.comprehensive } : {}),
          ...(Object.keys(items).length ? { items } : {}),
        });
        consents = recorded.recorded.map((r) => ({ item: r.item, consented: r.ConsFlg === "1", consTime: r.ConsTime }));
      } catch (e) {
        if (!this.#isCurrent(generation)) return;
        if (e instanceof QualificationServerError && e.code === "server-error" && e.serverCode?.startsWith("E3")) {
          this.#retry = undefined;
          return this.#fail("consent-rejected", e, { serverCode: e.serverCode });
        }
        return this.#serverFailure(e);
      }
      if (!this.#isCurrent(generation)) return;
      this.#log("consent", { items: consents.map((c) => `${c.item}=${c.consented ? 1 : 0}`).join(",") });
    }
    await this.#complete(generation, consents);
  }

  async #complete(generation: number, consents: readonly ConsentRecordView[]): Promise<void> {
    const confirmationId = this.#confirmationId;
    const method = this.#method;
    if (!confirmationId || !method) return this.#fail("internal");
    this.#retry = { kind: "complete" };
    if (!this.#busy) this.#startBusy();
    const warning = this.#error;
    try {
      const completed = await this.#deps.qualification.complete(confirmationId);
      if (!this.#isCurrent(generation)) return;
      // The completed result includes the consents just given (e.g. 特定疾病, 限度額 in the old flow).
      this.#result = summarizeQualification(completed.XmlMsg, completed.simulator, method, { notices: this.#notices, consents });
    } catch (e) {
      if (!this.#isCurrent(generation)) return;
      if (e instanceof QualificationServerError && e.serverCode === "E302") {
        // Completed already (a retry after an answer that was lost on the way): nothing left to do.
      } else return this.#serverFailure(e);
    }
    this.#retry = undefined;
    this.#log("completed", { usable: this.#result?.usable ?? false });
    this.#phase = "done";
    this.#consent = null;
    this.#error = warning;
    this.#busy = false;
    this.#clearIdle();
    this.#releaseFace();
    this.#emit();
  }

  #serverFailure(e: unknown): void {
    if (e instanceof QualificationServerError) {
      const code: SessionErrorCode =
        e.code === "server-unreachable" || e.status === 503 ? "server-down" : e.code === "server-timeout" ? "server-timeout" : "server-error";
      return this.#fail(code, e, { serverCode: e.serverCode, retryable: true });
    }
    if (e instanceof CardStatusError) return this.#fail("read-error", e);
    this.#fail("internal", e);
  }

  // ── state ─────────────────────────────────────────────────────────────────────────────────────

  #methods(): VerificationMethod[] {
    const out: VerificationMethod[] = [];
    const face = this.#face;
    if (face?.available && face.failures < this.#options.maxFaceFailures && face.attempts < this.#options.maxFaceFrames) out.push("face");
    if (this.#pin?.state === "ready") out.push("pin");
    if (this.#deps.device && this.#deps.staffPin) out.push("visual");
    return out;
  }

  /** The PIN cannot be used (locked, or withheld from a real card): back to choosing, saying why. */
  #pinUnusable(code: SessionErrorCode): void {
    if (this.#pin && code !== "real-card-safety") this.#pin = { ...this.#pin, state: "locked", triesLeft: 0 };
    if (code === "real-card-safety" && this.#pin) this.#pin = { ...this.#pin, state: "unknown" };
    this.#backToChoosing(code);
  }

  #faceUnusable(code: SessionErrorCode): void {
    if (this.#face && code !== "face-attempts-exhausted") {
      this.#face.available = false;
      this.#face.unavailableReason = code;
    }
    this.#backToChoosing(code);
  }

  #backToChoosing(code: SessionErrorCode): void {
    this.#method = null;
    if (this.#methods().length === 0) return this.#fail(code === "pin-locked" || code === "face-attempts-exhausted" ? code : "no-method");
    this.#phase = "choose-method";
    this.#error = sessionError(code);
    this.#endBusy();
    this.#armIdle();
  }

  #fail(code: SessionErrorCode, cause?: unknown, extra: { serverCode?: string | undefined; retryable?: boolean } = {}): void {
    this.#phase = "error";
    this.#busy = false;
    this.#consent = null;
    this.#error = sessionError(code, { ...(extra.serverCode ? { serverCode: extra.serverCode } : {}), ...(extra.retryable !== undefined ? { retryable: extra.retryable } : {}) });
    if (!this.#error.retryable) this.#retry = undefined;
    this.#clearIdle();
    this.#log("error", { code, ...(cause instanceof Error ? { message: cause.message } : {}) });
    this.#emit();
  }

  /** Ends the session early. Work under way is dropped (the card did what it did; nothing is undone). */
  #abort(code: "card-removed" | "cancelled" | "idle-timeout"): void {
    this.#generation++;
    this.#phase = "aborted";
    this.#busy = false;
    this.#consent = null;
    this.#retry = undefined;
    this.#error = sessionError(code);
    this.#clearIdle();
    this.#releaseFace();
    this.#log("aborted", { code });
    this.#emit();
    if (!this.#cardPresent) this.#scheduleReturnToWaiting();
  }

  /** A card exchange failed because the card is gone (pcscd may report the removal a moment later). */
  #cardGone(generation: number): CommandResult {
    if (this.#isCurrent(generation)) this.#abort("card-removed");
    return this.#accepted();
  }

  #scheduleReturnToWaiting(): void {
    if (this.#returnTimer) clearTimeout(this.#returnTimer);
    const generation = this.#generation;
    this.#returnTimer = setTimeout(() => {
      this.#returnTimer = undefined;
      if (this.#generation === generation && !this.#cardPresent && this.#phase === "aborted") this.#toWaiting();
    }, this.#options.returnToIdleMs);
    this.#returnTimer.unref();
  }

  #toWaiting(): void {
    this.#endQuietly();
    this.#generation++;
    this.#newSession();
    this.#emit();
  }

  /** Forgets everything about the last card, without emitting. */
  #endQuietly(): void {
    this.#clearIdle();
    if (this.#returnTimer) clearTimeout(this.#returnTimer);
    this.#returnTimer = undefined;
    this.#releaseFace();
  }

  #newSession(): void {
    this.#sessionId = randomUUID();
    this.#startedAt = this.#now();
    this.#phase = "waiting-for-card";
    this.#busy = false;
    this.#card = null;
    this.#pin = null;
    this.#face = null;
    this.#method = null;
    this.#consent = null;
    this.#result = null;
    this.#error = null;
    this.#client = undefined;
    this.#certificateDer = undefined;
    this.#confirmationId = undefined;
    this.#notices = [];
    this.#retry = undefined;
    this.#faceReference = undefined;
    this.#cardQueue = Promise.resolve();
  }

  #releaseFace(): void {
    const pending = this.#faceReference;
    const verifier = this.#deps.faceVerifier;
    this.#faceReference = undefined;
    if (!pending || !verifier) return;
    void pending.then((reference) => {
      if (reference) verifier.release(reference);
    });
  }

  #isCurrent(generation: number): boolean {
    return generation === this.#generation && !this.#closed;
  }

  #ensureCurrent(generation: number): void {
    if (!this.#isCurrent(generation)) throw new SessionEnded();
  }

  /** Runs one logical card operation after the ones queued before it. */
  #withCard<T>(generation: number, operation: (client: MyNumberCardClient) => Promise<T>): Promise<T> {
    const run = this.#cardQueue.then(() => {
      const client = this.#client;
      if (!this.#isCurrent(generation) || !client) throw new SessionEnded();
      return operation(client);
    });
    this.#cardQueue = run.catch(() => undefined);
    return run;
  }

  #startBusy(): void {
    this.#busy = true;
    this.#clearIdle();
    this.#emit();
  }

  #endBusy(): void {
    this.#busy = false;
    this.#emit();
  }

  #armIdle(): void {
    this.#clearIdle();
    if (!INTERACTIVE.has(this.#phase)) return;
    const generation = this.#generation;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (!this.#isCurrent(generation) || !INTERACTIVE.has(this.#phase)) return;
      if (this.#busy) return this.#armIdle();
      this.#abort("idle-timeout");
    }, this.#options.idleTimeoutMs);
    this.#idleTimer.unref();
  }

  #clearIdle(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  #refuseUnless(phases: ReadonlySet<SessionPhase>): CommandResult | undefined {
    if (!phases.has(this.#phase)) return this.#refused("wrong-phase");
    if (this.#busy) return this.#refused("busy");
    return undefined;
  }

  #refuseUnlessMethod(method: VerificationMethod): CommandResult | undefined {
    if (this.#methods().includes(method)) return undefined;
    if (method === "visual" && !this.#deps.staffPin) return this.#refused("staff-not-configured");
    return this.#refused("method-unavailable");
  }

  #checkStaffPin(given: string): CommandResult | undefined {
    if (!this.#deps.staffPin || !this.#staffPinGuard) return this.#refused("staff-not-configured");
    const check = this.#staffPinGuard.check(given);
    if (check.ok) return undefined;
    if (check.code === "staff-pin-wrong") {
      this.#log(check.code);
      return this.#refused(check.code);
    }
    this.#log(check.code, { retryAfterMs: check.retryAfterMs });
    return this.#refused(staffPinLockedError(check.retryAfterMs));
  }

  #accepted(): CommandResult {
    return { ok: true, session: this.#view };
  }

  #refused(error: SessionErrorCode | SessionError): CommandResult {
    return { ok: false, error: typeof error === "string" ? sessionError(error) : error, session: this.#view };
  }

  #emit(): void {
    this.#view = this.#buildView();
    this.emit("state", this.#view);
  }

  #buildView(): SessionView {
    const face = this.#face;
    const faceView: FaceView | null = face && {
      available: face.available,
      unavailableReason: face.unavailableReason,
      referenceReady: face.referenceReady,
      attempts: face.attempts,
      failures: face.failures,
      maxFailures: this.#options.maxFaceFailures,
      lastOutcome: face.lastOutcome,
      lastDistance: face.lastDistance,
      lastMs: face.lastMs,
    };
    const methods = CHOOSING.has(this.#phase) ? this.#methods() : [];
    return {
      sessionId: this.#sessionId,
      reader: this.reader,
      seq: this.#nextSeq(),
      phase: this.#phase,
      prompt:
        this.#phase === "done" && this.#result && !this.#result.usable
          ? DONE_NOT_USABLE_PROMPT
          : this.#phase === "choose-method"
            ? choosePrompt(methods)
            : PROMPTS[this.#phase],
      busy: this.#busy,
      card: this.#card,
      methods,
      method: this.#method,
      pin: this.#pin,
      face: faceView,
      consent: this.#consent,
      result: this.#result,
      error: this.#error,
      startedAt: this.#startedAt.toISOString(),
      updatedAt: this.#now().toISOString(),
    };
  }

  #log(event: string, detail?: Record<string, string | number | boolean | null>): void {
    this.emit("log", { at: this.#now().toISOString(), reader: this.reader, sessionId: this.#sessionId, event, ...(detail ? { detail } : {}) });
  }
}

function pinView(status: PinStatus | undefined, known: KnownCard | undefined): PinView {
  if (!status) return { state: "unknown", triesLeft: null, maxTries: PIN_MAX_TRIES };
  if (status.state === "ready") return { state: "ready", triesLeft: status.triesLeft, maxTries: PIN_MAX_TRIES };
  if (status.state === "verified") return { state: "ready", triesLeft: null, maxTries: PIN_MAX_TRIES };
  return { state: known && !known.userAuthPinSet ? "not-set" : "locked", triesLeft: 0, maxTries: PIN_MAX_TRIES };
}

/** The consent screens of each flow (REFERENCE.md §1): since 2024-10-07 包括同意 + items, no 限度額 screen. */
export function consentRequestFor(flow: ConsentRequestView["flow"]): ConsentRequestView {
  const items: ConsentItem[] =
    flow === "since-2024-10-07"
      ? ["diagnosis", "pharmacists", "specificHealthCheckups", "operation", "specificDiseases"]
      : ["diagnosis", "pharmacists", "specificHealthCheckups", "operation", "limitApplication", "specificDiseases"];
  return { flow, comprehensiveOffered: flow === "since-2024-10-07", items: items.map((item) => ({ item, ...CONSENT_ITEM_LABELS[item] })) };
}

function definedOnly<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
