/**
 * The HTTP API: JSON lookups and kiosk calls under /api/v1, the XML interface under /api/xml, admin under
 * /api/admin (Bearer token), docs under /api/docs. Every input and output goes through its zod schema; every
 * failure is a 4xx/5xx JSON error, never a crash.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import type { z } from "zod";
import { BODY_LIMIT_BYTES, MAX_NESTING_DEPTH } from "../config.js";
import { findMyNumberLikeField, maskMyNumbers } from "../domain/my-number-guard.js";
import { RESULT_CODES } from "../domain/result-codes.js";
import { defaultConsentFlow } from "../domain/rules.js";
import { faultMessage } from "../results/result-builder.js";
import { QualificationResponse, type XmlMsg } from "../results/result-schema.js";
import * as S from "../protocol/schemas.js";
import { contentTypeFor } from "../oqs/xml-codec.js";
import { simulationTimestamp } from "../time/jst.js";
import type { ServerContext } from "../server-context.js";
import { docsPage, openApiDocument } from "./openapi.js";
import { HttpError, parseInput, sendError } from "./http-error.js";
import { isJsonRequest, jsonBody, writeJson } from "./json-io.js";
import { receconHandlers } from "./rececon-routes.js";
import { ROUTES } from "./route-specs.js";
import { ServedHosts } from "./served-hosts.js";

type Handler = (req: Request, res: Response) => Promise<void> | void;
/** What the card-path handlers use: node's request with the parsed body, node's response — nothing of express. */
type BodyRequest = IncomingMessage & { body?: any }; // the JSON as parsed (any, as express types it); zod checks it
type HotHandler = (req: BodyRequest, res: ServerResponse) => Promise<void>;

function send<S extends z.ZodType>(res: ServerResponse, schema: S, body: z.input<S>, status = 200): void {
  writeJson(res, status, schema.parse(body));
}

function requireJson(req: IncomingMessage): void {
  if (!isJsonRequest(req)) throw new HttpError("R004", "Content-Type must be application/json");
}

/** The path is `prefix` or below it ("/api/admin", "/api/admin/…", not "/api/administrator"). */
const underPrefix = (path: string, prefix: string) => path === prefix || path.startsWith(prefix + "/");

const facilityOf = (body: unknown): string | null => {
  const v = (body as { medicalInstitutionCode?: unknown } | undefined)?.medicalInstitutionCode;
  return typeof v === "string" && /^\d{10}$/.test(v) ? v : null;
};

