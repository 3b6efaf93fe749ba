/**
 * The reader agent over Socket.IO, with real kiosks (socket.io-client through AgentDriver), a real mock server
 * and virtual cards in the memory transport: the token, face frames as binary, bad payloads, dev commands and
 * transport notices (PC/SC context lost). Full receptions (two kiosks, a kiosk reconnecting, …) are in
 * agent-session-suite.ts, run over memory and over pcsc.
 */
import { readFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { FACES_DIR } from "@onshi-sim/jpki-testkit";
import { io as connectRaw } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AgentDriver, AgentCommandError } from "../../src/socket/agent-driver.js";
import { MAX_FACE_FRAME_BYTES, type AgentConnectError, type AgentError, type CommandAck } from "../../src/socket/events.js";
import { WorkerFaceVerifier } from "../../src/face/worker-face-verifier.js";
import { MemoryReaderTransport } from "@onshi-sim/reader-bindings";
import { READER, startAgentHarness, TOKEN, type AgentHarness, type AgentHarnessOptions } from "../support/agent-harness.js";
import { virtualCard } from "../../../../test/support/cards.js";

const faces = new WorkerFaceVerifier();
beforeAll(async () => {
  await faces.ready();
}, 120_000);
afterAll(() => faces.close());

let h: AgentHarness | undefined;
const start = async (options: AgentHarnessOptions = {}) => {
  h = await startAgentHarness({ faceVerifier: faces, ...options });
  return h;
};
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("connection", () => {
  it("needs the token: none or a wrong one is refused with connect_error data", async () => {
    const h = await start();
    await expect(AgentDriver.connect({ url: h.agent.url, token: "wrong-token", reconnect: false })).rejects.toThrow(AgentCommandError);
    const raw = connectRaw(h.agent.url, { transports: ["websocket"], reconnection: false });
    const err = await new Promise<Error & { data?: AgentConnectError }>((resolve) => raw.once("connect_error", resolve));
    raw.close();
    expect(err.message).toBe("unauthorized");
    expect(err.data).toMatchObject({ code: "unauthorized" });
    const ok = await h.kiosk();
    expect(ok.snapshot?.agent).toMatchObject({ protocol: 1, devCommands: true, faceVerification: true, visualCheck: true, transports: [{ kind: "memory", state: "running" }] });
    expect(ok.snapshot?.sessions.map((s) => [s.reader, s.phase])).toEqual([[READER, "waiting-for-card"]]);
  });

  it("listens on loopback by default and answers /health", async () => {
    const h = await start();
    expect(h.agent.host).toBe("127.0.0.1");
    const res = await fetch(`${h.agent.url}/health`);
    expect(await res.json()).toEqual({ status: "ok", protocol: 1 });
  });
});

