/**
 * ReceptionSession: what a 顔認証付きカードリーダー does with the card on it, one instance per reader slot. It is
 * told about cards arriving and leaving, accepts the patient's (and staff's) input, and emits an immutable
 * `SessionView` after every change. No Socket.IO here: the agent relays the views.
 *
 * This class is the thin public face. The reception itself is a state machine (reception-machine.ts: phases,
 * which commands each accepts, what every answer leads to), run by reception-runner.ts with the adapters under
 * adapters/ (card, server, face, timers, staff PIN); the view is built by session-view-builder.ts.
 */
import { randomUUID } from "node:crypto";
import { jp2ToPng } from "@onshi-sim/jp2";
import { TypedEmitter } from "@onshi-sim/reader-bindings";
import { staffPinChecker } from "./adapters/staff-pin-adapter.js";
import type { CommandInput, Reply, StaffPinVerdict } from "./reception-events.js";
import { SESSION_DEFAULTS, type CardFaceResult, type CommandResult, type ReceptionSessionDeps, type ReceptionSessionEvents } from "./reception-ports.js";
import { ReceptionRunner } from "./reception-runner.js";
import { definedOnly, gate, initialState, problem } from "./reception-state.js";
import { toSessionError } from "./session-errors.js";
import { buildSessionView } from "./session-view-builder.js";
import type { ConsentAnswer, SessionView, VerificationMethod } from "./session-view.js";
import { StaffPinGuard } from "./staff-pin-guard.js";

export type { CommandResult, KnownCard, OpenCard, QualificationPort, ReceptionSessionDeps, ReceptionSessionEvents, ReceptionSessionOptions, SessionLogEntry } from "./reception-ports.js";
export { consentRequestFor } from "./session-view-builder.js";

export class ReceptionSession extends TypedEmitter<ReceptionSessionEvents> {
  readonly reader: string;
  readonly #runner: ReceptionRunner;
  readonly #checkStaffPin: (given: string) => StaffPinVerdict;
  readonly #now: () => Date;
  readonly #nextSeq: () => number;
  #view: SessionView;

