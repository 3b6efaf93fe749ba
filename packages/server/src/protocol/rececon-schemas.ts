/**
 * Schemas of the routes added for レセコン work: the simulation clock (admin). Registered in the same registry as
 * schemas.ts, so the OpenAPI document lists them.
 */
import { z } from "zod";
import { apiSchemas, CompactDateString } from "./schemas.js";

const named = <T extends z.ZodType>(schema: T, id: string): T => {
  apiSchemas.add(schema, { id });
  return schema;
};

export const ClockSetRequest = named(
  z.strictObject({ date: CompactDateString.nullable().describe("YYYYMMDD (Japan date), or null for real time") }),
  "ClockSetRequest",
);
export type ClockSetRequest = z.infer<typeof ClockSetRequest>;

export const ClockResponse = named(
  z.strictObject({
    date: z.string().nullable().describe("the date set, or null (real time)"),
    effectiveDate: z.string().describe("the date requests without one are answered on now"),
    source: z.enum(["set", "real-time"]),
  }),
  "ClockResponse",
);
export type ClockResponse = z.infer<typeof ClockResponse>;
