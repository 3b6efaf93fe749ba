/**
 * A second ceiling for bench/server.bench.ts: node's own http server, no framework, reading and parsing the same
 * JSON body and answering the same bytes as bench/server-bare.ts. The card path's two calls are served from
 * node's request listener before express (server/src/http/app.ts), so this is the floor under them.
 */
import { createServer } from "node:http";

const reply = JSON.stringify({ XmlMsg: { MessageHeader: { SegmentOfResult: "1" }, MessageBody: { ProcessingResultStatus: "1", QualificationValidity: "1", pad: "x".repeat(1400) } }, simulator: { usable: true } });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    JSON.parse(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(reply) });
    res.end(reply);
  });
});
// The card server's keep-alive settings (server/src/server.ts): node's 5 s default closes the pool's idle
// connections mid-run, and the reconnects would be charged to the ceiling alone.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(0, "127.0.0.1", () => {
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  console.log(`bare node listening on http://127.0.0.1:${port}`);
});
