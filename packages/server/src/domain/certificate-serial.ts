/** A certificate serial as the server keys it: upper-case hex without leading zeros (seeds and certificates agree). */
export function normalizeSerial(serial: string): string {
  return serial.toUpperCase().replace(/^0+(?=.)/, "");
}