/** A raw GET with any Host and Origin (fetch will not set Host): status and body. */
function rawGet(url: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A real socket.io-client over WebSocket only, with the token and the Origin header a browser page would send. */
function connectFrom(url: string, origin: string | undefined): Promise<"connected" | Error> {
  return new Promise((resolve) => {
    const socket = connectRaw(url, { transports: ["websocket"], auth: { token: TOKEN }, reconnection: false, forceNew: true, ...(origin ? { extraHeaders: { origin } } : {}) });
    socket.once("connect", () => {
      socket.close();
      resolve("connected");
    });
    socket.once("connect_error", (e) => {
      socket.close();
      resolve(e);
    });
  });
}

describe("who may connect: Origin and Host", () => {
  it("a WebSocket from another site's page is refused before the token is even looked at; pages on this machine connect", async () => {
    const h = await start();
    const port = new URL(h.agent.url).port;
    for (const origin of ["http://evil.example", `http://evil.example:${port}`, "null", "http://127.0.0.1.evil.example:8740"]) {
      expect(await connectFrom(h.agent.url, origin), origin).toBeInstanceOf(Error);
    }
    expect(h.logs.some((l) => l.includes('"refused":"origin"'))).toBe(true);
    // The kiosk UI (another loopback port), a vendor's own kiosk page, and programs (no Origin).
    for (const origin of ["http://127.0.0.1:8740", "http://localhost:5173", "http://[::1]:3000", undefined]) {
      expect(await connectFrom(h.agent.url, origin), String(origin)).toBe("connected");
    }
    // Polling handshakes are checked the same way (socket.io's allowRequest sees both transports' first request).
    const polling = "/socket.io/?EIO=4&transport=polling";
    const evil = await rawGet(h.agent.url, polling, { origin: "http://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.body).toContain("origin");
    expect((await rawGet(h.agent.url, polling, { origin: "http://127.0.0.1:8740" })).status).toBe(200);
  });

  it("answers only for its own Host names (DNS rebinding): /health and the Socket.IO handshake", async () => {
    const h = await start();
    const port = new URL(h.agent.url).port;
    const health = await rawGet(h.agent.url, "/health", { host: `evil.example:${port}` });
    expect(health.status).toBe(403);
    expect(health.body).toContain("ONSHI_SIM_ALLOWED_HOSTS");
    const handshake = await rawGet(h.agent.url, "/socket.io/?EIO=4&transport=polling", { host: `evil.example:${port}` });
    expect(handshake.status).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) expect((await rawGet(h.agent.url, "/health", { host })).status, host).toBe(200);
  });
});

describe("refusals come before any disconnect", () => {
  it("an unknown event is refused with unknown-event: in the ack, or as agent:error without one; the kiosk stays connected", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    const errors: AgentError[] = [];
    kiosk.onEvent((e) => e.event === "agent:error" && errors.push(e.data));
    const raw = kiosk.socket as unknown as { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<CommandAck> }; emit(event: string, ...args: unknown[]): void };
    const ack = await raw.timeout(5000).emitWithAck("no:such:event", { x: 1 });
    expect(ack).toMatchObject({ ok: false, error: { code: "unknown-event" } });
    if (ack.ok) throw new Error("expected a refusal");
    raw.emit("session:telepathy", { x: 1 });
    raw.emit("1234", { x: 1 });
    await expect.poll(() => errors.length).toBe(2);
    expect(errors[0]).toMatchObject({ code: "unknown-event", event: "session:telepathy" });
    expect(errors[1]).toMatchObject({ code: "unknown-event" });
    expect(errors[1]!.event).toBeUndefined(); // a name with digits is never echoed (it could be a PIN)
    // A refused known command without an ack is told too.
    raw.emit("session:pin", { sessionId: "x", pin: "nope" });
    await expect.poll(() => errors.length).toBe(3);
    expect(errors[2]).toMatchObject({ code: "bad-request", event: "session:pin" });
    expect(JSON.stringify(errors)).not.toContain("nope");
    expect(kiosk.socket.connected).toBe(true);
    expect((await kiosk.sync()).ok).toBe(true);
  });

  it("an oversized payload is refused with payload-too-large, changes nothing, and the connection stays", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    await kiosk.insertCard("yamada-taro");
    const view = await kiosk.waitFor("choose-method");
    const raw = kiosk.socket as unknown as { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<CommandAck> } };
    const send = (event: string, ...args: unknown[]) => raw.timeout(10_000).emitWithAck(event, ...args);
    // A camera frame 1 MiB over the frame limit (binary), and a command padded far beyond any real one.
    const frame = await send("session:face-frame", { sessionId: view.sessionId, image: Buffer.alloc(MAX_FACE_FRAME_BYTES + 1, 0xff) });
    expect(frame).toMatchObject({ ok: false, error: { code: "payload-too-large" } });
    const padded = await send("session:pin", { sessionId: view.sessionId, pin: "1234", pad: "x".repeat(100 * 1024) });
    expect(padded).toMatchObject({ ok: false, error: { code: "payload-too-large" } });
    const unknownBig = await send("no:such:event", "x".repeat(1024 * 1024));
    expect(unknownBig).toMatchObject({ ok: false, error: { code: "payload-too-large" } });
    expect(kiosk.socket.connected).toBe(true);
    // Nothing changed: same screen, the PIN still has its 3 tries, and the agent still answers this kiosk.
    expect(h.agent.manager.session(READER)?.view).toMatchObject({ phase: "choose-method", seq: view.seq, pin: { triesLeft: 3 } });
    expect((await kiosk.sync()).ok).toBe(true);
  });
});

describe("camera frames", () => {
  it("a camera frame travels as binary (and as base64) to the face verifier", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    await kiosk.insertCard("yamada-taro");
    await kiosk.waitFor((v) => v.phase === "choose-method" && v.face?.referenceReady === true);
    const noFace = (await readFile(join(FACES_DIR, "no-face.jpg"))).toString("base64");
    const viaBase64 = (await kiosk.socket.timeout(10_000).emitWithAck("session:face-frame", { sessionId: kiosk.view()!.sessionId, image: noFace })) as CommandAck;
    expect(viaBase64).toMatchObject({ ok: true, session: { phase: "face", error: { code: "face-no-face" } } });
    const ack = await kiosk.faceFrame(await readFile(join(FACES_DIR, "grace-hopper-camera.jpg")));
    expect(ack.ok).toBe(true);
    const v = await kiosk.waitFor("consent");
    expect(v.face).toMatchObject({ lastOutcome: "match", attempts: 2 });
    expect(v.method).toBe("face");
  });
});

