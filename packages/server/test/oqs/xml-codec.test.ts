import { describe, expect, it } from "vitest";
import { OqsRequestError, parseOqsRequest } from "../../src/oqs/xml-codec.js";

describe("parseOqsRequest on hostile documents", () => {
  const s903 = (xml: string) => {
    try {
      parseOqsRequest(xml);
    } catch (e) {
      expect(e).toBeInstanceOf(OqsRequestError);
      return e as OqsRequestError;
    }
    throw new Error("accepted");
  };

  it("100,000 nested elements: S903, no stack overflow", () => {
    const e = s903("<XmlMsg>" + "<a>".repeat(100_000) + "</a>".repeat(100_000) + "</XmlMsg>");
    expect(e.code).toBe("S903");
    expect(e.message).toMatch(/deeper than 32/);
  });

  it("an entity declared in a DTD is never expanded: S903", () => {
    expect(s903('<!DOCTYPE XmlMsg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><XmlMsg>&b;</XmlMsg>').code).toBe("S903");
  });

  it("12-digit element names are masked in the message", () => {
    const e = s903("<XmlMsg><A123456789012/></XmlMsg>");
    expect(e.code).toBe("S904");
    expect(e.message).toContain("A************");
    expect(e.message).not.toMatch(/\d{12}/);
  });
});
