/** JSON errors: { error: { code, message, issues? } }, the code from the one result-code table. */
import type { ServerResponse } from "node:http";
import type { z } from "zod";
import { findMyNumberLikeField, maskMyNumbers } from "../domain/my-number-guard.js";
import { RESULT_CODES, type ResultCode } from "../domain/result-codes.js";
import { writeJson } from "./json-io.js";

export interface Issue {
  readonly path: string;
  readonly message: string;
}

export class HttpError extends Error {
  constructor(
    readonly code: ResultCode,
    message?: string,
    readonly issues?: readonly Issue[],
    readonly status: number = RESULT_CODES[code].httpStatus,
  ) {
    super(message ?? RESULT_CODES[code].message);
    this.name = "HttpError";
  }
}

/**
 * Messages and issues can carry what the caller sent (a route parameter, a field name zod did not know), so
 * every 12-digit run in them is masked on the way out.
 */
export function sendError(res: ServerResponse, e: HttpError): void {
  if (res.headersSent) return;
  const issues = e.issues?.map((i) => ({ path: maskMyNumbers(i.path), message: maskMyNumbers(i.message) }));
  writeJson(res, e.status, { error: { code: e.code, message: maskMyNumbers(e.message), ...(issues && { issues }) } });
}

export function issuePath(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join(".") : "(root)";
}

/** Refuses マイナンバー-like values, then validates; a failure lists every issue as path + reason. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: "body" | "query" = "body"): z.output<S> {
  const hit = findMyNumberLikeField(input);
  if (hit) throw new HttpError("R005", undefined, [{ path: `${where}.${issuePath(hit)}`, message: "12-digit value refused (マイナンバー is never accepted)" }]);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new HttpError(
      "R002",
      undefined,
      parsed.error.issues.map((i) => ({ path: `${where}.${issuePath(i.path)}`, message: i.message })),
    );
  }
  return parsed.data;
}
