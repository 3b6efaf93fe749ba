/**
 * Serves the built kiosk UI (kiosk-ui/dist) and what the page needs besides the agent's Socket.IO:
 *
 *   GET  /, /reception, /trainer, /assets/*   the built page (one index.html, routed in the browser)
 *   GET  /ui/config.json                      agent URL + token, facility, screen timings
 *   GET  /ui/cards                            fixture cards for the trainer's picker (id, label, what it shows)
 *   GET  /ui/scenarios                        fixtures/scenarios/*.json for the trainer's guided demo (title,
 *                                             summary, steps with their narration and rule citation)
 *   GET  /ui/settings, POST /ui/settings      trainer settings (simulation date, consent flow): TrainerSettings
 *   GET  /ui/face-results/latest[?since=ms]   the newest OQSsiquc01res_face_*.xml (what the レセコン receives);
 *                                             with since: 404 unless it was written at or after that time
 *   GET/POST /ui/camera-face…                 the face the kiosk's camera sees, chosen on /trainer (camera-face.ts)
 *   GET/POST /ui/play, GET /ui/play/events    playing a scenario on the live system (play-port.ts), when a player is given
 *   *    /api/*                               proxied to the qualification server (same origin for the page);
 *                                             /api/admin/* gets the admin token added here
 *
 * A trust boundary: the page gets the agent token and the proxy adds the admin token, so another site's page in
 * the same browser must get neither and change nothing. Every request, whatever its path:
 *   - its Host must be one this UI serves (127.0.0.1, localhost, [::1] or an `allowedHosts` name, on the port the
 *     request arrived on: ServedHosts) — else 403 UI-HOST, so a rebound name (DNS rebinding) reads nothing;
 *   - an Origin, when sent, must be this UI itself — else 403 UI-ORIGIN;
 * and every write (anything but GET/HEAD to /ui or /api) must be `Content-Type: application/json` — else 415
 * UI-MEDIA-TYPE, so no "simple" cross-origin request (text/plain, a form) gets through without a preflight,
 * which nothing here answers — except one: POST /ui/camera-face also takes multipart/form-data (a photo upload), and
 * only with an Origin that is this UI (a form from another site sends its own). Without an Origin (curl, scripts) the Host alone decides; Referer is not used.
 * Mount it with `http.createServer(ui.handler)` or as an express middleware (`app.use(ui.handler)`: it calls
 * `next()` for paths it does not serve, when given — after the Host and Origin checks).
 */
import { createReadStream, existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCardFixtures, loadPhoneFixtures } from "@onshi-sim/jpki-testkit";
import { jsonMediaType } from "@onshi-sim/server";
import { parseAuthority, ServedHosts } from "@onshi-sim/server";
import { loadScenarios, type Scenario } from "@onshi-sim/scenarios";
import { pushSimulationClock, TrainerSettings } from "./trainer-settings.js";
import { PlayCommand, PlayRefused, type PlayPort } from "./play-port.js";
import { CameraFaceError, CameraFaceStore, MAX_CAMERA_FACE_BYTES, multipartImage } from "./camera-face.js";

export { CameraFaceStore, MAX_CAMERA_FACE_BYTES } from "./camera-face.js";
export { PlayCommand, PlayRefused, type PlayCue, type PlayPort, type PlayState, type PlayStep } from "./play-port.js";
export { TrainerSettings, type TrainerSettingsView } from "./trainer-settings.js";

export const KIOSK_UI_DIST = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist");

