/**
 * A well-formed XML document as plain objects, the shape the request schema reads: an element with child elements
 * becomes an object of them (a repeated name becomes an array), an element with only text becomes its text
 * (trimmed; "" when empty), text beside child elements is kept as "#text" so a strict schema refuses it.
 * Attributes, comments and processing instructions are dropped.
 *
 * Why not fast-xml-parser's XMLParser: it recurses (20,000 nested elements overflow the stack), leaves character
 * references as they are (`&#49;01` stays seven characters, so a number written that way is neither found nor
 * guarded), and with HTML entities on it expands names XML does not define. This reader is one loop with its own
 * stack, and refuses what it does not read:
 * - elements nested deeper than `maxDepth`;
 * - entity references other than XML's five (`&lt;` `&gt;` `&amp;` `&quot;` `&apos;`): a request has no DTD (the
 *   codec refuses one), so nothing else is declared, and nothing is ever expanded;
 * - character references to characters XML does not allow (`&#0;`, surrogates).
 * Character references (`&#49;`, `&#x31;`) are decoded in one pass, so `&amp;#49;` stays the text `&#49;`; CDATA is
 * taken as it is.
 *
 * It expects a document XMLValidator has already found well-formed (names, quoting, matching tags), and only
 * guards against running off the text if the two ever disagree.
 */

export class XmlTreeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlTreeError";
  }
}

type Children = Record<string, unknown>;

interface OpenElement {
  readonly name: string;
  text: string;
  children: Children | null;
}

/** Objects without a prototype: an element named `__proto__` or `constructor` is an ordinary key. */
const newChildren = (): Children => Object.create(null) as Children;

export function readXmlTree(xml: string, maxDepth: number): Children {
  // XML reads every CR LF and lone CR as LF before anything else (so `&#13;` is the only way to a CR).
  const text = xml.includes("\r") ? xml.replace(/\r\n?/g, "\n") : xml;
  const document = newChildren();
  const open: OpenElement[] = [];
  const childrenOfTop = () => {
    const top = open[open.length - 1];
    return top ? (top.children ??= newChildren()) : document;
  };
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const textEnd = lt < 0 ? text.length : lt;
    if (textEnd > i) {
      const decoded = decodeReferences(text.slice(i, textEnd));
      const top = open[open.length - 1];
      if (top) top.text += decoded;
    }
    if (lt < 0) break;
    if (text.startsWith("<!--", lt)) {
      i = after(text, "-->", lt + 4);
    } else if (text.startsWith("<![CDATA[", lt)) {
      const close = after(text, "]]>", lt + 9);
      const top = open[open.length - 1];
      if (top) top.text += text.slice(lt + 9, close - 3);
      i = close;
    } else if (text.startsWith("<?", lt)) {
      i = after(text, "?>", lt + 2);
    } else if (text.startsWith("<!", lt)) {
      throw new XmlTreeError("declarations (DOCTYPE, ENTITY) are not allowed");
    } else if (text.charCodeAt(lt + 1) === 0x2f) {
      const element = open.pop();
      if (!element) throw new XmlTreeError("closing tag without an open element");
      addChild(childrenOfTop(), element);
      i = after(text, ">", lt + 2);
    } else {
      const tag = readStartTag(text, lt);
      if (open.length >= maxDepth) throw new XmlTreeError(`elements nested deeper than ${maxDepth}`);
      const element: OpenElement = { name: tag.name, text: "", children: null };
      if (tag.selfClosing) addChild(childrenOfTop(), element);
      else open.push(element);
      i = tag.end;
    }
  }
  if (open.length) throw new XmlTreeError("unclosed element");
  return document;
}

function addChild(into: Children, element: OpenElement): void {
  const text = element.text.trim();
  let value: unknown = text;
  if (element.children) {
    if (text) element.children["#text"] = text;
    value = element.children;
  }
  if (!Object.hasOwn(into, element.name)) into[element.name] = value;
  else {
    // Values are strings or objects, so an array here is the list of this name's repeats.
    const previous = into[element.name];
    if (Array.isArray(previous)) previous.push(value);
    else into[element.name] = [previous, value];
  }
}

/** Index just past the next `marker` from `from`. */
function after(text: string, marker: string, from: number): number {
  const at = text.indexOf(marker, from);
  if (at < 0) throw new XmlTreeError(`"${marker}" expected`);
  return at + marker.length;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** `<name attr="v" …>` or `<name …/>` at `lt`: the name, where the tag ends, and whether it closes itself. */
function readStartTag(text: string, lt: number): { name: string; end: number; selfClosing: boolean } {
  let p = lt + 1;
  while (p < text.length && !isSpace(text.charCodeAt(p)) && text[p] !== ">" && text[p] !== "/") p++;
  const name = text.slice(lt + 1, p);
  for (;;) {
    while (p < text.length && isSpace(text.charCodeAt(p))) p++;
    if (p >= text.length) throw new XmlTreeError("start tag not closed");
    if (text[p] === ">") return { name, end: p + 1, selfClosing: false };
    if (text[p] === "/") return { name, end: after(text, ">", p), selfClosing: true };
    // An attribute: dropped, but its value must hold only well-formed references too.
    const eq = text.indexOf("=", p);
    if (eq < 0) throw new XmlTreeError("attribute without a value");
    let q = eq + 1;
    while (q < text.length && isSpace(text.charCodeAt(q))) q++;
    const quote = text[q];
    if (quote !== '"' && quote !== "'") throw new XmlTreeError("attribute value not quoted");
    const close = text.indexOf(quote, q + 1);
    if (close < 0) throw new XmlTreeError("attribute value not closed");
    decodeReferences(text.slice(q + 1, close));
    p = close + 1;
  }
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** XML's Char production: what a character reference may stand for. */
const isXmlChar = (cp: number) =>
  cp === 0x09 || cp === 0x0a || cp === 0x0d || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

/** Text with its references decoded, in one left-to-right pass. */
export function decodeReferences(raw: string): string {
  let amp = raw.indexOf("&");
  if (amp < 0) return raw;
  let out = "";
  let from = 0;
  while (amp >= 0) {
    const semi = raw.indexOf(";", amp + 1);
    const name = semi < 0 ? "" : raw.slice(amp + 1, semi);
    if (!name || name.length > 32 || /[\s&<]/.test(name)) throw new XmlTreeError("a '&' must start a reference (write &amp; for the character itself)");
    out += raw.slice(from, amp) + referenced(name);
    from = semi + 1;
    amp = raw.indexOf("&", from);
  }
  return out + raw.slice(from);
}

function referenced(name: string): string {
  if (name.charCodeAt(0) !== 0x23) {
    const predefined = Object.hasOwn(PREDEFINED, name) ? PREDEFINED[name] : undefined;
    if (predefined === undefined) throw new XmlTreeError(`entity &${name}; is not defined (a request has no DTD: only &lt; &gt; &amp; &quot; &apos; and character references are read)`);
    return predefined;
  }
  const hex = name.charCodeAt(1) === 0x78;
  const digits = name.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) throw new XmlTreeError(`&${name}; is not a character reference`);
  const cp = Number.parseInt(digits, hex ? 16 : 10);
  if (!isXmlChar(cp)) throw new XmlTreeError(`&${name}; refers to a character XML does not allow`);
  return String.fromCodePoint(cp);
}
