/**
 * vitest globalSetup: brings up pcscd + vpcd once for the whole run (starting `pcscd -f` when it is not
 * running and we are root), tells every test file through `inject("pcsc")`, and stops pcscd afterwards only
 * if onshi-sim started it and no other process still uses it.
 */
import type { TestProject } from "vitest/node";
import { DEFAULT_AGENT_PORT } from "@onshi-sim/agent/protocol";
import { ensurePcscd } from "@onshi-sim/card-sim";
import { listeningTcpPorts } from "@onshi-sim/card-sim";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pcscd = await ensurePcscd();
  project.provide("pcsc", pcscd.reason === undefined ? { available: pcscd.available } : { available: pcscd.available, reason: pcscd.reason });
  if (!pcscd.available) process.stderr.write(`[pcsc] PC/SC unavailable: ${pcscd.reason}\n`);
  else if (pcscd.startedByUs) process.stderr.write("[pcsc] started pcscd -f for this test run\n");
  if (pcscd.latency && pcscd.latency.fix !== "socket") process.stderr.write(`[pcsc] vpcd latency: ${pcscd.latency.detail}\n`);
  // A running `npm start` agent watches every PC/SC reader, the vpcd slots the tests use included, and
  // would talk to their cards mid-test: say so up front instead of leaving a puzzling failure.
  if (pcscd.available && listeningTcpPorts()?.has(DEFAULT_AGENT_PORT))
    process.stderr.write(`[pcsc] something listens on port ${DEFAULT_AGENT_PORT} (an onshi-sim agent from npm start?): it watches the vpcd readers too; stop it if PC/SC tests fail\n`);
  return () => pcscd.stop();
}
