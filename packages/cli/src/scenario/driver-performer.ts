/**
 * The headless performer: kiosk actions as Socket.IO commands through an AgentDriver, each awaited until the
 * session has settled (not busy, not reading); the server-side steps are delegated (server-side-performer.ts).
 */
import type { AgentDriver } from "@onshi-sim/agent";
import type { CommandAck, ConsentAnswer, SessionView, VerificationMethod } from "@onshi-sim/agent/protocol";
import { StepFailure, type Phase, type ScenarioPerformer, type ServerSidePerformer, type SessionObservation } from "./scenario-performer.js";

export class DriverPerformer implements ScenarioPerformer {
  readonly admin: ServerSidePerformer["admin"];
  readonly rececon: ServerSidePerformer["rececon"];

  constructor(
    readonly driver: AgentDriver,
    /** The reader the scenarios use. */
    readonly reader: string,
    readonly staffPin: string,
    readonly server: ServerSidePerformer,
    /** The phone reader beside it (null: none). */
    readonly phoneReader: string | null = null,
  ) {
    this.admin = server.admin;
    this.rececon = server.rececon;
  }

  async reset(): Promise<void> {
    if (this.phoneReader && this.driver.readers.find((r) => r.name === this.phoneReader)?.cardPresent !== false) await this.driver.removeCard(this.phoneReader);
    const view = this.driver.view();
    if (view && view.phase !== "waiting-for-card" && !this.#cardPresent() && view.phone) {
      await this.driver.cancel();
      await this.driver.waitFor("waiting-for-card", { timeoutMs: 5_000 });
      return;
    }
    if (!this.#cardPresent() && (!view || view.phase === "waiting-for-card")) return;
    await this.driver.removeCard();
    await this.driver.waitFor("waiting-for-card", { timeoutMs: 5_000 });
  }

  async insertCard(card: string, timeoutMs: number): Promise<SessionObservation> {
    const d = this.driver;
    const before = d.view()?.seq ?? 0;
    const ack = await d.insertCard(card);
    if (!ack.ok) return { view: d.view(), ack };
    // Read, then a screen to act on (choose-method, or an error).
    const view = await d.waitFor((v) => v.seq > before && !v.busy && v.phase !== "reading" && v.phase !== "waiting-for-card", { timeoutMs });
    return { view, ack };
  }

  async removeCard(timeoutMs: number): Promise<SessionObservation> {
    const d = this.driver;
    const before = d.view()?.seq ?? 0;
    const present = this.#cardPresent();
    const ack = await d.removeCard();
    const view = present ? await d.waitFor((v) => v.seq > before && (v.phase === "waiting-for-card" || v.phase === "aborted"), { timeoutMs }) : d.view();
    return { view, ack };
  }

  choose = (method: VerificationMethod, timeoutMs: number) => this.#command(this.driver.choose(method), timeoutMs);
  pin = (pin: string, timeoutMs: number) => this.#command(this.driver.pin(pin), timeoutMs);
  face = (image: Uint8Array, timeoutMs: number) => this.#command(this.driver.faceFrame(image), timeoutMs);
  visual = (timeoutMs: number) => this.#command(this.driver.visual(this.staffPin), timeoutMs);
  consent = (answer: ConsentAnswer, timeoutMs: number) => this.#command(this.driver.consent(answer), timeoutMs);
  retry = (timeoutMs: number) => this.#command(this.driver.retry(), timeoutMs);
  cancel = (timeoutMs: number) => this.#command(this.driver.cancel(), timeoutMs);
  registerAnswer = (accept: boolean, timeoutMs: number) => this.#command(this.driver.register(accept), timeoutMs);

  async phone(os: "android" | "iphone", timeoutMs: number): Promise<SessionObservation> {
    const started = await this.#command(this.driver.phoneStart(), timeoutMs);
    if (!started.ack?.ok || started.view?.phase !== "phone-os") return started;
    return this.#command(this.driver.phoneOs(os), timeoutMs);
  }

  async holdPhone(phone: string, timeoutMs: number): Promise<SessionObservation> {
    if (!this.phoneReader) throw new StepFailure("the runner's agent has no phone reader");
    const d = this.driver;
    const before = d.view()?.seq ?? 0;
    const ack = await d.insertCard(phone, this.phoneReader);
    if (!ack.ok) return { view: d.view(), ack };
    const view = await d.waitFor((v) => v.seq > before && !v.busy && v.phase !== "phone-reading" && v.phase !== "phone-hold", { timeoutMs });
    return { view, ack };
  }

  async removePhone(timeoutMs: number): Promise<SessionObservation> {
    const d = this.driver;
    const before = d.view()?.seq ?? 0;
    // Only a session on the phone path shows anything when the phone leaves.
    const onPhonePath = Boolean(d.view()?.phone);
    const ack = await d.removeCard(this.phoneReader ?? undefined);
    const view = onPhonePath ? await d.waitFor((v) => v.seq > before && !v.busy, { timeoutMs }) : d.view();
    return { view, ack };
  }

  async ownerAuth(phone: string, authenticated: boolean): Promise<void> {
    const ack = await this.driver.phoneOwnerAuth(phone, authenticated);
    if (!ack.ok) throw new StepFailure(`owner-auth refused: ${ack.error.code}`);
  }

  phoneContinue = (timeoutMs: number) => this.#command(this.driver.phoneContinue(), timeoutMs);
  phoneRetry = (timeoutMs: number) => this.#command(this.driver.phoneRetry(), timeoutMs);

  async phoneReaderAvailable(available: boolean): Promise<void> {
    if (!this.phoneReader) return;
    const ack = await this.driver.phoneReaderAvailable(available);
    if (!ack.ok) throw new StepFailure(`phone-reader switch refused: ${ack.error.code}`);
  }

  waitFor(phases: readonly Phase[], timeoutMs: number): Promise<SessionView> {
    return this.driver.waitFor((v) => phases.includes(v.phase) && !v.busy, { timeoutMs });
  }

  lookup: ServerSidePerformer["lookup"] = (...a) => this.server.lookup(...a);
  register: ServerSidePerformer["register"] = (...a) => this.server.register(...a);

  /** Sends a session command; once accepted, waits until its effect has settled. */
  async #command(sent: Promise<CommandAck>, timeoutMs: number): Promise<SessionObservation> {
    const d = this.driver;
    const ack = await sent;
    if (!ack.ok) return { view: ack.session ?? d.view(), ack };
    const seq = ack.session?.seq ?? 0;
    const view = await d.waitFor((v) => v.seq >= seq && !v.busy && v.phase !== "reading", { timeoutMs });
    return { view, ack };
  }

  #cardPresent(): boolean {
    return this.driver.readers.find((r) => r.name === this.reader)?.cardPresent ?? false;
  }
}

