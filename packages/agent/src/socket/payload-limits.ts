/**
 * Whether a client's event is over its size limit (events.ts: MAX_FACE_FRAME_BYTES for a camera frame's image,
 * MAX_COMMAND_BYTES for everything else), measured on the decoded arguments so the agent can refuse it in the
 * ack and keep the connection. The walk is iterative (no recursion on untrusted nesting) and stops as soon as
 * the budget is spent, so it costs at most about the limit whatever was sent.
 */
import { MAX_COMMAND_BYTES, MAX_FACE_FRAME_BYTES } from "./events.js";

/** About the JSON size of `values` (binary counted by its bytes), or `limit + 1` as soon as it passes `limit`. */
export function approximateSize(values: readonly unknown[], limit: number): number {
  let size = 0;
  const stack: unknown[] = [...values];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") size += v.length + 2;
    else if (v instanceof Uint8Array || v instanceof ArrayBuffer) size += v.byteLength;
    else if (Array.isArray(v)) {
      size += 2;
      for (const item of v) {
        size += 1; // the comma: also stops a huge array before all of it is pushed
        if (size > limit) return limit + 1;
        stack.push(item);
      }
    } else if (v !== null && typeof v === "object") {
      size += 2;
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        size += k.length + 4;
        if (size > limit) return limit + 1;
        stack.push((v as Record<string, unknown>)[k]);
      }
    } else size += 8; // number, boolean, null, undefined
    if (size > limit) return limit + 1;
  }
  return size;
}

/** The image bytes a face frame carries (a base64 string counts what it decodes to). */
function frameImageBytes(image: unknown): number {
  if (image instanceof Uint8Array || image instanceof ArrayBuffer) return image.byteLength;
  if (typeof image === "string") return Math.floor((image.length * 3) / 4);
  return 0;
}

/** Whether the arguments of `event` (the ack excluded) are over the event's limit. */
export function payloadTooLarge(event: string, args: readonly unknown[]): boolean {
  const first = args[0];
  if (event === "session:face-frame" && first !== null && typeof first === "object" && "image" in first) {
    if (frameImageBytes(first.image) > MAX_FACE_FRAME_BYTES) return true;
    const { image: _image, ...rest } = first as Record<string, unknown>;
    return approximateSize([rest, ...args.slice(1)], MAX_COMMAND_BYTES) > MAX_COMMAND_BYTES;
  }
  return approximateSize(args, MAX_COMMAND_BYTES) > MAX_COMMAND_BYTES;
}
