/** @onshi-sim/agent: The reader agent: reception sessions, face verification, Socket.IO server and driver. */
export * from "./face/ssd-mobilenet.js";
export * from "./qualification/qualification-client.js";
export * from "./qualification/switchable-qualification.js";
export * from "./session/session-errors.js";
export * from "./session/qualification-summary.js";
export * from "./session/reception-ports.js";
export * from "./session/reception-session.js";
export * from "./session/session-manager.js";
export * from "./session/session-view.js";
export * from "./session/staff-pin-guard.js";
export * from "./socket/agent-driver.js";
export * from "./socket/agent-server.js";
export * from "./socket/events.js";
export * from "./socket/payload-limits.js";
export * from "./face/index.js";
export type { ConsentAnswer, FaceOutcome } from "./session/session-view.js";