export interface KioskUiOptions {
  /**
   * Socket.IO URL of the reader agent as the browser reaches it, e.g. http://127.0.0.1:8742; or a function of the
   * host name the page was loaded from (already one this UI serves), for a kiosk served on a LAN name.
   */
  readonly agentUrl: string | ((pageHost: string) => string);
  /**
   * Host names served besides 127.0.0.1, localhost and [::1] — only for serving the kiosk on a LAN on purpose
   * (`onshi-sim start --host 0.0.0.0 --allowed-host kiosk.lan`); "name:port" for a reverse proxy. Default none.
   */
  readonly allowedHosts?: readonly string[];
  readonly agentToken: string;
  /** The qualification server, e.g. http://127.0.0.1:8741 (proxied under /api). */
  readonly serverUrl: string;
  /** Added to /api/admin/* requests (the trainer console). Without it those answer 403. */
  readonly adminToken?: string;
  readonly facility?: string;
  /** The server's face folder (<data>/server/oqs/face) for /ui/face-results/latest. */
  readonly faceFolder?: string;
  /** Shared with the agent's SwitchableQualification (following `settings.view`); a new one otherwise (then it changes nothing). */
  readonly settings?: TrainerSettings;
  /** Seconds 受付完了 / error screens stay before the start screen. Default 20. */
  readonly resultResetSeconds?: number;
  /** Default KIOSK_UI_DIST. */
  readonly distDir?: string;
  /** Scenario files for /ui/scenarios. Default fixtures/scenarios. */
  readonly scenariosDir?: string;
  /** The kiosk camera's face as chosen on /trainer; a new one otherwise. */
  readonly cameraFace?: CameraFaceStore;
  /** Plays scenarios on the live system (/ui/play); without one those routes answer 404. */
  readonly player?: PlayPort;
}

export interface KioskUi {
  readonly handler: (req: IncomingMessage, res: ServerResponse, next?: (err?: unknown) => void) => void;
  readonly settings: TrainerSettings;
  readonly cameraFace: CameraFaceStore;
  readonly distDir: string;
  /** Whether the built page is there (`npm run build -w kiosk-ui`). */
  readonly built: boolean;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};
const PAGES = new Set(["/", "/index.html", "/reception", "/trainer", "/present"]);
const MAX_BODY = 256 * 1024;

