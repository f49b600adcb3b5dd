/**
 * Cheap tests that tell, before marked's GFM setext heading and table expressions run,
 * that they cannot match the rest of the document. marked tries both on every block;
 * the setext one (`lheading`) walks the whole paragraph character by character with a
 * dozen lookaheads at every line break, so on a site of long one-line paragraphs the two
 * cost ~10% of the lexer. A test only ever says "cannot" where the expression does not
 * match (tests/build/block-rules.test.ts checks it on every block of real articles and on
 * random documents); otherwise marked's own rule decides, so the HTML is marked's.
 */
import type { MarkedExtension } from "marked";

/**
 * Lines the setext test looks at before it leaves the block to marked. A paragraph's
 * lines may also end at a heading, a quote, a fence…, which the test does not tell apart:
 * unbounded, a document of many short blocks had it read the rest of the document for
 * each one (300 KB of `a`/`# h` lines: two minutes, against marked's 0.3 s).
 */
const SETEXT_LINES = 16;

/**
 * The setext rule needs a line of `=` or `-` (after at most three spaces) before the
 * paragraph ends, and a paragraph ends at a blank line at the latest: so when the lines
 * up to the first blank one (of spaces and tabs) hold none, it cannot match. Undecided
 * (false: marked's rule decides) past `SETEXT_LINES` lines.
 */
export function setextCannotMatch(src: string): boolean {
  let lines = 0;
  for (let i = src.indexOf("\n"); i >= 0; i = src.indexOf("\n", i + 1)) {
    if (++lines > SETEXT_LINES) return false;
    let j = i + 1;
    while (src.charCodeAt(j) === 32) j++;
    const c = src.charCodeAt(j);
    if (j - i - 1 <= 3 && (c === 61 /* = */ || c === 45) /* - */) return false;
    let k = j;
    while (src.charCodeAt(k) === 32 || src.charCodeAt(k) === 9) k++;
    if (k >= src.length || src.charCodeAt(k) === 10) return true;
  }
  return true;
}

/** The table rule needs a delimiter row of `-` right after the first line: without a `-` on the second line it cannot match. */
export function tableCannotMatch(src: string): boolean {
  const first = src.indexOf("\n");
  if (first < 0) return true;
  const second = src.indexOf("\n", first + 1);
  const end = second < 0 ? src.length : second;
  for (let k = first + 1; k < end; k++) if (src.charCodeAt(k) === 45 /* - */) return false;
  return true;
}

/** marked's tokenizers, asked only when they might match (`false` hands the block to marked's own). */
export const blockRuleTokenizer: MarkedExtension["tokenizer"] = {
  lheading(src) {
    return setextCannotMatch(src) ? undefined : false;
  },
  table(src) {
    return tableCannotMatch(src) ? undefined : false;
  },
};
