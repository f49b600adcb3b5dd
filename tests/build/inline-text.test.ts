/**
 * scripts/content/inline-text.ts: marked's GFM inline text run, found by a scan. It must
 * end every run where marked's own expression does — checked on random strings of the
 * characters the expression cares about, on every run marked meets in the sample site,
 * a generated corpus and the hostile fixtures — and so the HTML must be marked's, byte
 * for byte.
 */
import { Lexer, Marked } from "marked";
import { describe, expect, it } from "vitest";
import { markdownBodies } from "./content-fixtures.js";
import { prng } from "../../scripts/bench/corpus.js";
import { inlineTextEnd, inlineTextTokenizer } from "../../scripts/content/inline-text.js";

const RULE = Lexer.rules.inline.gfm.text;
const marked = (src: string): number => RULE.exec(src)![0].length;

/** Characters the expression treats apart, and some it does not. */
const ALPHABET = [..."ahtpsfFHTPSwW.:/@_*~`\\<![]()& \n\t#1mxoilo-+=?{|}'\"", "\u00a0", "\u3000", "\u2028", "\ufeff", "中", "文", "，", "\ud83d", "\ude00", ...["http", "HTTPS://", "ftp://", "www.", "mailto:", "xmpp:", "  \n", "a@b", "~~", "``"]];

function randomStrings(count: number, seed: number): string[] {
  const next = prng(seed);
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(next() * 24);
    let s = "";
    for (let i = 0; i < length; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
    return s;
  });
}

describe("GFM inline text by a scan", () => {
  it("ends every random string's run where marked's expression does", () => {
    for (const s of randomStrings(200_000, 20261202)) {
      if (inlineTextEnd(s) !== marked(s)) expect({ s, end: inlineTextEnd(s) }).toEqual({ s, end: marked(s) });
    }
  });

  it("ends every run marked meets in real articles where its expression does", () => {
    let runs = 0;
    const stock = new Marked({ gfm: true });
    // marked's own inline text rule, watched: every string it is asked about.
    stock.use({
      tokenizer: {
        inlineText(src) {
          runs++;
          if (inlineTextEnd(src) !== marked(src)) expect({ src, end: inlineTextEnd(src) }).toEqual({ src, end: marked(src) });
          return false;
        },
      },
    });
    for (const body of markdownBodies(20250627)) stock.parse(body, { async: false });
    expect(runs).toBeGreaterThan(5_000);
  });

  it("gives marked's HTML byte for byte, numeric references and raw HTML blocks included", () => {
    const extra = ["a &#65; b &amp; c &#x1F600; d", "<pre>\n*x* http://a.b www.c.d\n</pre>\n\nafter", "x  \ny", "a@b.c and mailto:me@x.org, xmpp:me@x.org"];
    const stock = new Marked({ gfm: true });
    const fast = new Marked({ gfm: true, tokenizer: inlineTextTokenizer });
    for (const body of [...markdownBodies(20250627), ...extra, ...randomStrings(5_000, 7)]) {
      expect(fast.parse(body, { async: false })).toBe(stock.parse(body, { async: false }));
    }
  });
});
