/** @onshi-sim/jp2: JPEG 2000 (the card-face photo): decode and encode through openjpeg WASM. */
export * from "./jp2.js";
