/**
 * VpcdBridge: plugs one `SmartCard` into pcscd's vsmartcard "vpcd" virtual reader over TCP (the card side).
 *
 * The vpcd driver listens on port 35963 + slot (reader "Virtual PCD 00 0<slot>") and waits for a virtual
 * card to connect: an open connection is an inserted card, closing it removes the card. Protocol, written from
 * the description in docs/domain.md §5 (no vsmartcard code): every message in both directions is a 2-byte
 * big-endian length followed by that many bytes; pcscd always speaks first and the card only answers.
 *   1-byte payload = control code: 00 power off, 01 power on, 02 reset (no reply), 04 get ATR (reply: the ATR).
 *   longer payload = a C-APDU; the reply is the card's R-APDU.
 */
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import type { SmartCard } from "@onshi-sim/reader-bindings";
import { TypedEmitter } from "@onshi-sim/reader-bindings";
import { quickAckNow, socketQuickackSupport } from "./vpcd-latency.js";

/** The vpcd driver's default CHANNELID (0x8C7B); slot N listens on this + N. */
export const VPCD_BASE_PORT = 35963;
/** The Debian vpcd driver exposes two slots per configured channel. */
export const VPCD_SLOTS = 2;

export function vpcdPort(slot: number): number {
  return VPCD_BASE_PORT + slot;
}

/** pcscd names readers "<FRIENDLYNAME> <reader index> <slot>" in hex; Debian's vpcd config has one channel. */
export function vpcdReaderName(slot: number): string {
  return `Virtual PCD 00 ${slot.toString(16).toUpperCase().padStart(2, "0")}`;
}

const CTRL_POWER_OFF = 0x00;
const CTRL_POWER_ON = 0x01;
const CTRL_RESET = 0x02;
const CTRL_GET_ATR = 0x04;
/** An R-APDU the card should never need: "no precise diagnosis", sent if a SmartCard breaks its no-throw rule. */
const SW_NO_DIAGNOSIS = Uint8Array.of(0x6f, 0x00);
const MAX_BACKOFF_MS = 1000;
const FIRST_BACKOFF_MS = 50;
const CONNECT_TIMEOUT_MS = 5000;

export interface VpcdBridgeOptions {
  host?: string;
  /** Defaults to 35963 + slot. */
  port?: number;
  slot?: number;
  /** Keep reconnecting (backoff up to 1 s) after the connection drops, e.g. when pcscd restarts. */
  reconnect?: boolean;
  /**
   * Set TCP_QUICKACK whenever pcscd's message is only partly here, so pcscd's held-back payload is not
   * stuck behind our delayed ACK (~40 ms per APDU otherwise; see vpcd-latency.ts). Default true; it is a
   * no-op where it is not supported.
   */
  quickAck?: boolean;
}

export type VpcdDisconnectReason = "removed" | "closed-by-pcscd" | "error";

export interface VpcdBridgeEvents {
  [event: string]: unknown[];
  /** The card is in the reader (first insert, or a reconnect after pcscd came back). */
  connected: [];
  disconnected: [reason: VpcdDisconnectReason];
  error: [error: Error];
  /**
   * One APDU exchange, for transcripts. The command may carry a PIN (VERIFY): mask it (`maskSecrets`)
   * before writing it anywhere.
   */
  exchange: [command: Uint8Array, response: Uint8Array];
}

/** The vpcd port did not accept the connection; the message says where and what to run. */
export class VpcdConnectError extends Error {
  override name = "VpcdConnectError";
  constructor(
    readonly host: string,
    readonly port: number,
    readonly code: string | undefined,
    cause: Error,
  ) {
    super(
      code === "ECONNREFUSED"
        ? `cannot insert the virtual card: nothing listens on ${host}:${port} (pcscd's vpcd reader). ` +
            "Is pcscd running with the vsmartcard-vpcd driver? Run `onshi-sim doctor` for what to install or start."
        : `cannot insert the virtual card into vpcd at ${host}:${port}: ${cause.message}. Run \`onshi-sim doctor\`.`,
      { cause },
    );
  }
}

