/** Entry: one page, routed by path — `/` the kiosk, `/reception` the receptionist, `/trainer` the trainer. */
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
    document.title = "受付（職員用） — onshi-sim";
    const { Reception } = await import("./reception.js");
    render(<Reception agent={new AgentConnection(config, "reception")} config={config} />, root);
  } else if (path === "/trainer") {
    document.title = "トレーナー — onshi-sim";
    const { Trainer } = await import("./trainer.js");
    render(<Trainer agent={new AgentConnection(config, "trainer")} config={config} />, root);
  } else {
    render(<Kiosk agent={new AgentConnection(config, "kiosk")} config={config} />, root);
  }
}

start().catch((e: unknown) => {
  document.body.textContent = `onshi-sim UI: ${(e as Error).message}`;
});
