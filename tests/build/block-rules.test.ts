/**
 * scripts/content/block-rules.ts: cheap tests that tell, before marked's setext heading
 * and table expressions run, that they cannot match. A test may only ever say "cannot"
 * when the expression does not match — checked on every block marked meets in the
 * sample site, a generated corpus and the hostile fixtures, and on random documents of
 * the pieces those rules care about — and so the HTML must be marked's, byte for byte.
 */
import { Lexer, Marked } from "marked";
import { describe, expect, it } from "vitest";
import { markdownBodies } from "./content-fixtures.js";
import { prng } from "../../scripts/bench/corpus.js";
import { blockRuleTokenizer, setextCannotMatch, tableCannotMatch } from "../../scripts/content/block-rules.js";

const RULES = Lexer.rules.block.gfm;

/** Documents of lines made of what setext headings, tables and the blocks around them are made of. */
function randomDocuments(count: number, seed: number): string[] {
  const next = prng(seed);
  const PIECES = ["text", "中文", " ", "   ", "    ", "\t", "=", "==", "-", "---", "- ", "* ", "1. ", "> ", "# ", "```", "~~~", "|", "| a |", ":-", "-:", ":", "<div>", "<!--", "\u3000", "\u00a0", "\r", "\u2028", "\f", "[^1]: x"];
  return Array.from({ length: count }, () => {
    const lines: string[] = [];
    for (let l = 0, n = 1 + Math.floor(next() * 6); l < n; l++) {
      let line = "";
      for (let p = 0, m = Math.floor(next() * 4); p < m; p++) line += PIECES[Math.floor(next() * PIECES.length)];
      lines.push(line);
    }
    return lines.join("\n");
  });
}

describe("setext heading and table rules rejected by a cheap test", () => {
  it("says 'cannot match' only where marked's expressions do not match, on every block of real articles and random documents", () => {
    let asked = 0;
    let rejected = 0;
    const check = (src: string) => {
      asked++;
      if (setextCannotMatch(src)) {
        rejected++;
        if (RULES.lheading.test(src)) expect.fail(`setext: ${JSON.stringify(src.slice(0, 200))}`);
      }
      if (tableCannotMatch(src)) {
        rejected++;
        if (RULES.table.test(src)) expect.fail(`table: ${JSON.stringify(src.slice(0, 200))}`);
      }
    };
    // Every string marked's block lexer asks its setext rule about (the table rule is asked the same ones).
    const stock = new Marked({ gfm: true });
    stock.use({ tokenizer: { lheading(src) { check(src); return false; } } });
    for (const body of markdownBodies(20261203)) stock.parse(body, { async: false });
    for (const doc of randomDocuments(100_000, 20261203)) check(doc);
    expect(asked).toBeGreaterThan(100_000);
    // Most blocks are told apart without the expressions, or the tests would save nothing.
    expect(rejected).toBeGreaterThan(asked * 0.5);
  });

  it("decides within a few lines, or leaves the block to marked: a document of many short blocks costs no scan of the rest of it per block", () => {
    // Lines that stop a paragraph (headings here) make every line a block of its own; the
    // test looked at every line to the document's end for each (quadratic: 300 KB took minutes).
    expect(setextCannotMatch("a\n" + "# h\na\n".repeat(100))).toBe(false);
    expect(setextCannotMatch("a\n" + "b\n".repeat(100))).toBe(false);
    // Within them it still decides.
    expect(setextCannotMatch("a\nb\nc\n\nd\n===")).toBe(true);
    expect(setextCannotMatch("a\nb\n===")).toBe(false);
    const hostile = "a\n# h\n".repeat(5_000);
    expect(new Marked({ gfm: true, tokenizer: blockRuleTokenizer }).parse(hostile, { async: false })).toBe(new Marked({ gfm: true }).parse(hostile, { async: false }));
  });

  it("gives marked's HTML byte for byte", () => {
    const stock = new Marked({ gfm: true });
    const fast = new Marked({ gfm: true, tokenizer: blockRuleTokenizer });
    for (const body of [...markdownBodies(20261203), ...randomDocuments(20_000, 11)]) {
      expect(fast.parse(body, { async: false })).toBe(stock.parse(body, { async: false }));
    }
  });
});
