/**
 * VpcdBridge framing against a local TCP server that plays pcscd's vpcd side: no pcscd needed.
 */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toHex } from "@onshi-sim/apdu";
import type { SmartCard } from "@onshi-sim/reader-bindings";
import { VpcdBridge, VpcdConnectError, vpcdPort, vpcdReaderName } from "../src/vpcd-bridge.js";
import { loopbackQuickackEnabled, socketQuickackSupport } from "../src/vpcd-latency.js";

const ATR = Uint8Array.of(0x3b, 0xe0, 0x00, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x14);

/** Echoes the command's INS back with 90 00, and records power events. */
function stubCard(): SmartCard & { events: string[]; commands: string[] } {
  const events: string[] = [];
  const commands: string[] = [];
  return {
    atr: ATR,
    events,
    commands,
    powerOn: () => void events.push("on"),
    powerOff: () => void events.push("off"),
    reset: () => void events.push("reset"),
    transmit(command) {
      commands.push(toHex(command));
      return Uint8Array.of(command[1] ?? 0, 0x90, 0x00);
    },
  };
}

/** The pcscd side: collects whatever the card sends, split into frames. */
class FakeVpcd {
  readonly server: Server;
  socket: Socket | undefined;
  connections = 0;
  #buffer = Buffer.alloc(0);
  #frames: Buffer[] = [];
  #waiters: Array<() => void> = [];
  #connWaiters: Array<() => void> = [];

  private constructor(server: Server) {
    this.server = server;
    server.on("connection", (s) => {
      this.connections++;
      this.socket = s;
      s.on("data", (d: Buffer) => {
        this.#buffer = Buffer.concat([this.#buffer, d]);
        while (this.#buffer.length >= 2 && this.#buffer.length >= 2 + this.#buffer.readUInt16BE(0)) {
          const n = this.#buffer.readUInt16BE(0);
          this.#frames.push(this.#buffer.subarray(2, 2 + n));
          this.#buffer = this.#buffer.subarray(2 + n);
        }
        this.#waiters.splice(0).forEach((w) => w());
      });
      s.on("error", () => {});
      this.#connWaiters.splice(0).forEach((w) => w());
    });
  }

