/**
 * The routes as the server mounts and documents them (express path, schema ids for OpenAPI and /api/docs),
 * derived from the one route table, `API_ROUTES` in protocol/routes.ts.
 */
import { API_ROUTES, bodyId, type RouteDefinition } from "../protocol/routes.js";

export interface RouteSpec {
  readonly method: RouteDefinition["method"];
  readonly path: string; // express syntax (:param)
  readonly summary: string;
  readonly tag: RouteDefinition["tag"];
  readonly request?: string; // schema id in the registry, or "xml"
  readonly query?: string;
  readonly responses: Readonly<Record<number, string>>; // status → schema id ("xml" for XML bodies)
  readonly admin?: boolean;
}

export const ROUTES: readonly RouteSpec[] = Object.values(API_ROUTES).map((r: RouteDefinition) => ({
  method: r.method,
  path: r.path,
  summary: r.summary,
  tag: r.tag,
  ...(r.request ? { request: bodyId(r.request) } : {}),
  ...(r.query ? { query: bodyId(r.query) } : {}),
  responses: Object.fromEntries(Object.entries(r.responses).map(([status, body]) => [status, bodyId(body)])),
  ...(r.admin ? { admin: true } : {}),
}));
