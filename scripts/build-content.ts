/**
 * `npm run build`: compiles content/ into the content store, `src/generated/assets/__content/`
 * (deployed as Workers Static Assets), and the manifest module src/generated/content.js.
 *   --content DIR   content folder (default: content, or $CONTENT_DIR)
 *   --out DIR       output folder (default: src/generated; the store goes to DIR/assets)
 * Exits 1 listing every problem as `file: field: reason`.
 */
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildContent, formatProblem, MODULE_TYPES } from "./content/build.js";
import { writeStore } from "./content/store.js";
import { siteVar } from "./site-config.js";

const { values } = parseArgs({
  options: { content: { type: "string" }, out: { type: "string" }, quiet: { type: "boolean" } },
});
const contentDir = values.content ?? process.env["CONTENT_DIR"] ?? "content";
const outDir = values.out ?? "src/generated";
const siteUrl = siteVar("SITE_URL");
if (!siteUrl) {
  console.error("build: SITE_URL is not set in wrangler.toml [vars] or the environment");
  process.exit(1);
}

const started = performance.now();
const result = await buildContent({ contentDir, siteUrl });
for (const warning of result.warnings) console.warn(`warning: ${warning}`);
if (!result.data || !result.module || !result.digests || !result.body) {
  console.error(`build failed: ${result.problems.length} problem(s) in ${contentDir}/`);
  for (const p of result.problems) console.error(`  ${formatProblem(p)}`);
  process.exit(1);
}
await mkdir(outDir, { recursive: true });
const store = await writeStore(join(outDir, "assets"), outDir, { data: result.data, digests: result.digests, body: result.body });
const moduleText = result.module;
const target = join(outDir, "content.js");
// Leave the file untouched when nothing changed, so `wrangler dev` does not reload. The
// first line carries the content hash: comparing it avoids reading a large old module.
const firstLine = await readFirstLine(target);
if (firstLine !== moduleText.slice(0, moduleText.indexOf("\n"))) await writeFile(target, moduleText);
await writeFile(join(outDir, "content.d.ts"), MODULE_TYPES);
if (!values.quiet) {
  const ms = (performance.now() - started).toFixed(0);
  console.log(
    `build: ${result.data.articles.length} articles (${result.drafts} drafts skipped) from ${result.files} files, ` +
      `${result.data.tags.length} tags, ${result.data.topics.length} topics, store ${store.files} files (${store.written} written, ${store.removed} removed, ${(store.bytes / 1048576).toFixed(1)} MiB), ` +
      `hash ${result.data.hash.slice(0, 12)} in ${ms} ms`,
  );
}

async function readFirstLine(path: string): Promise<string> {
  const file = await open(path).catch(() => undefined);
  if (!file) return "";
  try {
    const { buffer, bytesRead } = await file.read({ buffer: Buffer.alloc(512), position: 0 });
    const text = buffer.subarray(0, bytesRead).toString("utf8");
    return text.slice(0, text.indexOf("\n"));
  } finally {
    await file.close();
  }
}
