import { describe, expect, it } from "vitest";
import { decodeReferences, readXmlTree, XmlTreeError } from "../../src/oqs/xml-tree.js";

const read = (xml: string, depth = 32) => JSON.parse(JSON.stringify(readXmlTree(xml, depth))) as unknown;

describe("XML tree: the shape the request schema reads", () => {
  it("elements become properties, repeats arrays, text trimmed strings; attributes, comments and PIs are dropped", () => {
    expect(read('<?xml version="1.0"?><?x y?><A k="v"><!-- c --><B> 1 </B><B>2</B><C/><D></D><E><F>x</F> mixed </E></A>')).toEqual({
      A: { B: ["1", "2"], C: "", D: "", E: { F: "x", "#text": "mixed" } },
    });
  });

  it("an element named __proto__ is an ordinary key", () => {
    const tree = readXmlTree("<A><__proto__><x>1</x></__proto__><constructor>2</constructor></A>", 32);
    expect(Object.keys(tree.A as object)).toEqual(["__proto__", "constructor"]);
    expect(Object.getPrototypeOf(tree.A)).toBeNull();
    expect(Object.prototype).not.toHaveProperty("x");
  });

  it("character references are decoded in one pass; CDATA is literal; CR LF reads as LF", () => {
    expect(read("<A>&#49;01 &#x31;&#x30;1</A>")).toEqual({ A: "101 101" });
    expect(read("<A>&amp;#49; &lt;&gt;&quot;&apos; &#x1F600;</A>")).toEqual({ A: "&#49; <>\"' 😀" });
    expect(read("<A><![CDATA[&#49; <b>]]>x</A>")).toEqual({ A: "&#49; <b>x" });
    expect(read("<A>a\r\nb\rc</A>")).toEqual({ A: "a\nb\nc" });
  });

  it("refuses entities XML does not define, bad and illegal character references, bare '&' — in attributes too", () => {
    for (const bad of ["&nbsp;", "&copy;", "&foo;", "&#0;", "&#xD800;", "&#x110000;", "&#X31;", "&#12a;", "a & b", "&amp"]) {
      expect(() => decodeReferences(bad), bad).toThrow(XmlTreeError);
    }
    expect(() => readXmlTree('<A k="&foo;"/>', 32)).toThrow(/entity &foo; is not defined/);
  });

  it("nests 32 elements; 33 is refused", () => {
    const nest = (n: number) => "<a>".repeat(n) + "</a>".repeat(n);
    expect(() => readXmlTree(nest(32), 32)).not.toThrow();
    expect(() => readXmlTree(nest(33), 32)).toThrow(/nested deeper than 32/);
  });
});