export class VpcdBridge extends TypedEmitter<VpcdBridgeEvents> {
  readonly host: string;
  readonly port: number;
  readonly slot: number;
  readonly #card: SmartCard;
  readonly #reconnect: boolean;
  /** True when this bridge sets TCP_QUICKACK on its socket (asked for and supported here). */
  readonly quickAck: boolean;
  #socket: Socket | undefined;
  /** True between insert() and remove(): the user wants the card in the reader. */
  #wanted = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #backoff = FIRST_BACKOFF_MS;
  #pending: Buffer | undefined;
  #atrFrame: Buffer | undefined;
  #atrSource: Uint8Array | undefined;

  constructor(card: SmartCard, options: VpcdBridgeOptions = {}) {
    super();
    this.#card = card;
    this.slot = options.slot ?? 0;
    this.host = options.host ?? "127.0.0.1";
    this.port = options.port ?? vpcdPort(this.slot);
    this.#reconnect = options.reconnect ?? false;
    this.quickAck = (options.quickAck ?? true) && socketQuickackSupport().available;
    // `error` is advisory (`disconnected` carries the state change): a bridge nobody listens to must not
    // crash the process the way an unhandled EventEmitter `error` would.
    this.on("error", () => {});
  }

  get connected(): boolean {
    return this.#socket !== undefined;
  }

