/**
 * The front matter is split by our own code (scripts/content/front-matter.ts), not by
 * gray-matter, for speed: it must read every file exactly as gray-matter does.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import matter from "gray-matter";
import * as yaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { FRONT_MATTER_SCHEMA, plainYaml, readFrontMatter, splitFrontMatter } from "../../scripts/content/front-matter.js";
import { generateArticle, prng } from "../../scripts/bench/corpus.js";

const CASES: [string, string][] = [
  ["plain", "---\ntitle: T\ndate: 2025-01-01\n---\n\nBody\n"],
  ["CRLF", "---\r\ntitle: T\r\n---\r\n\r\nBody\r\n"],
  ["byte order mark", "\uFEFF---\ntitle: T\n---\nBody"],
  ["no blank line after", "---\ntitle: T\n---\nBody"],
  ["two blank lines after", "---\ntitle: T\n---\n\n\nBody"],
  ["never closed", "---\ntitle: T\nBody\n"],
  ["empty block", "---\n---\nBody"],
  ["comments only", "---\n# just a comment\n  # another\n---\nBody"],
  ["closing delimiter with more dashes", "---\ntitle: T\n-----\nBody"],
  ["closing delimiter with text", "---\ntitle: T\n---more\nBody"],
  ["dashes inside a value", "---\ntitle: a---b\n---\nBody --- more\n---\n"],
  ["four dashes to open", "----\ntitle: T\n----\nBody"],
  ["a language after the dashes", "---yaml\ntitle: T\n---\nBody"],
  ["nothing after the block", "---\ntitle: T\n---"],
  ["no front matter", "Body only\n"],
];

describe("front matter is split as gray-matter splits it", () => {
  const corpus = Array.from({ length: 20 }, (_, i) => [`corpus ${i}`, generateArticle(7, i * 31, [6000, 9500]).text] as [string, string]);

  it.each([...CASES, ...corpus])("%s", (_name, source) => {
    const theirs = matter(source, { engines: { yaml: { parse: () => ({}) } } }) as unknown as { content: string; matter: string; language: string };
    const ours = splitFrontMatter(source);
    if (ours === undefined) {
      expect(theirs.matter).toBe("");
      expect(theirs.content).toBe(source.replace(/^\uFEFF/, ""));
    } else {
      expect(ours.content).toBe(theirs.content);
      expect(ours.matter).toBe(theirs.matter);
      expect(ours.language || "yaml").toBe(theirs.language); // gray-matter names the default
    }
  });

  it("reads the data of the block as YAML, and no data from a block of comments", () => {
    expect(readFrontMatter("---\ntitle: T\ntags: [a, b]\n---\nBody")).toEqual({ data: { title: "T", tags: ["a", "b"] }, content: "Body", escapes: false });
    expect(readFrontMatter("---\n# nothing\n---\nBody")).toEqual({ data: {}, content: "Body", escapes: false });
    // A backslash in the block (not in the body) says a YAML escape may have made a character the text did not have.
    expect(readFrontMatter('---\ntitle: "a\\x07"\n---\nBody').escapes).toBe(true);
    expect(readFrontMatter("---\ntitle: T\n---\nBody \\ more").escapes).toBe(false);
    expect(readFrontMatter("---json\n{}\n---\nBody").problem).toMatch(/only YAML/);
  });
});

/**
 * A front matter of the common shape — `key: plain scalar` lines and lists of plain
 * scalars — is read without js-yaml (`plainYaml`), ~8× faster; anything else, or
 * anything it is unsure of, is left to js-yaml. Either way the data must be js-yaml's.
 */
