/**
 * Where marked's GFM inline text run ends, found by a scan instead of its regular
 * expression (`Lexer.rules.inline.gfm.text`), which tries a dozen lookaheads at every
 * character: on Chinese articles it was ~11% of the build's parse time. Same answer for
 * every input — tests/build/inline-text.test.ts checks it against marked's own
 * expression on every run of a generated corpus and on random strings of the characters
 * that matter — so the HTML is byte for byte what marked writes alone.
 *
 * The expression, read as a scan of `s` (n = its length):
 *   - a non-alphanumeric character followed by `mailto:` or `xmpp:` → 1;
 *   - else a first unit (a run of backticks, a run of tildes, or one other character),
 *     ending at p; then the first q ≥ p where the run stops before q: a `\ < ! [ ` * ~ _`,
 *     an `http` (any case), an `ftp://` (any case), a `www.` after a space, `*`, `_`,
 *     `~`, `(` or at q = 0, or the end; or stops after q: a non-space followed by two
 *     spaces and a newline, a non-alphanumeric followed by `mailto:`/`xmpp:`, a non-email
 *     character followed by email characters and `@`. At q = p also a `` ` ``/`~`, two
 *     spaces and a newline, or email characters and `@`.
 */
import type { MarkedExtension } from "marked";

/** `a-zA-Z0-9.!#$%&'*+/=?_\`{|}~-`: the expression's email characters. */
const EMAIL = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.!#$%&'*+/=?_`{|}~-") EMAIL[c.charCodeAt(0)] = 1;
/** Characters the run stops before: `\ < ! [ ` * ~ _`. */
const STOP = new Uint8Array(128);
for (const c of "\\<![`*~_") STOP[c.charCodeAt(0)] = 1;
/** Before `www.`: `[\s*_~(]` (the ASCII part; other white space is checked by `isSpace`). */
const BEFORE_WWW = new Uint8Array(128);
for (const c of " \t\n\v\f\r*_~(") BEFORE_WWW[c.charCodeAt(0)] = 1;

const isEmail = (c: number): boolean => c < 128 && EMAIL[c] === 1;
const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** JavaScript's `\s` without the `u` flag. */
const isSpace = (c: number): boolean =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/** `s` from `i` starts with `mailto:` or `xmpp:`. */
const mailOrXmpp = (s: string, i: number): boolean => s.startsWith("mailto:", i) || s.startsWith("xmpp:", i);
/** `s` from `i` is two or more spaces then a newline. */
function spacesNewline(s: string, i: number): boolean {
  let j = i;
  while (s.charCodeAt(j) === 32) j++;
  return j - i >= 2 && s.charCodeAt(j) === 10;
}
/** `s` from `i` is one or more email characters then `@`. */
function emailAt(s: string, i: number): boolean {
  let j = i;
  while (j < s.length && isEmail(s.charCodeAt(j))) j++;
  return j > i && s.charCodeAt(j) === 64;
}

/** `s` at `q` (an ASCII `c`) starts what the run stops before: `\ < ! [ ` * ~ _`, `http`, `ftp://`, or `www.` after a space, `*`, `_`, `~` or `(`. */
function stopsBefore(s: string, q: number, c: number): boolean {
  if (STOP[c] === 1) return true;
  const l = c | 0x20;
  if (l === 104 /* h */) return ((s.charCodeAt(q + 1) | 0x20) === 116 && (s.charCodeAt(q + 2) | 0x20) === 116 && (s.charCodeAt(q + 3) | 0x20) === 112);
  if (l === 102 /* f */) return (s.charCodeAt(q + 1) | 0x20) === 116 && (s.charCodeAt(q + 2) | 0x20) === 112 && s.startsWith("://", q + 3);
  if (c === 119 /* w */ && s.startsWith("ww.", q + 1)) {
    const b = s.charCodeAt(q - 1);
    return q === 0 || (b < 128 ? BEFORE_WWW[b] === 1 : isSpace(b));
  }
  return false;
}

/** `c` at `q` ends the run, given the ASCII character after it: two spaces and a newline, `mailto:`/`xmpp:`, email characters and `@`. */
function endsBefore(s: string, q: number, c: number, next: number): boolean {
  if (next === 32) return c !== 32 && spacesNewline(s, q + 1);
  if ((next === 109 || next === 120) /* m, x */ && !isAlnum(c) && mailOrXmpp(s, q + 1)) return true;
  return EMAIL[next] === 1 && !isEmail(c) && emailAt(s, q + 1);
}

/** Length of marked's GFM inline text match at the start of `s` (non-empty), as its expression gives it. */
export function inlineTextEnd(s: string): number {
  const n = s.length;
  const first = s.charCodeAt(0);
  if (!isAlnum(first) && mailOrXmpp(s, 1)) return 1;
  let p = 1;
  if (first === 96 || first === 126) while (s.charCodeAt(p) === first) p++;
  if (p < n) {
    const c = s.charCodeAt(p);
    if (c === 96 || c === 126 || (c === 32 && spacesNewline(s, p)) || emailAt(s, p)) return p;
  }
  // Only an ASCII character, or the one before it, can end the run: the rest (most of a
  // Chinese article) is skipped by a native search for the next ASCII character.
  for (let q = p; q < n; ) {
    const c = s.charCodeAt(q);
    if (c >= 128) {
      ASCII.lastIndex = q + 1;
      const a = ASCII.exec(s) === null ? n : ASCII.lastIndex - 1;
      // s[q..a) are not ASCII: only s[a - 1], before the ASCII s[a], can end the run.
      if (a === n) return n;
      if (endsBefore(s, a - 1, s.charCodeAt(a - 1), s.charCodeAt(a))) return a;
      q = a;
      continue;
    }
    if (stopsBefore(s, q, c)) return q;
    const next = s.charCodeAt(q + 1);
    if (next < 128 && endsBefore(s, q, c, next)) return q + 1;
    q++;
  }
  return n;
}

/** The next ASCII character (searched from `lastIndex`). */
const ASCII = /[\0-\x7f]/g;

/**
 * marked's `inlineText` by the scan: the token marked's own gives. A run holding `&` is
 * left to marked (its rule decodes numeric character references in it).
 */
export const inlineTextTokenizer: MarkedExtension["tokenizer"] = {
  inlineText(src) {
    const raw = src.slice(0, inlineTextEnd(src));
    const escaped = this.lexer.state.inRawBlock;
    if (!escaped && raw.includes("&")) return false;
    return { type: "text", raw, text: raw, escaped };
  },
};