  /** Connects to vpcd (= the card is inserted). Rejects with `VpcdConnectError` when nothing listens. */
  async insert(): Promise<void> {
    if (this.#socket) return;
    this.#wanted = true;
    this.#clearRetry();
    try {
      await this.#open();
    } catch (e) {
      this.#wanted = false;
      throw e;
    }
  }

  /** Closes the connection (= the card is removed) and stops reconnecting. */
  async remove(): Promise<void> {
    this.#wanted = false;
    this.#clearRetry();
    const socket = this.#socket;
    if (!socket) return;
    await new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      // destroy, not end: pcscd would otherwise only see the FIN at its next poll and keep our side half-open.
      socket.destroy();
    });
  }

  #open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true, timeout: CONNECT_TIMEOUT_MS });
      let settled = false;
      const fail = (err: Error & { code?: string }) => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(new VpcdConnectError(this.host, this.port, err.code, err));
      };
      socket.once("timeout", () => fail(Object.assign(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`), { code: "ETIMEDOUT" })));
      socket.once("error", fail);
      socket.once("connect", () => {
        settled = true;
        socket.off("error", fail);
        socket.setTimeout(0);
        // Latency matters (one round trip per APDU): no Nagle delay on our small replies.
        socket.setNoDelay(true);
        if (!this.#wanted) {
          // remove() was called while connecting.
          socket.destroy();
          resolve();
          return;
        }
        this.#attach(socket);
        this.#backoff = FIRST_BACKOFF_MS;
        resolve();
        this.emit("connected");
      });
    });
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    this.#pending = undefined;
    let failure: Error | undefined;
    socket.on("data", (chunk: Buffer) => this.#onData(socket, chunk));
    socket.on("error", (err) => {
      failure = err;
    });
    socket.once("close", () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#pending = undefined;
      // The card left the field: its volatile state (selection, verified PINs) goes.
      this.#safely(() => this.#card.powerOff());
      const reason: VpcdDisconnectReason = !this.#wanted ? "removed" : failure ? "error" : "closed-by-pcscd";
      if (failure && this.#wanted) this.emit("error", failure);
      this.emit("disconnected", reason);
      if (this.#wanted) {
        if (this.#reconnect) this.#scheduleRetry();
        else this.#wanted = false;
      }
    });
  }

  #scheduleRetry(): void {
    this.#clearRetry();
    const delay = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      if (!this.#wanted || this.#socket) return;
      this.#open().catch(() => {
        if (this.#wanted && !this.#socket) this.#scheduleRetry();
      });
    }, delay);
  }

  #clearRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /** Frames may be split across TCP chunks, and one chunk may hold several frames. */
  #onData(socket: Socket, chunk: Buffer): void {
    const buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    let offset = 0;
    while (buf.length - offset >= 2) {
      const length = buf.readUInt16BE(offset);
      if (buf.length - offset - 2 < length) break;
      const payload = buf.subarray(offset + 2, offset + 2 + length);
      offset += 2 + length;
      const reply = this.#handle(payload);
      if (reply && this.#socket === socket && !socket.destroyed) socket.write(reply);
    }
    // Copy the remainder so a large chunk's buffer is not kept alive by a few leftover bytes.
    this.#pending = offset < buf.length ? Buffer.from(buf.subarray(offset)) : undefined;
    // pcscd sent a length and holds the payload back until we ACK it (Nagle on its side): ACK now.
    if (this.#pending && this.quickAck && !socket.destroyed) quickAckNow(socket);
  }

  /** One message from pcscd → the framed reply, or undefined when none is due. */
  #handle(payload: Buffer): Buffer | undefined {
    if (payload.length === 0) return undefined; // malformed: nothing sensible to answer
    if (payload.length === 1) {
      switch (payload[0]) {
        case CTRL_POWER_OFF:
          this.#safely(() => this.#card.powerOff());
          return undefined;
        case CTRL_POWER_ON:
          this.#safely(() => this.#card.powerOn());
          return undefined;
        case CTRL_RESET:
          this.#safely(() => this.#card.reset());
          return undefined;
        case CTRL_GET_ATR:
          return this.#atr();
        default:
          return undefined; // unknown control code: vpcd expects no reply we could give
      }
    }
    const command = new Uint8Array(payload); // a copy: the card may keep it
    let response: Uint8Array;
    try {
      response = this.#card.transmit(command);
    } catch {
      response = SW_NO_DIAGNOSIS;
    }
    if (response.length > 0xffff) response = SW_NO_DIAGNOSIS;
    this.emit("exchange", command, response);
    return frame(response);
  }

  /** pcscd polls GET ATR every ~0.4 s for presence: answer from a cached frame. */
  #atr(): Buffer {
    const atr = this.#card.atr;
    if (!this.#atrFrame || this.#atrSource !== atr) {
      this.#atrFrame = frame(atr);
      this.#atrSource = atr;
    }
    return this.#atrFrame;
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.emit("error", e as Error);
    }
  }
}

function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(2 + payload.length);
  out.writeUInt16BE(payload.length, 0);
  out.set(payload, 2);
  return out;
}

/**
 * Which TCP ports are in LISTEN state on this machine, from /proc/net/tcp{,6} (Linux).
 * Used instead of a test connection because connecting to a vpcd port *is* inserting a card.
 * Returns undefined when /proc is not readable (not Linux).
 */
export function listeningTcpPorts(): Map<number, string[]> | undefined {
  const out = new Map<number, string[]>();
  let readAny = false;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    readAny = true;
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      if (cols[3] !== "0A" || !local) continue; // 0A = TCP_LISTEN
      const [addrHex, portHex] = local.split(":");
      if (!addrHex || !portHex) continue;
      const port = parseInt(portHex, 16);
      const list = out.get(port) ?? [];
      list.push(procAddress(addrHex));
      out.set(port, list);
    }
  }
  return readAny ? out : undefined;
}

/** /proc/net/tcp stores IPv4 addresses as one little-endian hex word; IPv6 as four. */
function procAddress(hex: string): string {
  if (hex.length === 8) {
    const n = parseInt(hex, 16);
    return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].join(".");
  }
  return /^0+$/.test(hex) ? "::" : hex;
}