describe("bad payloads", () => {
  it("are refused with bad-request and the path, change nothing, and never crash the agent", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    await kiosk.insertCard("yamada-taro");
    const before = await kiosk.waitFor("choose-method");
    const raw = kiosk.socket as unknown as { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<CommandAck> }; emit(event: string, ...args: unknown[]): void };
    const send = (event: string, ...args: unknown[]) => raw.timeout(5000).emitWithAck(event, ...args);
    const sessionId = before.sessionId;

    const cases: [string, unknown[], string][] = [
      ["session:pin", [{ pin: "1234" }], "sessionId"],
      ["session:pin", [{ sessionId, pin: 1234 }], "pin"],
      ["session:pin", [{ sessionId, pin: "12345" }], "pin"],
      ["session:pin", [{ sessionId, pin: "1234", remember: true }], ""],
      ["session:pin", ["1234"], ""],
      ["session:pin", [{ sessionId, pin: "1234" }, "extra argument"], ""],
      ["session:choose-method", [{ sessionId, method: "telepathy" }], "method"],
      ["session:face-frame", [{ sessionId, image: 42 }], "image"],
      ["session:consent", [{ sessionId, items: { everything: true } }], "items"],
      ["staff:visual", [{ sessionId, staffPin: ["246810"] }], "staffPin"],
      ["dev:insert-card", [{ card: "../../etc/passwd" }], "card"],
    ];
    for (const [event, args, path] of cases) {
      const ack = await send(event, ...args);
      expect(ack.ok, `${event} ${JSON.stringify(args).slice(0, 60)}`).toBe(false);
      if (ack.ok) continue;
      expect(ack.error.code).toBe("bad-request");
      expect(ack.error.issues?.some((i) => i.path.startsWith(path))).toBe(true);
      expect(JSON.stringify(ack)).not.toMatch(/(?<!\d)1234(?!\d)|246810/);
    }
    // Well-formed, but for a session that does not exist.
    expect(await send("session:pin", { sessionId: "no-such-session", pin: "1234" })).toMatchObject({ ok: false, error: { code: "unknown-session" } });
    // Without an ack callback: ignored, and the agent lives on.
    raw.emit("session:pin", { sessionId, pin: "nope" });
    raw.emit("no:such:event", { x: 1 });

    const sync = await kiosk.sync();
    expect(sync.ok).toBe(true);
    const after = sync.ok ? sync.snapshot?.sessions[0] : undefined;
    expect(after).toMatchObject({ sessionId, phase: "choose-method", pin: { triesLeft: 3 }, error: null });
    expect(after?.seq).toBe(h.agent.manager.session(READER)?.view.seq);
    expect(after?.seq).toBeGreaterThanOrEqual(before.seq);
    // The card was never asked: still 3 tries.
    expect((await kiosk.pin("1234")).session?.phase).toBe("consent");
  });
});

describe("dev commands", () => {
  it("are off unless the agent was given card slots", async () => {
    const transport = new MemoryReaderTransport();
    const h = await start({ transport });
    const kiosk = await h.kiosk();
    expect(kiosk.snapshot?.agent.devCommands).toBe(false);
    expect(await kiosk.insertCard("yamada-taro")).toMatchObject({ ok: false, error: { code: "dev-disabled" } });
    // The reader still works for cards that arrive another way.
    transport.insert(await virtualCard("yamada-taro"));
    await kiosk.waitFor("choose-method");
  });

  it("say which card or reader does not exist", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    expect(await kiosk.insertCard("no-such-card")).toMatchObject({ ok: false, error: { code: "unknown-card" } });
    expect(await kiosk.insertCard("yamada-taro", "No Such Reader")).toMatchObject({ ok: false, error: { code: "unknown-reader" } });
  });
});

