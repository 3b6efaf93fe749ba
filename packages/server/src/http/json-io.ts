/**
 * JSON in and out for the API, lean on purpose: the card path has to answer 2,000 confirmations a second on two
 * cores, and express.json (body-parser, raw-body, type-is, content-type, iconv) plus res.json (mime lookup,
 * freshness check, a Buffer copy) cost about as much main-thread time per request as the lookup itself.
 * What they did that matters here is kept: the media type and charset checks, the size limit (checked on
 * Content-Length before reading, and while reading), strict JSON (an object or an array), an empty body read as
 * {}, and the same error `type`s body-parser gives, so the error handler maps them to the same result codes.
 * Added: a body nesting deeper than MAX_NESTING_DEPTH is refused before it is parsed, so nothing downstream
 * (the マイナンバー guard, zod, a handler) ever meets one.
 * Not kept: compressed bodies (a kiosk's 2 KB request gains nothing from gzip) — they are refused with 415.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { MAX_NESTING_DEPTH } from "../config.js";

/** A body-reading failure, shaped like body-parser's so toHttpError maps it the same way. */
export class BodyError extends Error {
  constructor(
    readonly type: "entity.parse.failed" | "entity.too.deep" | "entity.too.large" | "charset.unsupported" | "encoding.unsupported" | "request.aborted",
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "BodyError";
  }
}

/**
 * "application/json" with no charset or charset=utf-8, whatever the case and spacing; false for any other
 * media type (the route then answers 415), and "charset" when the media type is right but the charset is not.
 */
export function jsonMediaType(contentType: string | undefined): boolean | "charset" {
  if (!contentType) return false;
  const semi = contentType.indexOf(";");
  const type = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (type !== "application/json") return false;
  if (semi < 0) return true;
  for (const param of contentType.slice(semi + 1).split(";")) {
    const eq = param.indexOf("=");
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== "charset") continue;
    const charset = param.slice(eq + 1).trim().replace(/^"|"$/g, "").toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") return "charset";
  }
  return true;
}

/** Whether the request declares a body, as type-is reads it: Content-Length: 0 is an (empty) body, no header is none. */
const hasBody = (req: IncomingMessage) => req.headers["transfer-encoding"] !== undefined || req.headers["content-length"] !== undefined;

/** The request declared a JSON body (what `req.is("application/json")` answered, without type-is). */
export function isJsonRequest(req: IncomingMessage): boolean {
  return hasBody(req) && jsonMediaType(req.headers["content-type"]) === true;
}

/**
 * Middleware: reads an application/json body of at most `limit` bytes into req.body. Other media types pass
 * through untouched (req.body stays undefined, and the route decides whether that is a 415).
 */
export function jsonBody(limit: number) {
  return (req: IncomingMessage & { body?: unknown }, _res: ServerResponse, next: (err?: unknown) => void): void => {
    if (!hasBody(req)) return next();
    const media = jsonMediaType(req.headers["content-type"]);
    if (media === false) return next();
    if (media === "charset") return fail(req, next, new BodyError("charset.unsupported", 415, "unsupported charset"));
    const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
    if (encoding !== "identity") return fail(req, next, new BodyError("encoding.unsupported", 415, `unsupported content encoding "${encoding}"`));
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > limit) return fail(req, next, new BodyError("entity.too.large", 413, "request entity too large"));
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (e: BodyError | null) => {
      if (done) return;
      done = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
      if (e) return fail(req, next, e);
      try {
        req.body = parseStrict(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, size).toString("utf8"));
      } catch (err) {
        return next(err);
      }
      next();
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) return finish(new BodyError("entity.too.large", 413, "request entity too large"));
      chunks.push(c);
    };
    const onEnd = () => finish(null);
    const onError = () => finish(new BodyError("request.aborted", 400, "request aborted"));
    const onAborted = onError;
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  };
}

/** Refusing a body early: stop reading it (what is left is drained by node, or the connection closes). */
function fail(req: IncomingMessage, next: (err?: unknown) => void, e: BodyError): void {
  req.resume();
  next(e);
}

/** Strict JSON as body-parser has it: an object or an array; empty means {}. */
function parseStrict(text: string): unknown {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = /^[\x20\x09\x0a\x0d]*(.)/.exec(s)?.[1];
  if (first === undefined) return {};
  if (first !== "{" && first !== "[") throw new BodyError("entity.parse.failed", 400, "JSON body must be an object or an array");
  if (nestsDeeperThan(s, MAX_NESTING_DEPTH)) throw new BodyError("entity.too.deep", 400, `JSON nested deeper than ${MAX_NESTING_DEPTH} levels`);
  try {
    return JSON.parse(s);
  } catch {
    throw new BodyError("entity.parse.failed", 400, "malformed JSON");
  }
}

/**
 * Whether JSON text opens more than `max` objects/arrays inside each other. Brackets inside strings do not count;
 * strings are skipped with indexOf, so a card request (mostly one long base64 string) costs a few comparisons.
 * Malformed text answers false: JSON.parse then says what is wrong with it.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Find the closing quote: one not preceded by an odd number of backslashes.
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return false;
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * Writes a JSON answer in one piece: head and body go out in a single write (a string body lets node append
 * it to the header block), with the Content-Type res.json would have set.
 */
export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}
