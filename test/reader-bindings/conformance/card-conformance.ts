/**
 * One conformance suite for every reader binding (after serialport's binding tests): the same card
 * behaviour must be seen through `memory` and through `pcsc` + pcscd + vpcd.
 *
 * A binding test file calls `describeCardConformance(name, open)`; `open` runs once in `beforeAll` and
 * returns a `BindingUnderTest` (its `close` runs in `afterAll`). Whether the suite runs at all is the
 * caller's business: wrap it in `describePcsc` for a binding that needs PC/SC.
 */
import { verify as rsaVerify, X509Certificate } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toHex } from "@onshi-sim/apdu";
import { parseTranscript } from "@onshi-sim/apdu";
import type { SmartCard } from "@onshi-sim/reader-bindings";
import { CardChannel, ReplayChannel } from "@onshi-sim/card-client";
import { MyNumberCardClient, NotAMyNumberCardError, RealCardSafetyError } from "@onshi-sim/card-client";
import { NoCardError, type CardPresentEvent, type ReaderTransport } from "@onshi-sim/reader-bindings";
import { fixtureCa, loadFixture, virtualCard } from "../../support/cards.js";

export interface BindingUnderTest {
  /** Started, with `reader` among its readers and no card in it. */
  readonly transport: ReaderTransport;
  readonly reader: string;
  /**
   * Puts a card into the reader — taking out the one already there, if any — and resolves once the
   * transport has reported the new card (`card`).
   */
  insert(card: SmartCard): Promise<void>;
  /** Takes the card out (no-op without one) and resolves once the transport has reported `card.off`. */
  remove(): Promise<void>;
  /** Takes the card out and closes the transport (and whatever else `open` set up). */
  close(): Promise<void>;
}

export function waitForEvent<T>(subscribe: (resolve: (value: T) => void) => void, what: string, ms = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    subscribe((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

export function describeCardConformance(name: string, open: () => Promise<BindingUnderTest>): void {
  describe(`card conformance over ${name}`, () => {
    let b: BindingUnderTest;
    let ca: X509Certificate;
    beforeAll(async () => {
      b = await open();
      ca = await fixtureCa();
    });
    afterAll(async () => {
      await b?.close();
    });

    const client = (record = false) => {
      const channel = new CardChannel(b.transport, b.reader, { record });
      return { channel, card: new MyNumberCardClient(channel, { fixtureCas: [ca] }) };
    };

    it("lists the reader and reports an inserted card with its ATR", async () => {
      expect(b.transport.listReaders()).toContain(b.reader);
      const seen = waitForEvent<CardPresentEvent>((r) => b.transport.once("card", r), "card event");
      await b.insert(await virtualCard("yamada-taro"));
      const event = await seen;
      expect(event.reader).toBe(b.reader);
      expect(toHex(event.atr)).toBe("3BE000FF8131FE4514");
      expect(toHex(b.transport.cardIn(b.reader) ?? new Uint8Array())).toBe("3BE000FF8131FE4514");
    });

    it("runs the whole PIN path: select, certificate, status, wrong PIN, right PIN, sign, verify", async () => {
      const { card, channel } = client(true);
      await card.identify();
      const der = await card.readUserAuthCertificate();
      const fixture = await loadFixture("yamada-taro");
      expect(toHex(der)).toBe(toHex(fixture.userAuthCertificateDer));
      expect(await card.isFixtureCard()).toBe(true);
      expect(await card.pinStatus("userAuth")).toEqual({ state: "ready", triesLeft: 3 });
      expect(await card.verify("userAuth", "9999")).toEqual({ ok: false, triesLeft: 2 });
      expect(await card.verify("userAuth", "1234")).toEqual({ ok: true });
      const challenge = new TextEncoder().encode("server-nonce-0001");
      const signature = await card.signWithUserAuthKey(challenge);
      expect(rsaVerify("sha256", challenge, new X509Certificate(der).publicKey, signature)).toBe(true);
      const transcript = channel.transcript();
      expect(transcript).toContain("=> 00A4040C0AD392F000260100000001\n<= 9000");
      expect(transcript).toContain("<= 63C2");
      expect(transcript).not.toContain("39393939"); // the PIN never reaches a transcript
      expect(transcript).not.toContain("31323334");
    });

    it("replays a recorded transcript and names the exchange that differs", async () => {
      const { card, channel } = client(true);
      await card.identify();
      await card.pinStatus("userAuth");
      const replay = new ReplayChannel(parseTranscript(channel.transcript()));
      const replayed = new MyNumberCardClient(replay, { fixtureCas: [ca] });
      await replayed.identify();
      await expect(replayed.pinStatus("assist")).rejects.toThrow(/exchange #2 differed:\n  expected => 00A4020C020018\n  got      => 00A4040C0AD3921000310001010408/);
    });

    it("keeps counters across remove and insert; power-off clears the verified PIN", async () => {
      const card = await virtualCard("sato-hanako");
      await b.insert(card);
      const first = client().card;
      expect(await first.verify("userAuth", "0000")).toEqual({ ok: false, triesLeft: 2 });
      expect(await first.verify("userAuth", "1234")).toEqual({ ok: true });
      expect(await first.verify("userAuth", "0000")).toEqual({ ok: false, triesLeft: 2 });
      await b.remove();
      await b.insert(card);
      const second = client().card;
      expect(await second.pinStatus("userAuth")).toEqual({ state: "ready", triesLeft: 2 });
      await expect(second.signWithUserAuthKey(Uint8Array.of(1))).rejects.toThrow(/6982/);
    });

    it("shows a locked card as blocked and does not let a PIN through", async () => {
      await b.insert(await virtualCard("pin-locked"));
      const { card } = client();
      expect(await card.pinStatus("userAuth")).toEqual({ state: "blocked", sw: 0x6984 });
      expect(await card.verify("userAuth", "1234")).toEqual({ ok: false, blocked: true, sw: 0x6984 });
    });

    it("refuses to send a PIN to a real card with fewer than 2 tries left, and says why", async () => {
      await b.insert(await virtualCard("one-try-left"));
      const channel = new CardChannel(b.transport, b.reader, { record: true });
      // No fixture CA given: the card counts as a real card.
      const real = new MyNumberCardClient(channel, { fixtureCas: [] });
      await real.identify();
      await expect(real.verify("userAuth", "1234")).rejects.toThrow(RealCardSafetyError);
      await expect(real.verify("userAuth", "1234")).rejects.toThrow(/1 try left.*at least 2/);
      const sent = parseTranscript(channel.transcript().replace(/\*/g, "0"));
      expect(sent.some((e) => e.command[1] === 0x20 && e.command.length > 4)).toBe(false);
    });

    it("tells a card that is not a My Number Card by SELECT, not by ATR", async () => {
      const stranger: SmartCard = {
        atr: Uint8Array.of(0x3b, 0xe0, 0x00, 0xff, 0x81, 0x31, 0xfe, 0x45, 0x14), // same ATR as ours
        powerOn() {},
        powerOff() {},
        reset() {},
        transmit: () => Uint8Array.of(0x6a, 0x82),
      };
      await b.insert(stranger);
      await expect(client().card.identify()).rejects.toThrow(NotAMyNumberCardError);
    });

    it("reports removal and fails an exchange with no card", async () => {
      await b.insert(await virtualCard("yamada-taro"));
      await b.remove();
      expect(b.transport.cardIn(b.reader)).toBeUndefined();
      await expect(b.transport.transmit(b.reader, Uint8Array.of(0, 0xa4, 4, 0x0c))).rejects.toThrow(NoCardError);
    });
  });
}
