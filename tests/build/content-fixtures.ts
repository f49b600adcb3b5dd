/** Articles and content folders written for build tests. */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