export function createApp(ctx: ServerContext, servedHosts: ServedHosts = new ServedHosts()): ApiListener {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  const readJson = jsonBody(BODY_LIMIT_BYTES);
  const xmlBody = express.raw({ limit: BODY_LIMIT_BYTES, type: ["application/xml", "text/xml", "application/*+xml"] });

  type FaultGate = { segment9: { code: string; message: string | null } | null } | null;
  const NO_FAULT: FaultGate = { segment9: null };

  /**
   * Applies injected faults; returns what the handler must still do: null = answered (maintenance, or the
   * connection is being held for a timeout), otherwise the SegmentOfResult 9 to answer with, if any. Synchronous
   * when no fault is configured (the usual case), so the hot path pays no extra promise.
   */
  function faults(req: BodyRequest, res: ServerResponse, scope: "lookup" | "other"): FaultGate | Promise<FaultGate> {
    const action = ctx.faults.take(facilityOf(req.body), scope);
    if (!action) return NO_FAULT;
    return (async () => {
      if (action.latencyMs > 0) await sleep(action.latencyMs);
      if (action.timeoutMs !== null) {
        await sleep(action.timeoutMs);
        req.socket.destroy();
        return null;
      }
      if (action.maintenance) {
        res.setHeader("Retry-After", "60");
        sendError(res, new HttpError("S901"));
        return null;
      }
      return { segment9: action.segment9 };
    })();
  }

  function faultAnswer(req: BodyRequest, res: ServerResponse, code: string, message: string | null, referenceClassification: "1" | "2"): void {
    const now = ctx.now();
    const d = typeof req.body?.simulationDate === "string" && /^\d{8}$/.test(req.body.simulationDate) ? (req.body.simulationDate as string) : ctx.clock.today(now);
    const msg: XmlMsg = faultMessage(
      { processTime: simulationTimestamp(d, now), simulationDate: d, medicalInstitutionCode: facilityOf(req.body) ?? "", referenceClassification, characterCode: "0" },
      code,
      message ?? undefined,
    );
    ctx.audit.recordResult(referenceClassification === "1" ? "card" : "insurance", msg, { detail: { fault: "segment9" } });
    send(res, QualificationResponse, {
      XmlMsg: msg,
      simulator: { simulationDate: d, consentFlow: defaultConsentFlow(d), usable: false, notices: [] },
    });
  }

  /**
   * The card path's two calls, served by node's request listener before express (see createApp's return). They
   * are also express routes, so the same handlers answer either way.
   */
  const hot: Record<"/api/v1/nonces" | "/api/v1/qualifications/card", HotHandler> = {
    "/api/v1/nonces": async (req, res) => {
      requireJson(req);
      const gate = faults(req, res, "other");
      if (!(gate instanceof Promise ? await gate : gate)) return;
      const body = parseInput(S.NonceRequest, req.body);
      const issued = ctx.nonces.issue(body.medicalInstitutionCode);
      if ("code" in issued) {
        res.setHeader("Retry-After", String(issued.retryAfterSeconds));
        throw new HttpError(issued.code);
      }
      send(res, S.NonceResponse, {
        nonce: issued.nonce,
        medicalInstitutionCode: body.medicalInstitutionCode,
        expiresAt: new Date(issued.expiresAtMs).toISOString(),
        ttlSeconds: ctx.nonces.ttlMs / 1000,
      });
    },

    "/api/v1/qualifications/card": async (req, res) => {
      requireJson(req);
      const gate = faults(req, res, "lookup");
      const f = gate instanceof Promise ? await gate : gate;
      if (!f) return;
      const body = parseInput(S.CardQualificationRequest, req.body);
      if (f.segment9) return faultAnswer(req, res, f.segment9.code, f.segment9.message, "1");
      const answer = await ctx.qualifications.confirmByCard(body);
      send(res, QualificationResponse, { XmlMsg: answer.msg, simulator: answer.simulator });
    },
  };

  const handlers: Record<string, Handler> = {
    "get /api/health": ((_req, res) => send(res, S.HealthResponse, { status: "ok", version: ctx.version, simulationDate: ctx.clock.today() })),

    "post /api/v1/nonces": hot["/api/v1/nonces"],
    "post /api/v1/qualifications/card": hot["/api/v1/qualifications/card"],

    "post /api/v1/qualifications/insurance": (async (req, res) => {
      requireJson(req);
      const gate = faults(req, res, "lookup");
      const f = gate instanceof Promise ? await gate : gate;
      if (!f) return;
      const body = parseInput(S.InsuranceQualificationRequest, req.body);
      if (f.segment9) return faultAnswer(req, res, f.segment9.code, f.segment9.message, "2");
      const answer = await ctx.qualifications.lookupByInsurance(body);
      send(res, QualificationResponse, { XmlMsg: answer.msg, simulator: answer.simulator });
    }),

    "post /api/v1/registrations": (async (req, res) => {
      requireJson(req);
      const gate = faults(req, res, "other");
      if (!(gate instanceof Promise ? await gate : gate)) return;
      const body = parseInput(S.RegistrationRequest, req.body);
      const out = ctx.qualifications.register(body);
      if (!out.ok) throw new HttpError(out.code, undefined, undefined, out.code === "E132" ? 409 : 403);
      send(res, S.RegistrationResponse, { registered: true, certificateSerial: out.certificateSerial, registeredAt: out.registeredAt });
    }),

    "post /api/v1/consents": (async (req, res) => {
      requireJson(req);
      const gate = faults(req, res, "other");
      if (!(gate instanceof Promise ? await gate : gate)) return;
      const body = parseInput(S.ConsentRequest, req.body);
      if (body.comprehensive === undefined && (!body.items || Object.keys(body.items).length === 0))
        throw new HttpError("R002", undefined, [{ path: "body", message: "give comprehensive or at least one item" }]);
      const out = ctx.consents.record(body);
      if (!out.ok) throw new HttpError(out.code);
      send(res, S.ConsentResponse, { confirmationId: body.confirmationId, consentFlow: out.consentFlow, recorded: out.recorded });
    }),

    "post /api/v1/sessions/complete": (async (req, res) => {
      requireJson(req);
      const gate = faults(req, res, "other");
      if (!(gate instanceof Promise ? await gate : gate)) return;
      const body = parseInput(S.SessionCompleteRequest, req.body);
      const out = await ctx.sessions.complete(body.confirmationId);
      if (!out.ok) throw new HttpError(out.code);
      send(res, S.SessionCompleteResponse, { confirmationId: body.confirmationId, faceFile: out.faceFile, XmlMsg: out.msg, simulator: out.simulator });
    }),

    "post /api/xml/OQSsiquc01": (async (req, res) => {
      if (!Buffer.isBuffer(req.body)) throw new HttpError("R004", "Content-Type must be application/xml or text/xml");
      const out = await ctx.oqs.process(req.body, "xml-http");
      if (out.dropAfterMs !== null) {
        await sleep(out.dropAfterMs);
        req.socket.destroy();
        return;
      }
      res.status(out.httpStatus).type(contentTypeFor(out.characterCode)).send(out.bytes);
    }),

    "get /api/docs": ((_req, res) => {
      res.type("html").send(docsPage());
    }),
    "get /api/docs/openapi.json": ((_req, res) => {
      writeJson(res, 200, openApiDocument(ctx.version));
    }),

    "post /api/admin/reseed": (async (_req, res) => {
      const out = await ctx.reseed();
      send(res, S.ReseedResponse, { reseeded: true, summary: out.summary, warnings: [...out.warnings] });
    }),
    "get /api/admin/persons": ((_req, res) => send(res, S.PersonList, { persons: ctx.scenarios.states() })),
    "get /api/admin/persons/:personId": ((req, res) => {
      const state = ctx.scenarios.state(String(req.params.personId));
      if (!state) throw new HttpError("R008", `no person ${String(req.params.personId)}`);
      send(res, S.PersonState, state);
    }),
    "post /api/admin/persons/:personId/actions": ((req, res) => {
      requireJson(req);
      const action = parseInput(S.PersonAction, req.body);
      const out = ctx.scenarios.apply(String(req.params.personId), action);
      if (!out.ok) throw new HttpError(out.code, out.message);
      send(res, S.PersonState, out.state);
    }),
    "get /api/admin/scenarios": ((_req, res) => send(res, S.ScenarioList, { scenarios: ctx.scenarios.scenarios() })),
    "post /api/admin/scenarios/:name": ((req, res) => {
      const name = String(req.params.name);
      const out = ctx.scenarios.applyScenario(name);
      if (!out.ok) throw new HttpError(out.code, out.message);
      send(res, S.ScenarioApplied, { scenario: name, persons: out.persons });
    }),
    "get /api/admin/faults": ((_req, res) => send(res, S.FaultList, { faults: ctx.faults.list() })),
    "post /api/admin/faults": ((req, res) => {
      requireJson(req);
      const body = parseInput(S.FaultCreateRequest, req.body);
      const fault = ctx.faults.add(body);
      ctx.audit.record({ channel: "admin", medicalInstitutionCode: fault.medicalInstitutionCode, detail: { fault: fault.kind, faultId: fault.faultId } });
      send(res, S.Fault, fault);
    }),
    "delete /api/admin/faults": ((_req, res) => {
      ctx.faults.clear();
      ctx.audit.record({ channel: "admin", detail: { fault: "cleared" } });
      send(res, S.OkResponse, { ok: true });
    }),
    "delete /api/admin/faults/:faultId": ((req, res) => {
      const id = Number(req.params.faultId);
      if (!Number.isInteger(id) || !ctx.faults.remove(id)) throw new HttpError("R008", `no fault ${String(req.params.faultId)}`);
      send(res, S.OkResponse, { ok: true });
    }),
    "get /api/admin/audit": ((req, res) => {
      const q = parseInput(S.AuditQuery, req.query, "query");
      send(res, S.AuditList, { entries: ctx.audit.query(q) });
    }),
    "get /api/admin/devices": ((_req, res) => send(res, S.DeviceList, { devices: ctx.devices.list().map(deviceView) })),
    "post /api/admin/devices": ((req, res) => {
      requireJson(req);
      const body = parseInput(S.DeviceRegisterRequest, req.body);
      let device;
      try {
        device = ctx.devices.register({ deviceId: body.deviceId, publicKeyPem: body.publicKeyPem, medicalInstitutionCode: body.medicalInstitutionCode ?? null, description: body.description ?? null });
      } catch {
        throw new HttpError("R002", undefined, [{ path: "body.publicKeyPem", message: "not a parseable public key" }]);
      }
      ctx.audit.record({ channel: "admin", detail: { device: body.deviceId, action: "register" } });
      send(res, S.Device, deviceView(device));
    }),
    "post /api/admin/devices/:deviceId/revoke": ((req, res) => deviceStatus(req, res, "revoked")),
    "post /api/admin/devices/:deviceId/reactivate": ((req, res) => deviceStatus(req, res, "active")),
    ...receconHandlers(ctx, { send, requireJson }),
  };

  const deviceView = (d: { deviceId: string; medicalInstitutionCode: string | null; status: "active" | "revoked"; description: string | null }) => ({
    deviceId: d.deviceId,
    medicalInstitutionCode: d.medicalInstitutionCode,
    status: d.status,
    description: d.description,
  });
  function deviceStatus(req: Request, res: Response, status: "active" | "revoked"): void {
    const id = String(req.params.deviceId);
    if (!ctx.devices.setStatus(id, status)) throw new HttpError("R008", `no device ${id}`);
    ctx.audit.record({ channel: "admin", detail: { device: id, action: status } });
    send(res, S.Device, deviceView(ctx.devices.get(id)!));
  }

  const adminDigest = createHash("sha256").update(ctx.adminToken).digest();
  const requireAdmin = (req: Request, _res: Response, next: NextFunction) => {
    const m = /^Bearer (.+)$/.exec(req.get("authorization") ?? "");
    const given = createHash("sha256").update(m?.[1] ?? "").digest();
    if (!m || !timingSafeEqual(given, adminDigest)) return next(new HttpError("R007"));
    next();
  };

  /**
   * One intake step for every request, in this order: no マイナンバー in a query string (on any route); admin auth
   * before the body is read (an unauthenticated caller gets 401 whatever it sends); then the body, XML under
   * /api/xml and JSON elsewhere. One middleware instead of four: each express layer costs every request a match
   * and a path rewrite, which showed in the card path's profile. Prefixes are matched without case, as express
   * routes them.
   */
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.url.includes("?")) {
      const hit = Object.keys(req.query).length ? findMyNumberLikeField(req.query) : null;
      if (hit) return next(new HttpError("R005", undefined, [{ path: `query.${hit.join(".")}`, message: "12-digit value refused (マイナンバー is never accepted)" }]));
    }
    const path = req.path.toLowerCase();
    if (underPrefix(path, "/api/admin")) {
      return requireAdmin(req, res, (err?: unknown) => (err ? next(err) : readJson(req, res, next)));
    }
    if (underPrefix(path, "/api/xml")) return xmlBody(req, res, next);
    readJson(req, res, next);
  });

  for (const spec of ROUTES) {
    const handler = handlers[`${spec.method} ${spec.path}`];
    if (!handler) throw new Error(`no handler for ${spec.method} ${spec.path}`);
    app[spec.method](spec.path, handler);
  }

  app.use((_req: Request, _res: Response, next: NextFunction) => next(new HttpError("R006")));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendError(res, toHttpError(err, ctx.log));
  });

  /**
   * The request listener. A POST to exactly /api/v1/nonces or /api/v1/qualifications/card (no query, this case,
   * no trailing slash) goes straight to its handler after the same JSON intake; everything else, variants of those
   * paths included, goes through express. Why: per request, express itself (prototype swap, router, on-finished)
   * cost more event-loop time than the whole card lookup, and its per-request objects outlived young-generation
   * collections (~25 % survived a scavenge, against ~1 % for node's own http), which made every scavenge long —
   * the p99 of the 2,000/s target. What express would have done for these two URLs is exactly this: no query to
   * guard, no admin or XML prefix, the JSON body, the route, the error handler. Every request, hot or not, first
   * has its Host and Origin checked (ServedHosts: a Map and a Set lookup).
   */
  const foreignHost = new HttpError("R011", `Host not served here: use 127.0.0.1, localhost or [::1] with the server's port, or add the name to ONSHI_SIM_ALLOWED_HOSTS (${servedHosts.extra.join(", ") || "none yet"}).`);
  const foreignOrigin = new HttpError("R011", "Origin refused: this server takes requests only from its own pages (or from programs, which send no Origin).");
  return (req: IncomingMessage, res: ServerResponse): void => {
    // First of all, before the route or the body: a rebound name or another site's page gets nothing here.
    const origin = req.headers.origin;
    if (!servedHosts.servesHost(req.headers.host, req.socket) || (origin !== undefined && !servedHosts.servesOrigin(origin, req.socket))) {
      req.resume();
      sendError(res, servedHosts.servesHost(req.headers.host, req.socket) ? foreignOrigin : foreignHost);
      return;
    }
    const url = req.url ?? "";
    const handler = req.method === "POST" && Object.hasOwn(hot, url) ? hot[url as keyof typeof hot] : undefined;
    if (!handler) {
      app(req, res);
      return;
    }
    const fail = (err: unknown) => sendError(res, toHttpError(err, ctx.log));
    readJson(req, res, (err?: unknown) => {
      if (err) return fail(err);
      handler(req, res).catch(fail);
    });
  };
}

/** The server's request listener: the card path's two calls directly, everything else through express. */
export type ApiListener = (req: IncomingMessage, res: ServerResponse) => void;

interface BodyParserError {
  type?: string;
  status?: number;
}

function toHttpError(err: unknown, log: (line: string) => void): HttpError {
  if (err instanceof HttpError) return err;
  const bp = err as BodyParserError;
  switch (bp?.type) {
    case "entity.parse.failed":
      return new HttpError("R001");
    case "entity.too.deep":
      return new HttpError("R001", `JSON nested deeper than ${MAX_NESTING_DEPTH} levels.`);
    case "entity.too.large":
      return new HttpError("R003", `Request body too large (limit ${BODY_LIMIT_BYTES / 1024} KB).`);
    case "charset.unsupported":
    case "encoding.unsupported":
      return new HttpError("R004", "Unsupported charset or content encoding.");
    case "request.aborted":
    case "request.size.invalid":
    case "stream.encoding.set":
      return new HttpError("R001", "Request body could not be read.");
  }
  if (typeof bp?.status === "number" && bp.status >= 400 && bp.status < 500) return new HttpError("R001", "Bad request.", undefined, bp.status);
  log(maskMyNumbers(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  return new HttpError("S999", RESULT_CODES.S999.message);
}
