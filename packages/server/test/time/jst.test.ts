import { describe, expect, it } from "vitest";
import { addDays, addHoursToTimestamp, addMonths, ageOn, endOfMonthAfter, isCompactDate, jstDate, jstTimestamp, simulationTimestamp } from "../../src/time/jst.js";

describe("Japan time on a UTC machine", () => {
  it("is already the next day in Japan between 15:00 and 24:00 UTC", () => {
    expect(jstDate(new Date("2025-11-30T14:59:59Z"))).toBe("20251130");
    expect(jstDate(new Date("2025-11-30T15:00:00Z"))).toBe("20251201");
    expect(jstTimestamp(new Date("2025-11-30T15:00:00Z"))).toBe("20251201000000");
  });

  it("does calendar arithmetic on YYYYMMDD", () => {
    expect(addDays("20241231", 1)).toBe("20250101");
    expect(addMonths("20250131", 1)).toBe("20250228");
    expect(addMonths("20241130", 3)).toBe("20250228");
    expect(endOfMonthAfter("20260930", 3)).toBe("20261231");
    expect(endOfMonthAfter("20261130", 3)).toBe("20270228");
    expect(ageOn("19500510", "20250509")).toBe(74);
    expect(ageOn("19500510", "20250510")).toBe(75);
  });

  it("validates calendar dates", () => {
    expect(isCompactDate("20240229")).toBe(true);
    expect(isCompactDate("20250229")).toBe(false);
    expect(isCompactDate("20251301")).toBe(false);
  });

  it("adds 24 hours across a day boundary in Japan time", () => {
    expect(addHoursToTimestamp("20251201233000", 24)).toBe("20251202233000");
    expect(simulationTimestamp("20250110", new Date("2026-11-22T03:04:05Z"))).toBe("20250110120405");
  });
});
