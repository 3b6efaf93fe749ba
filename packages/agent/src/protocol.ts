/**
 * The agent's Socket.IO contract, light enough for the browser: event maps and payload schemas, and the
 * session views they carry. Owned here; the kiosk and `onshi-sim drive` import it.
 */
export * from "./socket/events.js";
export * from "./session/session-view.js";
