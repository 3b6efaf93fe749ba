import { describe, expect, it } from "vitest";
import { nestsDeeperThan } from "../../src/http/json-io.js";

describe("JSON nesting bound", () => {
  it("counts objects and arrays inside each other, not brackets inside strings", () => {
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[[]]}]}', 4)).toBe(true);
    expect(nestsDeeperThan(`{"a":"${"[".repeat(100)}"}`, 2)).toBe(false);
    expect(nestsDeeperThan(String.raw`{"a":"\"[[[[\\","b":[[[]]]}`, 3)).toBe(true);
    expect(nestsDeeperThan(String.raw`{"a":"\\\"[[[[[[[[["}`, 3)).toBe(false);
    expect(nestsDeeperThan("[]".repeat(1000), 1)).toBe(false);
  });

  it("leaves malformed text to JSON.parse", () => {
    expect(nestsDeeperThan('{"a":"unterminated [[[[[[', 2)).toBe(false);
  });
});
