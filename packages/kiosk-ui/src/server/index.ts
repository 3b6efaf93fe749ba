/** @onshi-sim/kiosk-ui (node side): the static server for the built page, /ui/* and the /api proxy. */
export * from "./static.js";
