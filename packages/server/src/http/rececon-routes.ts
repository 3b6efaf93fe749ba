/**
 * Handlers of the routes added for レセコン work (kept out of app.ts, which holds the core API): the simulation
 * clock, and the XML interfaces beyond OQSsiquc01 over HTTP. They run behind the same intake as every route: Host/Origin checked first, the admin token before the
 * body, JSON only for writes.
 */
import type { Request, Response } from "express";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import * as R from "../protocol/rececon-schemas.js";
import type { ServerContext } from "../server-context.js";
import { REQUEST_KINDS, requestKind } from "../oqs/file-kinds.js";
import { contentTypeFor } from "../oqs/xml-codec.js";
import { HttpError, parseInput } from "./http-error.js";

type Handler = (req: Request, res: Response) => Promise<void> | void;

export interface RouteHelpers {
  send<S extends z.ZodType>(res: ServerResponse, schema: S, body: z.input<S>, status?: number): void;
  requireJson(req: IncomingMessage): void;
}

export function receconHandlers(ctx: ServerContext, { send, requireJson }: RouteHelpers): Record<string, Handler> {
  return {
    "post /api/xml/:kind": async (req, res) => {
      const kind = requestKind(String(req.params.kind));
      if (!kind) throw new HttpError("R006", `no XML interface ${String(req.params.kind)} (${REQUEST_KINDS.join(", ")})`);
      if (!Buffer.isBuffer(req.body)) throw new HttpError("R004", "Content-Type must be application/xml or text/xml");
      const out = await ctx.oqs.process(req.body, "xml-http", kind);
      res.status(out.httpStatus).type(out.extension === "pdf" ? "application/pdf" : contentTypeFor(out.characterCode)).send(out.bytes);
    },
    "post /api/v1/medical-info": (req, res) => {
      requireJson(req);
      const body = parseInput(R.MedicalInfoRequest, req.body);
      send(res, R.MedicalInfoResponse, ctx.medicalInfo.view(body.medicalInstitutionCode, body));
    },
    "get /api/admin/clock": (_req, res) => send(res, R.ClockResponse, ctx.clock.view()),
    "put /api/admin/clock": (req, res) => {
      requireJson(req);
      const body = parseInput(R.ClockSetRequest, req.body);
      const before = ctx.clock.view().date;
      const view = ctx.clock.set(body.date);
      ctx.audit.record({ channel: "admin", simulationDate: view.effectiveDate, detail: { action: "clock", from: before, to: body.date } });
      send(res, R.ClockResponse, view);
    },
  };
}
