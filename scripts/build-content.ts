/**
 * `npm run build`: compiles content/ into the content store, `src/generated/assets/__content/`
 * (deployed as Workers Static Assets), and the manifest module src/generated/content.js.
 *   --content DIR   content folder (default: content, or $CONTENT_DIR)
 *   --out DIR       output folder (default: src/generated; the store goes to DIR/assets)
 *   --cache DIR     incremental build cache (default: .cache/content); --no-cache: parse everything
 * Exits 1 listing every problem as `file: field: reason`.
 */
import { parseArgs } from "node:util";
import { formatProblem } from "./content/build.js";
import { buildSite } from "./content/site.js";
import { siteVar } from "./site-config.js";

const { values } = parseArgs({
  options: {
    content: { type: "string" },
    out: { type: "string" },
    cache: { type: "string" },
    "no-cache": { type: "boolean" },
    quiet: { type: "boolean" },
  },
});
const contentDir = values.content ?? process.env["CONTENT_DIR"] ?? "content";
const outDir = values.out ?? "src/generated";
const siteUrl = siteVar("SITE_URL");
if (!siteUrl) {
  console.error("build: SITE_URL is not set in wrangler.toml [vars] or the environment");
  process.exit(1);
}

const started = performance.now();
const cacheDir = values["no-cache"] ? undefined : (values.cache ?? ".cache/content");
const { result, store } = await buildSite({ contentDir, siteUrl, outDir, ...(cacheDir ? { cacheDir } : {}) });
for (const warning of result.warnings) console.warn(`warning: ${warning}`);
if (!result.data || !store) {
  console.error(`build failed: ${result.problems.length} problem(s) in ${contentDir}/`);
  for (const p of result.problems) console.error(`  ${formatProblem(p)}`);
  process.exit(1);
}
if (!values.quiet) {
  const ms = (performance.now() - started).toFixed(0);
  console.log(
    `build: ${result.data.articles.length} articles (${result.drafts} drafts skipped) from ${result.files} files ` +
      `(${result.parsed} parsed, ${result.cached} from the cache), ${result.data.tags.length} tags, ${result.data.topics.length} topics, ` +
      `store ${store.files} files (${store.written} written, ${store.removed} removed, ${(store.bytes / 1048576).toFixed(1)} MiB, ` +
      `largest ${(store.largest.bytes / 1024).toFixed(0)} KiB), hash ${result.data.hash.slice(0, 12)} in ${ms} ms`,
  );
}