  static async listen(port = 0): Promise<FakeVpcd> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    return new FakeVpcd(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  send(...parts: Buffer[]): void {
    this.socket?.write(Buffer.concat(parts));
  }

  async nextFrame(ms = 2000): Promise<string> {
    const deadline = Date.now() + ms;
    while (this.#frames.length === 0) {
      if (Date.now() > deadline) throw new Error("no frame from the card");
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return toHex(this.#frames.shift() as Buffer);
  }

  /** Resolves when no frame arrives within `ms`. */
  async silence(ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    expect(this.#frames.map((f) => toHex(f))).toEqual([]);
  }

  async connection(count: number, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.connections < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} connections, saw ${this.connections}`);
      await new Promise<void>((resolve) => {
        this.#connWaiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async close(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const frame = (hex: string): Buffer => {
  const payload = Buffer.from(hex, "hex");
  const head = Buffer.alloc(2);
  head.writeUInt16BE(payload.length);
  return Buffer.concat([head, payload]);
};

describe("VpcdBridge framing", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(options: { reconnect?: boolean } = {}) {
    const vpcd = await FakeVpcd.listen();
    const card = stubCard();
    const bridge = new VpcdBridge(card, { port: vpcd.port, ...options });
    cleanups.push(() => vpcd.close(), () => bridge.remove());
    await bridge.insert();
    await vpcd.connection(1);
    return { vpcd, card, bridge };
  }

  it("names slots after pcscd's vpcd readers and ports", () => {
    expect(vpcdPort(0)).toBe(35963);
    expect(vpcdPort(1)).toBe(35964);
    expect(vpcdReaderName(0)).toBe("Virtual PCD 00 00");
    expect(vpcdReaderName(1)).toBe("Virtual PCD 00 01");
  });

  it("answers GET ATR with the card's ATR and gives no reply to power codes", async () => {
    const { vpcd, card, bridge } = await setup();
    expect(bridge.connected).toBe(true);
    vpcd.send(frame("04"));
    expect(await vpcd.nextFrame()).toBe(toHex(ATR));
    vpcd.send(frame("01"), frame("00"), frame("02"));
    await vpcd.silence();
    expect(card.events).toEqual(["on", "off", "reset"]);
    vpcd.send(frame("04"));
    expect(await vpcd.nextFrame()).toBe(toHex(ATR));
  });

  it("answers an APDU with the card's R-APDU and reports the exchange", async () => {
    const { vpcd, card, bridge } = await setup();
    const seen: string[] = [];
    bridge.on("exchange", (c, r) => seen.push(`${toHex(c)}/${toHex(r)}`));
    vpcd.send(frame("00A4040C0AD392F000260100000001"));
    expect(await vpcd.nextFrame()).toBe("A49000");
    expect(card.commands).toEqual(["00A4040C0AD392F000260100000001"]);
    expect(seen).toEqual(["00A4040C0AD392F000260100000001/A49000"]);
  });

  it("reassembles frames split across TCP chunks, byte by byte", async () => {
    const { vpcd } = await setup();
    const bytes = Buffer.concat([frame("00B0000004"), frame("04")]);
    for (const b of bytes) {
      vpcd.send(Buffer.of(b));
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await vpcd.nextFrame()).toBe("B09000");
    expect(await vpcd.nextFrame()).toBe(toHex(ATR));
  });

  it("handles several frames in one chunk, in order", async () => {
    const { vpcd, card } = await setup();
    vpcd.send(Buffer.concat([frame("01"), frame("0020008000"), frame("04"), frame("00B0000001"), frame("0022")]));
    expect(await vpcd.nextFrame()).toBe("209000");
    expect(await vpcd.nextFrame()).toBe(toHex(ATR));
    expect(await vpcd.nextFrame()).toBe("B09000");
    expect(await vpcd.nextFrame()).toBe("229000");
    expect(card.events).toEqual(["on"]);
  });

  it("survives malformed frames: length 0 and unknown control codes get no answer", async () => {
    const { vpcd, bridge } = await setup();
    vpcd.send(frame(""), frame("03"), frame("FF"), frame("05"));
    await vpcd.silence();
    expect(bridge.connected).toBe(true);
    vpcd.send(frame("04"));
    expect(await vpcd.nextFrame()).toBe(toHex(ATR));
  });

  it("answers 6F00 when a card breaks its never-throw rule, and keeps going", async () => {
    const vpcd = await FakeVpcd.listen();
    const card: SmartCard = {
      atr: ATR,
      powerOn() {},
      powerOff() {},
      reset() {},
      transmit() {
        throw new Error("boom");
      },
    };
    const bridge = new VpcdBridge(card, { port: vpcd.port });
    cleanups.push(() => vpcd.close(), () => bridge.remove());
    await bridge.insert();
    await vpcd.connection(1);
    vpcd.send(frame("00A40000"));
    expect(await vpcd.nextFrame()).toBe("6F00");
  });

  it("remove() closes the socket (card removed), powers the card off, and a new insert works", async () => {
    const { vpcd, card, bridge } = await setup();
    const events: string[] = [];
    bridge.on("disconnected", (reason) => events.push(reason));
    const closed = new Promise<void>((resolve) => vpcd.socket?.once("close", () => resolve()));
    await bridge.remove();
    await closed;
    expect(bridge.connected).toBe(false);
    expect(events).toEqual(["removed"]);
    expect(card.events).toContain("off");
    await bridge.insert();
    await vpcd.connection(2);
    vpcd.send(frame("04"));
    expect(await vpcd.nextFrame()).toBe(toHex(ATR));
  });

  it("says where and what to run when nothing listens (ECONNREFUSED)", async () => {
    const probe = await FakeVpcd.listen();
    const port = probe.port;
    await probe.close();
    const bridge = new VpcdBridge(stubCard(), { port });
    const err = await bridge.insert().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VpcdConnectError);
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    expect((err as Error).message).toContain("onshi-sim doctor");
    expect(bridge.connected).toBe(false);
  });

  /** The delays of the retries the bridge schedules (its only timer): its backoff, whatever the clock does. */
  /** The delays of the retries the bridge schedules; `ceiling` settles once one of them is the 1 s ceiling. */
  function bridgeRetryDelays(): number[] & { ceiling: Promise<void> } {
    let reachedCeiling!: () => void;
    const delays = Object.assign([] as number[], { ceiling: new Promise<void>((resolve) => (reachedCeiling = resolve)) });
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((callback: () => void, ms?: number) => {
      if (new Error().stack?.includes("/card-sim/src/vpcd-bridge.ts")) {
        delays.push(ms ?? 0);
        if (ms === 1000) reachedCeiling();
      }
      return realSetTimeout(callback, ms);
    }) as unknown as typeof setTimeout);
    cleanups.push(async () => spy.mockRestore());
    return delays;
  }

  it("without reconnect, a connection dropped by pcscd stays down", async () => {
    const { vpcd, bridge } = await setup();
    const retries = bridgeRetryDelays();
    const reasons: string[] = [];
    bridge.on("disconnected", (r) => reasons.push(r));
    const disconnected = new Promise((resolve) => bridge.once("disconnected", resolve));
    vpcd.socket?.destroy();
    await disconnected;
    // No retry scheduled when it went: nothing can bring it back.
    expect([...retries]).toEqual([]);
    expect(reasons).toEqual(["closed-by-pcscd"]);
    expect(bridge.connected).toBe(false);
    expect(vpcd.connections).toBe(1);
  });

  it("with reconnect, comes back after pcscd restarts (backoff ≤ 1 s)", async () => {
    const { vpcd, bridge } = await setup({ reconnect: true });
    const port = vpcd.port;
    let reconnected = 0;
    bridge.on("connected", () => reconnected++);
    const retries = bridgeRetryDelays();
    // pcscd goes away for a while (long enough for the backoff to reach its ceiling)...
    await vpcd.close();
    await retries.ceiling;
    expect(bridge.connected).toBe(false);
    // ...and comes back on the same port.
    const again = await FakeVpcd.listen(port);
    cleanups.push(() => again.close());
    await again.connection(1, 3000);
    expect(retries.length).toBeGreaterThan(3);
    expect(Math.max(...retries)).toBeLessThanOrEqual(1000);
    again.send(frame("04"));
    expect(await again.nextFrame()).toBe(toHex(ATR));
    expect(reconnected).toBe(1);
    await bridge.remove();
    expect(bridge.connected).toBe(false);
  });
});

/**
 * pcscd's vpcd writes a message's length and payload in two send()s with Nagle on, so the payload waits for
 * our ACK of the length — which Linux delays ~40 ms. A Node server socket with noDelay off writing twice
 * does the same, so the fix is testable without pcscd.
 */
/** Linux's TCP_DELACK_MIN (HZ/25): the shortest wait for a delayed ACK. */
const DELAYED_ACK_MIN_MS = 40;

describe("VpcdBridge against a pcscd-like peer (length and payload in two writes, Nagle on)", () => {
  async function medianRoundTrip(quickAck: boolean, n = 15): Promise<{ median: number; bridge: VpcdBridge }> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const connection = new Promise<Socket>((resolve) => server.once("connection", resolve));
    const bridge = new VpcdBridge(stubCard(), { port: (server.address() as AddressInfo).port, quickAck });
    try {
      await bridge.insert();
      const peer = await connection;
      peer.setNoDelay(false);
      const payload = Buffer.from("00A4040C0AD392F000260100000001", "hex");
      const length = Buffer.alloc(2);
      length.writeUInt16BE(payload.length);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const reply = new Promise((resolve) => peer.once("data", resolve));
        const t0 = performance.now();
        peer.write(length);
        peer.write(payload);
        await reply;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { median: times[Math.floor(n / 2)] as number, bridge };
    } finally {
      await bridge.remove();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  it.skipIf(!socketQuickackSupport().available)("answers at once: the bridge ACKs the length itself (TCP_QUICKACK, no root)", async () => {
    const { median, bridge } = await medianRoundTrip(true);
    expect(bridge.quickAck).toBe(true);
    // Behaviour, not speed: an exchange that waited for the delayed ACK takes at least the kernel's 40 ms
    // minimum; a loaded machine stretches the quick path but does not push its median onto that timer.
    expect(median).toBeLessThan(DELAYED_ACK_MIN_MS);
  });

  it.skipIf(loopbackQuickackEnabled() !== false)("without it each exchange waits for the delayed ACK (so the test above can tell)", async () => {
    const { median, bridge } = await medianRoundTrip(false, 7);
    expect(bridge.quickAck).toBe(false);
    expect(median).toBeGreaterThanOrEqual(DELAYED_ACK_MIN_MS * 0.9);
  });
});
