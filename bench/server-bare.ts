/** The ceiling for bench/server.bench.ts: bare express on the same machine, parsing the same JSON body size. */
import express from "express";

const reply = { XmlMsg: { MessageHeader: { SegmentOfResult: "1" }, MessageBody: { ProcessingResultStatus: "1", QualificationValidity: "1", pad: "x".repeat(1400) } }, simulator: { usable: true } };
const app = express();
app.use(express.json({ limit: "64kb" }));
app.post("/bare", (_req, res) => {
  res.json(reply);
});
const server = app.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  console.log(`bare listening on http://127.0.0.1:${port}`);
});
// The card server's keep-alive settings (see server-bare-node.ts).
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
