/**
 * The card side of every transport: what a reader slot (memory) or the vpcd bridge talks to.
 * A `SmartCard` never throws from `transmit`: whatever bytes arrive, it answers an R-APDU (at worst an ISO error SW).
 */
export interface SmartCard {
  /** Answer-to-reset bytes; a contactless reader synthesises these, and pcscd shows them to applications. */
  readonly atr: Uint8Array;
  /** Power on: the card starts with no application selected and no verified PIN. */
  powerOn(): void;
  /** Power off: security state is lost; persistent state (retry counters) is kept. */
  powerOff(): void;
  /** Warm reset: like power off + on. */
  reset(): void;
  /** One C-APDU in, one R-APDU out (data + SW1 SW2). */
  transmit(command: Uint8Array): Uint8Array;
}