export function createKioskUi(options: KioskUiOptions): KioskUi {
  const distDir = options.distDir ?? KIOSK_UI_DIST;
  const settings = options.settings ?? new TrainerSettings();
  const cameraFace = options.cameraFace ?? new CameraFaceStore();
  const served = new ServedHosts(options.allowedHosts);
  const agentUrlFor = (req: IncomingMessage): string => {
    if (typeof options.agentUrl === "string") return options.agentUrl;
    return options.agentUrl(parseAuthority(req.headers.host ?? "")?.name ?? "127.0.0.1");
  };
  const config = {
    agentToken: options.agentToken,
    facility: options.facility ?? "1311234567",
    resultResetSeconds: options.resultResetSeconds ?? 20,
  };
  let cards: Promise<unknown> | undefined;
  let scenarios: ReturnType<typeof demoScenarios> | undefined;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(body));
  };

  async function serveFile(res: ServerResponse, file: string): Promise<boolean> {
    try {
      const s = await stat(file);
      if (!s.isFile()) return false;
      const immutable = file.includes(`${sep}assets${sep}`);
      res.writeHead(200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": s.size,
        "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache",
        "x-content-type-options": "nosniff",
      });
      createReadStream(file).pipe(res);
      return true;
    } catch {
      return false;
    }
  }

  async function proxy(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
    const headers: Record<string, string> = {};
    const type = req.headers["content-type"];
    if (type) headers["content-type"] = type;
    if (url.pathname.startsWith("/api/admin")) {
      if (!options.adminToken) return json(res, 403, { error: { code: "UI403", message: "the kiosk UI was started without the server's admin token" } });
      headers.authorization = `Bearer ${options.adminToken}`;
    }
    let answer: Response;
    try {
      answer = await fetch(new URL(url.pathname + url.search, options.serverUrl), { method: req.method ?? "GET", headers, ...(body ? { body } : {}), signal: AbortSignal.timeout(35_000) });
    } catch (e) {
      return json(res, 502, { error: { code: "UI502", message: `the qualification server cannot be reached: ${(e as Error).message}` } });
    }
    const out = Buffer.from(await answer.arrayBuffer());
    res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/octet-stream", "cache-control": "no-store" }).end(out);
  }

  async function latestFaceResult(res: ServerResponse, since: number | undefined): Promise<void> {
    const folder = options.faceFolder;
    if (!folder) return json(res, 404, { error: { message: "no face folder configured" } });
    let names: string[];
    try {
      names = (await readdir(folder)).filter((n) => n.startsWith("OQSsiquc01res_face_") && n.endsWith(".xml"));
    } catch {
      names = [];
    }
    if (names.length === 0) return json(res, 404, { error: { message: "no face result yet" } });
    const withTimes = await Promise.all(names.map(async (n) => ({ n, t: (await stat(join(folder, n))).mtimeMs })));
    withTimes.sort((a, b) => b.t - a.t || b.n.localeCompare(a.n));
    if (since !== undefined && withTimes[0]!.t < since) return json(res, 404, { error: { message: "no face result since then yet" } });
    const name = withTimes[0]!.n;
    const xml = await readFile(join(folder, name));
    res.writeHead(200, { "content-type": "application/xml", "x-file-name": encodeURIComponent(name), "cache-control": "no-store" }).end(xml);
  }

  const handler: KioskUi["handler"] = (req, res, next) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    const run = async (): Promise<void> => {
      // The trust boundary (see the top of this file): Host, then Origin, before anything is read or served.
      if (!served.servesHost(req.headers.host, req.socket)) {
        return json(res, 403, { error: { code: "UI-HOST", message: `this kiosk UI does not answer for that Host: open it as http://127.0.0.1:<port>/ (or localhost), or start it with an allowed host (--allowed-host, ONSHI_SIM_ALLOWED_HOSTS)` } });
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !served.servesOrigin(origin, req.socket)) {
        return json(res, 403, { error: { code: "UI-ORIGIN", message: "requests from another site's page are refused (Origin is not this kiosk UI)" } });
      }
      const writes = req.method !== "GET" && req.method !== "HEAD";
      // A photo upload may be multipart, but only from this UI's own page (the Origin checked above).
      const ownUpload = path === "/ui/camera-face" && origin !== undefined && /^multipart\/form-data/i.test(req.headers["content-type"] ?? "");
      if (writes && !ownUpload && (path.startsWith("/ui/") || path === "/api" || path.startsWith("/api/")) && jsonMediaType(req.headers["content-type"]) !== true) {
        req.resume();
        return json(res, 415, { error: { code: "UI-MEDIA-TYPE", message: "writes need Content-Type: application/json (no form or text/plain requests)" } });
      }
      if (path === "/ui/config.json") return json(res, 200, { agentUrl: agentUrlFor(req), ...config });
      if (path === "/ui/settings") {
        if (req.method === "POST") {
          try {
            const patch = JSON.parse((await readBody(req)).toString("utf8") || "{}") as { simulationDate?: unknown; consentFlow?: unknown; publicExpenseScreen?: unknown };
            const view = settings.update(patch);
            // The trainer's date is the server's clock too (folder files and bulk lookups carry no date of their own).
            if (patch.simulationDate !== undefined && options.adminToken) {
              try {
                await pushSimulationClock(options.serverUrl, options.adminToken, view.simulationDate);
              } catch (e) {
                return json(res, 502, { error: { code: "UI502", message: (e as Error).message }, settings: view });
              }
            }
            return json(res, 200, view);
          } catch (e) {
            return json(res, 400, { error: { message: (e as Error).message } });
          }
        }
        return json(res, 200, settings.view);
      }
      if (path === "/ui/cards") {
        // The cards, then the virtual phones (for the phone reader; an iPhone also gets the Face ID switch).
        cards ??= Promise.all([loadCardFixtures(), loadPhoneFixtures()]).then(([list, phones]) => [
          ...list.map((c) => ({ id: c.fixture.id, label: c.fixture.label, personId: c.fixture.personId, demonstrates: c.fixture.demonstrates })),
          ...phones.map((p) => ({ id: p.fixture.id, label: p.fixture.label, personId: p.personId, demonstrates: p.fixture.demonstrates })),
        ]);
        return json(res, 200, { cards: await cards });
      }
      if (path === "/ui/scenarios") {
        try {
          scenarios ??= demoScenarios(loadScenarios(options.scenariosDir));
        } catch (e) {
          return json(res, 500, { error: { message: (e as Error).message } });
        }
        return json(res, 200, { scenarios });
      }
      if (path === "/ui/face-results/latest") {
        const since = Number(url.searchParams.get("since") ?? NaN);
        return latestFaceResult(res, Number.isFinite(since) ? since : undefined);
      }
      if (path === "/ui/play" || path === "/ui/play/events") {
        const player = options.player;
        if (!player) return json(res, 404, { error: { code: "UI-PLAY", message: "no scenario player here (onshi-sim start has one)" } });
        if (path === "/ui/play/events") {
          res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
          const send = (state: unknown) => res.write(`data: ${JSON.stringify(state)}\n\n`);
          send(player.state);
          const off = player.onChange(send);
          req.on("close", off);
          return;
        }
        if (req.method === "POST") {
          let command: PlayCommand;
          try {
            const parsed = PlayCommand.safeParse(JSON.parse((await readBody(req)).toString("utf8") || "{}"));
            if (!parsed.success) return json(res, 400, { error: { code: "UI-PLAY", message: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") } });
            command = parsed.data;
          } catch (e) {
            return json(res, 400, { error: { code: "UI-PLAY", message: (e as Error).message } });
          }
          try {
            return json(res, 200, await player.command(command));
          } catch (e) {
            if (e instanceof PlayRefused) return json(res, 409, { error: { code: "UI-PLAY", message: e.message } });
            throw e;
          }
        }
        return json(res, 200, player.state);
      }
      if (path === "/ui/camera-faces") return json(res, 200, cameraFace.view());
      if (path === "/ui/camera-face/image") {
        const face = cameraFace.current;
        if (!face) return json(res, 404, { error: { message: "the kiosk uses its real camera" } });
        res.writeHead(200, { "content-type": face.type, "content-length": face.bytes.length, "cache-control": "no-store", "x-content-type-options": "nosniff" }).end(face.bytes);
        return;
      }
      if (path === "/ui/camera-face" && req.method === "POST") {
        try {
          const type = req.headers["content-type"] ?? "";
          const body = await readBody(req, MAX_CAMERA_FACE_BYTES * 2);
          if (/^multipart\/form-data/i.test(type)) {
            const { bytes, name } = multipartImage(body, type);
            cameraFace.upload(bytes, name);
          } else await cameraFace.chooseJson(JSON.parse(body.toString("utf8") || "{}"));
          return json(res, 200, cameraFace.view());
        } catch (e) {
          if (e instanceof CameraFaceError) return json(res, e.status, { error: { code: e.code, message: e.message } });
          if (e instanceof BodyTooLarge) return json(res, 413, { error: { code: "UI-TOO-LARGE", message: e.message } });
          return json(res, 400, { error: { code: "UI-CAMERA-FACE", message: (e as Error).message } });
        }
      }
      if (path === "/api" || path.startsWith("/api/")) return proxy(req, res, url);
      if (req.method !== "GET" && req.method !== "HEAD") {
        if (next) return next();
        return json(res, 405, { error: { message: "method not allowed" } });
      }
      if (PAGES.has(path)) {
        if (await serveFile(res, join(distDir, "index.html"))) return;
        res.writeHead(503, { "content-type": "text/plain; charset=utf-8" }).end("kiosk UI not built: run `npm run build -w kiosk-ui`\n");
        return;
      }
      const file = normalize(join(distDir, path));
      if (file.startsWith(distDir + sep) && (await serveFile(res, file))) return;
      if (next) return next();
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    };
    run().catch((e: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: (e as Error).message } });
      else res.destroy();
    });
  };

  return { handler, settings, cameraFace, distDir, built: existsSync(join(distDir, "index.html")) };
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new BodyTooLarge("request body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** What the trainer's guided demo shows of each scenario: no PINs, only what a step does and its words. */
function demoScenarios(list: readonly Scenario[]) {
  return list.map((s) => ({
    name: s.name,
    title: s.title,
    summary: s.summary,
    tags: s.tags ?? [],
    date: s.setup?.date ?? null,
    source: s.source,
    steps: s.steps.map((step) => ({
      do: step.do,
      ...("card" in step ? { card: step.card } : {}),
      ...("method" in step ? { method: step.method } : {}),
      narration: step.narration,
      rule: step.rule ?? null,
    })),
  }));
}
