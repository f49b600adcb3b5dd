/** Articles and content folders written for build tests. */
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateArticle } from "../../scripts/bench/corpus.js";
import { readFrontMatter } from "../../scripts/content/front-matter.js";

/** One Markdown article: the front matter lines, then `body`. */
export function article(front: string, body = "Body text."): string {
  return `---\n${front.trim()}\n---\n\n${body}\n`;
}

/** A fresh temporary content folder holding `files` (relative path → text). */
export function contentDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tidings-content-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/**
 * Markdown bodies to check marked's rules against: the sample site's, 60 of a generated
 * corpus (seeded) and the build tests' own files (the hostile fixtures among them).
 */
export function markdownBodies(seed: number): string[] {
  const markdownOf = (text: string): string => readFrontMatter(text).content ?? "";
  const samples = readdirSync("content/posts").map((f) => markdownOf(readFileSync(join("content/posts", f), "utf8")));
  const corpus = Array.from({ length: 60 }, (_, i) => markdownOf(generateArticle(seed, i * 89, [6000, 9500]).text));
  const fixtures = readdirSync("tests/build")
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => readFileSync(join("tests/build", f), "utf8"));
  return [...samples, ...corpus, ...fixtures];
}
