/**
 * One typed client for the server's API and admin API, its methods derived from the route table (routes.ts):
 * `client.nonce({ body })`, `client.personAction({ params: { personId }, body })`, `client.reseed()`. Answers are
 * validated with the routes' own response schemas; every failure is a ServerApiError carrying what went wrong
 * (unreachable, timeout, refused with the server's result code, an answer that is not the schema). Requests are
 * not validated here: the server does that, and its answer (400 with the issues) is the one to see.
 * Browser-safe: the global fetch (or one given), no node modules (the kiosk's /reception and /trainer use it
 * through the UI's /api proxy, `baseUrl: location.origin`).
 *
 *   const server = createServerClient({ baseUrl: "http://127.0.0.1:8741", adminToken });
 *   const { nonce } = await server.nonce({ body: { medicalInstitutionCode: "1311234567" } });
 */
import type { z } from "zod";
import { ErrorResponse } from "./schemas.js";
import { API_ROUTES, type OtherBody, type RouteName } from "./routes.js";

export type ServerApiErrorKind = "unreachable" | "timeout" | "refused" | "bad-response";

export class ServerApiError extends Error {
  override name = "ServerApiError";
  constructor(
    readonly kind: ServerApiErrorKind,
    message: string,
    readonly details: {
      readonly route: RouteName;
      /** The HTTP status, when an answer came. */
      readonly status?: number;
      /** The server's result code (R002, E132, S901…), when it refused with one. */
      readonly code?: string;
      /** The server's own message, when it refused with one. */
      readonly serverMessage?: string;
      readonly issues?: readonly { readonly path: string; readonly message: string }[];
      /** The answer was not JSON. */
      readonly notJson?: boolean;
      readonly cause?: unknown;
    },
  ) {
    super(message);
  }
  get status(): number | undefined {
    return this.details.status;
  }
  get code(): string | undefined {
    return this.details.code;
  }
}

export interface ServerClientOptions {
  /** e.g. http://127.0.0.1:8741 */
  readonly baseUrl: string;
  /** Sent as Authorization: Bearer to the admin routes. */
  readonly adminToken?: string;
  readonly fetch?: typeof globalThis.fetch;
  /** Per request, unless a call gives its own. Default 10 s. */
  readonly timeoutMs?: number;
}

type Routes = typeof API_ROUTES;
/** The routes with a JSON answer (the XML interface and the docs are not client calls). */
export type JsonRouteName = { [K in RouteName]: Routes[K]["responses"][200] extends OtherBody ? never : K }[RouteName];

type PathParams<P extends string> = P extends `${string}:${infer K}/${infer Rest}` ? K | PathParams<`/${Rest}`> : P extends `${string}:${infer K}` ? K : never;
type ParamsPart<R> = R extends { path: infer P extends string } ? ([PathParams<P>] extends [never] ? {} : { readonly params: Readonly<Record<PathParams<P>, string>> }) : {};
type BodyPart<R> = R extends { request: infer B extends z.ZodType } ? { readonly body: z.input<B> } : {};
type QueryPart<R> = R extends { query: infer Q extends z.ZodType } ? { readonly query?: z.input<Q> } : {};
type CallOptions = { readonly timeoutMs?: number; readonly signal?: AbortSignal };

export type RouteInput<K extends RouteName> = ParamsPart<Routes[K]> & BodyPart<Routes[K]> & QueryPart<Routes[K]> & CallOptions;
export type RouteOutput<K extends RouteName> = Routes[K]["responses"][200] extends z.ZodType ? z.output<Routes[K]["responses"][200]> : never;

export type ServerClient = {
  readonly [K in JsonRouteName]: {} extends RouteInput<K> ? (input?: RouteInput<K>) => Promise<RouteOutput<K>> : (input: RouteInput<K>) => Promise<RouteOutput<K>>;
} & { readonly baseUrl: string };

export function createServerClient(options: ServerClientOptions): ServerClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const client: Record<string, unknown> = { baseUrl: options.baseUrl };
  for (const name of Object.keys(API_ROUTES) as RouteName[]) {
    const route = API_ROUTES[name];
    const ok = route.responses[200];
    if (typeof ok === "string") continue;
    client[name] = (input: { params?: Record<string, string>; body?: unknown; query?: Record<string, unknown>; timeoutMs?: number; signal?: AbortSignal } = {}) =>
      call(name, ok, input);
  }
  return client as ServerClient;

  async function call(name: RouteName, schema: z.ZodType, input: { params?: Record<string, string>; body?: unknown; query?: Record<string, unknown>; timeoutMs?: number; signal?: AbortSignal }): Promise<unknown> {
    const route = API_ROUTES[name];
    const path = route.path.replace(/:([A-Za-z]+)/g, (_, key: string) => encodeURIComponent(input.params?.[key] ?? ""));
    const url = new URL(path, options.baseUrl);
    for (const [k, v] of Object.entries(input.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const timeoutMs = input.timeoutMs ?? options.timeoutMs ?? 10_000;
    const headers: Record<string, string> = {};
    // Every write says JSON, body or not: the kiosk UI's /api proxy (like the server's JSON routes) refuses
    // writes of any other type, so no cross-site "simple" request gets through.
    if (route.method !== "get") headers["content-type"] = "application/json";
    if ("admin" in route && options.adminToken) headers.authorization = `Bearer ${options.adminToken}`;
    const signal = input.signal ? AbortSignal.any([input.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await doFetch(url, { method: route.method.toUpperCase(), headers, ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}), signal });
    } catch (e) {
      const err = e as Error;
      if (err.name === "TimeoutError" || err.name === "AbortError") throw new ServerApiError("timeout", `no answer from ${route.path} within ${timeoutMs} ms`, { route: name, cause: e });
      throw new ServerApiError("unreachable", `cannot reach the server at ${options.baseUrl}: ${(err.cause as Error | undefined)?.message ?? err.message}`, { route: name, cause: e });
    }
    let json: unknown;
    try {
      json = await res.json();
    } catch {
      throw new ServerApiError(res.ok ? "bad-response" : "refused", `the server answered HTTP ${res.status} without JSON`, { route: name, status: res.status, notJson: true });
    }
    if (!res.ok) {
      const parsed = ErrorResponse.safeParse(json);
      const e = parsed.success ? parsed.data.error : undefined;
      throw new ServerApiError("refused", `${"admin" in route ? "admin " : ""}${route.method.toUpperCase()} ${path} → HTTP ${res.status}${e ? ` ${e.code}: ${e.message}` : ""}`, {
        route: name,
        status: res.status,
        ...(e ? { code: e.code, serverMessage: e.message, ...(e.issues ? { issues: e.issues } : {}) } : {}),
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ServerApiError("bad-response", `unexpected answer from ${route.path}: ${parsed.error.issues[0]?.message ?? "invalid"}`, { route: name, status: res.status });
    return parsed.data;
  }
}
