/**
 * The front matter is split by our own code (scripts/content/front-matter.ts), not by
 * gray-matter, for speed: it must read every file exactly as gray-matter does.
 */
import matter from "gray-matter";
import { describe, expect, it } from "vitest";
import { readFrontMatter, splitFrontMatter } from "../../scripts/content/front-matter.js";
import { generateArticle } from "../../scripts/bench/corpus.js";

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