describe("dev:reader-broken (trainer: reader out of order)", () => {
  it("shows reader-broken with the documents to show instead, ignores cards meanwhile (no APDU), and recovers", async () => {
    const h = await start();
    const kiosk = await h.kiosk();
    const memory = h.memory!;
    let apdus = 0;
    const transmit = memory.transmit.bind(memory);
    memory.transmit = (reader, command) => {
      apdus++;
      return transmit(reader, command);
    };

    const ack = await kiosk.readerBroken(true);
    expect(ack).toMatchObject({ ok: true, session: { reader: READER, phase: "error", error: { code: "reader-broken", retryable: false } } });
    const broken = await kiosk.waitFor((v) => v.error?.code === "reader-broken");
    expect(broken.phase).toBe("error");

    // A card placed on the broken reader is not read; the screen stays. The agent takes the card in (and would
    // start reading it) before it acks the insert, so its log says so by now and nothing needs waiting for.
    expect(await kiosk.insertCard("yamada-taro")).toMatchObject({ ok: true });
    expect(h.logs.filter((l) => l.includes('"card-ignored"'))).toHaveLength(1);
    expect(apdus).toBe(0);
    expect(h.agent.manager.session(READER)?.view).toMatchObject({ phase: "error", error: { code: "reader-broken" } });
    expect(await kiosk.removeCard()).toMatchObject({ ok: true });
    expect(h.agent.manager.session(READER)?.view.phase).toBe("error");
    // Commands on it are refused; the switch is idempotent.
    expect(await kiosk.retry()).toMatchObject({ ok: false });
    expect(await kiosk.readerBroken(true)).toMatchObject({ ok: true, session: { error: { code: "reader-broken" } } });

    // Repaired: waiting for a card again, and cards are read.
    expect(await kiosk.readerBroken(false)).toMatchObject({ ok: true, session: { phase: "waiting-for-card", error: null } });
    await kiosk.insertCard("yamada-taro");
    await kiosk.waitFor("choose-method");
    expect(apdus).toBeGreaterThan(0);
  });

  it("is a dev command (refused without card slots), validates its payload and names unknown readers", async () => {
    {
      const h = await start();
      const kiosk = await h.kiosk();
      const raw = kiosk.socket as unknown as { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<CommandAck> } };
      const send = (...args: unknown[]) => raw.timeout(5000).emitWithAck("dev:reader-broken", ...args);
      for (const [payload, path] of [[{}, "broken"], [{ broken: "yes" }, "broken"], [{ broken: true, reader: "" }, "reader"], [{ broken: true, extra: 1 }, ""]] as const) {
        const ack = await send(payload);
        expect(ack).toMatchObject({ ok: false, error: { code: "bad-request" } });
        if (!ack.ok) expect(ack.error.issues?.some((i) => i.path.startsWith(path))).toBe(true);
      }
      expect(await kiosk.readerBroken(true, "No Such Reader")).toMatchObject({ ok: false, error: { code: "unknown-reader" } });
      expect(h.agent.manager.session(READER)?.view.phase).toBe("waiting-for-card");
      await h.close();
    }
    const h = await start({ transport: new MemoryReaderTransport() });
    const kiosk = await h.kiosk();
    expect(await kiosk.readerBroken(true)).toMatchObject({ ok: false, error: { code: "dev-disabled" } });
    expect(h.agent.manager.session(READER)?.view.phase).toBe("waiting-for-card");
  });
});

/** A memory transport that can lose its "context" like PcscReaderTransport when pcscd restarts. */
class FlakyTransport extends MemoryReaderTransport {
  contextLost = false;
  down = false;
  restarts = 0;
  loseContext(): void {
    this.contextLost = true;
    this.down = true;
    this.emit("error", new Error("PC/SC context lost (test)"));
    for (const r of this.listReaders()) this.emit("reader.end", r);
  }
  async restart(): Promise<void> {
    this.restarts++;
    if (this.down) throw new Error("pcscd is not running");
    this.contextLost = false;
    for (const r of this.listReaders()) this.emit("reader", r);
  }
}

describe("transport recovery", () => {
  it("says on the stream when the PC/SC context is lost and when the readers are back; sessions resume", async () => {
    const transport = new FlakyTransport();
    const h = await start({ transport, recoveryIntervalMs: 50 });
    const kiosk = await h.kiosk();
    const notices: string[] = [];
    kiosk.onEvent((e) => {
      if (e.event === "agent:transport") notices.push(`${e.data.kind}${e.data.reader ? `:${e.data.reader}` : ""}`);
    });
    transport.insert(await virtualCard("yamada-taro"));
    await kiosk.waitFor("choose-method");

    transport.loseContext();
    await kiosk.waitFor("aborted");
    await expect.poll(() => notices).toEqual(["context-lost", `reader-removed:${READER}`]);
    await expect.poll(() => transport.restarts).toBeGreaterThan(1); // retried while "pcscd" is down
    const during = await kiosk.sync();
    expect(during.ok && during.snapshot?.agent.transports).toEqual([{ kind: "memory", state: "context-lost" }]);

    transport.down = false;
    await expect.poll(() => notices).toContain("recovered");
    await expect.poll(() => kiosk.readers.map((r) => r.name)).toEqual([READER]);
    transport.remove();
    transport.insert(await virtualCard("yamada-taro"));
    await kiosk.waitFor("choose-method");
  });
});
