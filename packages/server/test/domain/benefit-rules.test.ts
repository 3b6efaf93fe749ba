import { describe, expect, it } from "vitest";
import { koukiKakuninsho, medicalAssistanceValidity, pmhScreenOn } from "../../src/domain/benefit-rules.js";

describe("2026 rules", () => {
  it("the PMH screen: from FY2026 in the since-2024-10-07 flow; a setting turns it off (or on); never in the old flow", () => {
    expect(pmhScreenOn("20260331", "since-2024-10-07", undefined)).toBe(false);
    expect(pmhScreenOn("20260401", "since-2024-10-07", undefined)).toBe(true);
    expect(pmhScreenOn("20261122", "since-2024-10-07", false)).toBe(false);
    expect(pmhScreenOn("20260101", "since-2024-10-07", true)).toBe(true);
    expect(pmhScreenOn("20261122", "before-2024-10-07", true)).toBe(false);
  });

  it("医療扶助: 6 (未登録) until a ticket of the month is registered", () => {
    expect(medicalAssistanceValidity([{ month: "202610", ticketType: "01" }], "20261122")).toBe("6");
    expect(medicalAssistanceValidity([{ month: "202611", ticketType: "01" }], "20261122")).toBe("1");
  });

  it("後期高齢者 資格確認書: all until 2026-07-31; from 2026-08-01 only 85+, no usable マイナ保険証, or on request", () => {
    const base = { birthdate: "19500510", qualificationDate: "20250510", hasUsableMynaCard: true, requested: false };
    expect(koukiKakuninsho(base, "20260720")).toEqual([{ issuedOn: "20250510", validUntil: "20260731" }]);
    expect(koukiKakuninsho(base, "20260805")).toEqual([{ issuedOn: "20250510", validUntil: "20260731" }]);
    const after = [{ issuedOn: "20250510", validUntil: "20260731" }, { issuedOn: "20260801", validUntil: "20270731" }];
    expect(koukiKakuninsho({ ...base, hasUsableMynaCard: false }, "20260805")).toEqual(after);
    expect(koukiKakuninsho({ ...base, requested: true }, "20260805")).toEqual(after);
    // 85 on 2026-08-01 (born 1941-08-01): automatic; born 1941-08-02 (84): not.
    expect(koukiKakuninsho({ ...base, birthdate: "19410801" }, "20260805")).toHaveLength(2);
    expect(koukiKakuninsho({ ...base, birthdate: "19410802" }, "20260805")).toHaveLength(1);
  });
});
