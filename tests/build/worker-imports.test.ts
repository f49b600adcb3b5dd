/** The Worker ships none of the build's libraries: they stay dev dependencies of the Node build. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const BUILD_ONLY = ["sanitize-html", "entities", "gray-matter", "js-yaml", "marked"];

it("no module under src/ imports the content build or its libraries", () => {
  const files = readdirSync("src", { recursive: true, encoding: "utf8" }).filter((f) => /\.(ts|tsx|js)$/.test(f) && !f.startsWith("generated"));
  expect(files.length).toBeGreaterThan(10);
  const offenders: string[] = [];
  for (const file of files) {
    const text = readFileSync(join("src", file), "utf8");
    for (const match of text.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']/g)) {
      const spec = match[1] ?? match[2];
      if (spec && (BUILD_ONLY.some((lib) => spec === lib || spec.startsWith(`${lib}/`)) || spec.includes("scripts/"))) {
        offenders.push(`${file}: ${spec}`);
      }
    }
  }
  expect(offenders).toEqual([]);
});
