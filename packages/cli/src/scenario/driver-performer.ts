/**
 * The headless performer: kiosk actions as Socket.IO commands through an AgentDriver, each awaited until the
 * session has settled (not busy, not reading); the server-side steps are delegated (server-side-performer.ts).
 */
import type { AgentDriver } from "@onshi-sim/agent";
import type { CommandAck, ConsentAnswer, SessionView, VerificationMethod } from "@onshi-sim/agent/protocol";
import type { Phase, ScenarioPerformer, ServerSidePerformer, SessionObservation } from "./scenario-performer.js";

export class DriverPerformer implements ScenarioPerformer {
  readonly admin: ServerSidePerformer["admin"];
  readonly rececon: ServerSidePerformer["rececon"];

  constructor(
    readonly driver: AgentDriver,
    /** The reader the scenarios use. */
    readonly reader: string,
    readonly staffPin: string,
    readonly server: ServerSidePerformer,
  ) {
    this.admin = server.admin;
    this.rececon = server.rececon;
  }

  async reset(): Promise<void> {
    const view = this.driver.view();
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