  constructor(deps: ReceptionSessionDeps) {
    super();
    this.reader = deps.reader;
    const options = { ...SESSION_DEFAULTS, ...definedOnly(deps.options ?? {}) };
    const now = (this.#now = deps.now ?? (() => new Date()));
    let seq = 0;
    this.#nextSeq = deps.nextSeq ?? (() => ++seq);
    this.#checkStaffPin = staffPinChecker(deps.staffPin, deps.staffPinGuard ?? StaffPinGuard.forPin(deps.staffPin, deps.options?.staffPinLock));
    const initial = initialState(
      {
        reader: deps.reader,
        hasFaceVerifier: deps.faceVerifier !== undefined,
        hasDevice: deps.device !== undefined,
        hasStaffPin: Boolean(deps.staffPin),
        maxFaceFailures: options.maxFaceFailures,
        maxFaceFrames: options.maxFaceFrames,
        phoneReader: deps.phoneReader?.name ?? null,
        canRegister: typeof deps.qualification.register === "function",
      },
      randomUUID(),
      now().toISOString(),
    );
    this.#runner = new ReceptionRunner(initial, deps, options, {
      show: (state) => {
        this.#view = buildSessionView(state, this.#nextSeq(), this.#now());
        this.emit("state", this.#view);
      },
      log: ({ sessionId, event, detail }) => this.emit("log", { at: this.#now().toISOString(), reader: this.reader, sessionId, event, ...(detail ? { detail } : {}) }),
      stamp: () => ({ at: this.#now().toISOString(), nextSessionId: randomUUID() }),
    });
    this.#view = buildSessionView(initial, this.#nextSeq(), now());
  }

  /** The current view (what the last `state` event carried). */
  get view(): SessionView {
    return this.#view;
  }

  get sessionId(): string {
    return this.#runner.state.sessionId;
  }

  /** Whether the reader is marked out of order. */
  get broken(): boolean {
    return this.#runner.state.broken;
  }

  // ── the reader ────────────────────────────────────────────────────────────────────────────────

  /** A card was placed on the reader (or pcscd reported one already there). */
  cardInserted(): void {
    this.#runner.dispatch({ type: "card-inserted" });
  }

  /** The card left the reader. */
  cardRemoved(): void {
    this.#runner.dispatch({ type: "card-removed" });
  }

  /** Something was placed on the phone reader beside this card reader (or pcscd reported it there). */
  phonePlaced(): void {
    this.#runner.dispatch({ type: "phone-placed" });
  }

  phoneRemoved(): void {
    this.#runner.dispatch({ type: "phone-removed" });
  }

  /** The trainer's switch: a clinic with (true) or without (false) a phone reader. */
  setPhoneReaderAvailable(available: boolean): void {
    this.#runner.dispatch({ type: "phone-reader-available", available });
  }

  /**
   * Marks the reader out of order (trainer switch) or back in order. Broken: whatever was under way is dropped
   * and the session shows the `reader-broken` error until repaired. Repaired: back to waiting for a card (a card
   * already lying on the reader is read then).
   */
  setBroken(broken: boolean): void {
    this.#runner.dispatch({ type: "reader-broken", broken });
  }

  /** Stops timers and drops any work under way (the agent is shutting down). */
  close(): void {
    this.#runner.dispatch({ type: "close" });
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────────
  // The sync ones answer at once; the async ones once everything they set going has settled.

  /** The patient picks 顔認証 / 暗証番号 / 目視 (目視 then waits for staff). */
  choose(method: VerificationMethod): CommandResult {
    return this.#answer(this.#runner.dispatch({ type: "choose", method }).reply);
  }

  /** The 4-digit PIN, typed by the patient (or a family member). Sent to the card only. */
  enterPin(pin: string): Promise<CommandResult> {
    return this.#command({ type: "enter-pin", pin });
  }

  /** One camera frame (JPEG or PNG bytes) for face verification. */
  faceFrame(image: Uint8Array): Promise<CommandResult> {
    return this.#command({ type: "face-frame", image });
  }

  /** Staff switch to 目視: they compared the patient with the card photo. Resets no counter. */
  staffVisual(staffPin: string): Promise<CommandResult> {
    const refused = this.#gateStaff("staff-visual");
    if (refused) return Promise.resolve(refused);
    return this.#command({ type: "staff-visual", staffPin: this.#checkStaffPin(staffPin) });
  }

  /**
   * Staff enter 照合番号B read off a card the agent does not know (a real card), so the card face and its
   * photo can be read for face verification.
   */
  staffMatchNumberB(staffPin: string, matchNumberB: string): CommandResult {
    return this.#gateStaff("staff-match-number-b") ?? this.#answer(this.#runner.dispatch({ type: "staff-match-number-b", staffPin: this.#checkStaffPin(staffPin), matchNumberB }).reply);
  }

  /**
   * The 券面 for the staff's 目視 panel (photo, name, address, birth date, sex, expiry), read with the 照合番号B the
   * agent knows for this card. Needs the staff PIN (a wrong one counts towards the lock, as for 目視); answered
   * only to the staff page that asked, never in a view. Changes nothing in the session.
   */
  async staffCardFace(staffPin: string): Promise<CardFaceResult> {
    const refused = this.#gateStaff("staff-visual");
    if (refused) return refused;
    const verdict = this.#checkStaffPin(staffPin);
    const sessionId = this.sessionId;
    const log = (event: string) => this.emit("log", { at: this.#now().toISOString(), reader: this.reader, sessionId, event });
    if (!verdict.ok) {
      log(verdict.code);
      const extra = verdict.code === "staff-pin-wrong" ? { triesLeft: verdict.triesLeft } : verdict.code === "staff-pin-locked" ? { retryAfterMs: verdict.retryAfterMs } : {};
      return this.#answer({ ok: false, refusal: problem(verdict.code, extra) });
    }
    const reading = this.#runner.knownCardFace();
    if (!reading) return this.#answer({ ok: false, refusal: problem("match-number-b-wrong") });
    try {
      const face = await reading;
      const photo = await jp2ToPng(face.photoJp2);
      log("staff-card-face");
      const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
      return {
        ok: true,
        session: this.#view,
        cardFace: { photoPng: b64(photo), nameImagePng: b64(face.nameImagePng), addressImagePng: b64(face.addressImagePng), birthDate: face.birthDate, sex: face.sex, expiresOn: face.expiresOn },
      };
    } catch {
      return this.#answer({ ok: false, refusal: problem(this.sessionId === sessionId ? "read-error" : "card-removed") });
    }
  }

  /** The patient's answer on the consent screens; then the session is completed at the server. */
  consent(answer: ConsentAnswer): Promise<CommandResult> {
    return this.#command({ type: "consent", answer });
  }

  /** スマホ on the start screen (instead of placing the card). */
  phoneStart(): CommandResult {
    return this.#answer(this.#runner.dispatch({ type: "phone-start" }).reply);
  }

  /** iPhone or Android; then hold it over the phone reader (read at once when it lies there already). */
  phoneOs(os: "android" | "iphone"): Promise<CommandResult> {
    return this.#command({ type: "phone-os", os });
  }

  /** iPhone: the owner authenticated on the phone; the phone signs the server's nonce. */
  phoneContinue(): Promise<CommandResult> {
    return this.#command({ type: "phone-continue" });
  }

  /** After a phone failure: hold the phone again. */
  phoneRetry(): Promise<CommandResult> {
    return this.#command({ type: "phone-retry" });
  }

  /** 保険証利用登録 at the reader: the answer on the offer (登録する / 登録しない), then on the registration consent. */
  register(accept: boolean): Promise<CommandResult> {
    return this.#command({ type: "register", accept });
  }

  /** Ends the session at the patient's or staff's request. */
  cancel(): CommandResult {
    return this.#answer(this.#runner.dispatch({ type: "cancel" }).reply);
  }

  /** After a server outage or timeout: asks the server again (the card stays verified). */
  retry(): Promise<CommandResult> {
    return this.#command({ type: "retry" });
  }

  // ── answers ───────────────────────────────────────────────────────────────────────────────────

  async #command(input: CommandInput): Promise<CommandResult> {
    const dispatched = this.#runner.dispatch(input);
    if (!dispatched.working) return this.#answer(dispatched.reply);
    return this.#answer(await dispatched.settled);
  }

  /** The staff PIN is judged (and a wrong one counted) only when the phase takes the command at all. */
  #gateStaff(command: "staff-visual" | "staff-match-number-b"): CommandResult | undefined {
    const refused = gate(this.#runner.state, command);
    return refused ? this.#answer({ ok: false, refusal: problem(refused) }) : undefined;
  }

  #answer(reply: Reply | undefined): CommandResult {
    // Every command step replies; `undefined` would be a machine bug, answered as internal.
    const r = reply ?? { ok: false, refusal: problem("internal") };
    return r.ok ? { ok: true, session: this.#view } : { ok: false, error: toSessionError(r.refusal), session: this.#view };
  }
}
