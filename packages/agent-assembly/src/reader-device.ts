/** The reader device (顔認証付きカードリーダー) key the CLI's agents sign with: the agent owns it (packages/agent/src/dev-cards). */
export { DEFAULT_DEVICE_ID, loadReaderDevice } from "@onshi-sim/agent";