describe("plain front matter is read as js-yaml reads it", () => {
  const load = (text: string): unknown => yaml.load(text, { schema: FRONT_MATTER_SCHEMA }) ?? {};
  const matterOf = (source: string): string => splitFrontMatter(source)!.matter;

  it("reads the generated corpus and the sample site without js-yaml, as js-yaml does", () => {
    const sources = [
      ...Array.from({ length: 400 }, (_, i) => generateArticle(20261203, i * 37, [6000, 9500]).text),
      ...readdirSync("content/posts").map((f) => readFileSync(join("content/posts", f), "utf8")),
    ];
    for (const source of sources) {
      const text = matterOf(source);
      const ours = plainYaml(text);
      expect(ours, text).toBeDefined();
      expect(ours).toEqual(load(text));
    }
  });

  const TRICKY: string[] = [
    "\ntitle: a\n  continued",
    "\ntitle: a # comment",
    "\ntitle: a: b",
    "\ntitle: 'quoted'",
    "\ntitle: 'it''s'",
    '\ntitle: "quoted \\u0041"',
    '\ntitle: "a" # comment',
    '\ntitle: "a"b',
    '\ntitle: "open',
    "\ntitle: a\ntitle: b",
    "\nTrue: x",
    "\nnull: x",
    "\n__proto__: x",
    "\ntags:\n  - a\n   - b",
    "\ntags:\n  - a\n  -",
    "\ntags:\n  - - a",
    "\ntags:\n  - a: b",
    "\ntags:\n  - &x a\nmore: *x",
    "\ntags: [a, b]",
    "\ntitle: |\n  block",
    "\ntitle: >\n  folded",
    "\ntitle: x\n# comment\n",
    "\n%YAML 1.2\n---\ntitle: x",
    "\ntitle: a\tb",
    "\ntitle: a\u0085b",
    "\ntitle: a\r\ndate: b",
    "\ntitle: -1",
    "\ntitle: ?x",
    "\ntitle: x:",
    "\ntitle:x",
    "\n  title: x",
    "\ntags:\n- a\n- b",
    "\ntags:\n  - a\nnext:\n",
  ];

  it("leaves every front matter it cannot be sure of to js-yaml", () => {
    for (const text of TRICKY) {
      const ours = plainYaml(text);
      if (ours === undefined) continue;
      expect(ours, JSON.stringify(text)).toEqual(load(text));
    }
    // The common shapes among them are read, not all left.
    expect(plainYaml("\ntags:\n- a\n- b")).toEqual({ tags: ["a", "b"] });
    expect(plainYaml("\ntitle: x\ndraft: false\nweight: 007\nempty:\nnothing: ~")).toEqual(load("\ntitle: x\ndraft: false\nweight: 007\nempty:\nnothing: ~"));
  });

  it("gives js-yaml's data or leaves it to js-yaml for random front matters of YAML's significant pieces", () => {
    const next = prng(20261203);
    const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const KEYS = ["title", "date", "tags", "a", "b", "True", "null", "x-y", "_k", "1", "__proto__"];
    const PIECES = ['"a"', "'b'", '"', "a", "中文", " ", "  ", ":", ": ", "#", " #", "-", "- ", "'", '"', "\\", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "%", "@", "`", "?", "~", "007", "1.5", "0x1F", ".inf", "true", "False", "null", "\t", "\u00a0", "2025-06-27T09:10:04+08:00"];
    const scalar = (): string => Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(PIECES)).join("");
    let readPlain = 0;
    for (let n = 0; n < 20_000; n++) {
      const lines: string[] = [""];
      for (let l = 0, count = 1 + Math.floor(next() * 4); l < count; l++) {
        const key = pick(KEYS);
        if (next() < 0.3) {
          lines.push(`${key}:${pick(["", " ", "  "])}`);
          const indent = pick(["", "  ", "    "]);
          for (let i = 0, items = Math.floor(next() * 3); i < items; i++) lines.push(`${next() < 0.1 ? pick(["", " ", "   "]) : indent}- ${scalar()}`);
        } else {
          lines.push(`${key}:${pick([" ", "  ", ""])}${scalar()}`);
        }
        if (next() < 0.05) lines.push(pick(["", "  more", "# c", "---"]));
      }
      const text = lines.join("\n");
      const ours = plainYaml(text);
      if (ours === undefined) continue;
      readPlain++;
      let theirs: unknown;
      try {
        theirs = load(text);
      } catch {
        expect.fail(`plainYaml read what js-yaml refuses: ${JSON.stringify(text)}`);
      }
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) expect(ours, JSON.stringify(text)).toEqual(theirs);
      expect(ours).toEqual(theirs);
    }
    expect(readPlain).toBeGreaterThan(1000);
  });
});
