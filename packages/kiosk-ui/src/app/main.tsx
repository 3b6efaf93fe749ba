/** Entry: one page, routed by path — `/` the kiosk, `/reception` the receptionist, `/trainer` the trainer, `/present` the projector. */
import { render } from "preact";
import "./styles.css";
import { AgentConnection, loadConfig } from "./agent-client.js";
import { Kiosk } from "./kiosk.js";

async function start(): Promise<void> {
  const root = document.getElementById("app");
  if (!root) return;
  const config = await loadConfig();
  const path = location.pathname.replace(/\/+$/, "") || "/";
  if (path === "/reception") {
    // The staff pages' words load with them, not with the patient's screens.
    const { Reception, pageTitle } = await import("./reception.js");
    document.title = pageTitle;
    render(<Reception agent={new AgentConnection(config, "reception")} config={config} />, root);
  } else if (path === "/trainer") {
    const { Trainer, pageTitle } = await import("./trainer.js");
    document.title = pageTitle;
    render(<Trainer agent={new AgentConnection(config, "trainer")} config={config} />, root);
  } else if (path === "/present") {
    const { Present, pageTitle } = await import("./present.js");
    document.title = pageTitle;
    render(<Present />, root);
  } else {
    render(<Kiosk agent={new AgentConnection(config, "kiosk")} config={config} />, root);
  }
}

start().catch((e: unknown) => {
  document.body.textContent = `onshi-sim UI: ${(e as Error).message}`;
});
