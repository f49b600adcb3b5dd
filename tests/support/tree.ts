/** Every file under a folder, for byte-for-byte comparisons of build outputs. */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** Relative path → bytes as hex, sorted by path. */
export function treeBytes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name)).toString("hex"));
  }
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}
