/** @onshi-sim/card-client: MyNumberCardClient: the host side of the card (identify, certificates, PIN, sign, card face). */
export * from "./card-channel.js";
export * from "./my-number-card-client.js";
