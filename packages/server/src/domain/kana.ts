/** NameKana is half-width katakana in the interface; seeds may be written in full-width katakana or hiragana. */
const BASE: Record<string, string> = {
  ア: "ｱ", イ: "ｲ", ウ: "ｳ", エ: "ｴ", オ: "ｵ", カ: "ｶ", キ: "ｷ", ク: "ｸ", ケ: "ｹ", コ: "ｺ",
  サ: "ｻ", シ: "ｼ", ス: "ｽ", セ: "ｾ", ソ: "ｿ", タ: "ﾀ", チ: "ﾁ", ツ: "ﾂ", テ: "ﾃ", ト: "ﾄ",
  ナ: "ﾅ", ニ: "ﾆ", ヌ: "ﾇ", ネ: "ﾈ", ノ: "ﾉ", ハ: "ﾊ", ヒ: "ﾋ", フ: "ﾌ", ヘ: "ﾍ", ホ: "ﾎ",
  マ: "ﾏ", ミ: "ﾐ", ム: "ﾑ", メ: "ﾒ", モ: "ﾓ", ヤ: "ﾔ", ユ: "ﾕ", ヨ: "ﾖ",
  ラ: "ﾗ", リ: "ﾘ", ル: "ﾙ", レ: "ﾚ", ロ: "ﾛ", ワ: "ﾜ", ヲ: "ｦ", ン: "ﾝ",
  ァ: "ｧ", ィ: "ｨ", ゥ: "ｩ", ェ: "ｪ", ォ: "ｫ", ッ: "ｯ", ャ: "ｬ", ュ: "ｭ", ョ: "ｮ",
  ー: "ｰ", "・": "･", "　": " ", " ": " ",
};
const VOICED = "ガギグゲゴザジズゼゾダヂヅデドバビブベボ";
const VOICED_BASE = "カキクケコサシスセソタチツテトハヒフヘホ";
const SEMI_VOICED = "パピプペポ";
const SEMI_BASE = "ハヒフヘホ";

function katakanaOf(ch: string): string {
  const code = ch.charCodeAt(0);
  return code >= 0x3041 && code <= 0x3096 ? String.fromCharCode(code + 0x60) : ch;
}

/** Full-width katakana / hiragana → half-width katakana; null when a character has no half-width form. */
export function toHalfWidthKana(s: string): string | null {
  let out = "";
  for (const raw of s) {
    const ch = katakanaOf(raw);
    if (/[\uFF65-\uFF9F ]/.test(ch)) out += ch;
    else if (BASE[ch] !== undefined) out += BASE[ch];
    else if (VOICED.includes(ch)) out += BASE[VOICED_BASE[VOICED.indexOf(ch)] as string] + "ﾞ";
    else if (SEMI_VOICED.includes(ch)) out += BASE[SEMI_BASE[SEMI_VOICED.indexOf(ch)] as string] + "ﾟ";
    else if (ch === "ヴ") out += "ｳﾞ";
    else return null;
  }
  return out;
}
