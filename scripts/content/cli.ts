/**
 * The content build's command line (`npm run build` → scripts/build.mjs, which runs this
 * compiled; `node --import tsx scripts/build-content.ts` runs it from source):
 *   --content DIR   content folder (default: content, or $CONTENT_DIR)
 *   --out DIR       output folder (default: src/generated; the store goes to DIR/assets)
 *   --cache DIR     incremental build cache (default: .cache/content); --no-cache: parse everything
 *   --quiet         no summary line
 * Exits 1 listing every problem as `file: field: reason`.
 */
import { parseArgs } from "node:util";
import { formatProblem } from "./build.js";
import { buildSite } from "./site.js";
import { siteVar } from "../site-config.js";

/** Runs the build; `toolVersion` (the compiled tool's source hash) enables the nothing-changed shortcut. */
export async function main(args: string[], toolVersion?: string): Promise<number> {
  const { values } = parseArgs({
    args,
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
    return 1;
  }

  const started = performance.now();
  const cacheDir = values["no-cache"] ? undefined : (values.cache ?? ".cache/content");
  const { result, store, distrusted } = await buildSite({
    contentDir,
    siteUrl,
    outDir,
    ...(cacheDir ? { cacheDir } : {}),
    ...(toolVersion ? { toolVersion } : {}),
  });
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  for (const run of distrusted ?? []) console.warn(`warning: build cache: run ${run} was damaged; its articles were parsed again`);
  const summary = result.summary;
  if (!summary || !store) {
    console.error(`build failed: ${result.problems.length} problem(s) in ${contentDir}/`);
    for (const p of result.problems) console.error(`  ${formatProblem(p)}`);
    return 1;
  }
  if (!values.quiet) {
    const ms = (performance.now() - started).toFixed(0);
    console.log(
      `build: ${summary.articles} articles (${summary.drafts} drafts skipped) from ${result.files} files ` +
        `(${result.parsed} parsed, ${result.cached} from the cache${result.upToDate ? ", nothing changed" : result.delta ? ", only their packs rewritten" : ""}), ${summary.tags} tags, ${summary.topics} topics, ` +
        `store ${store.files} files (${store.written} written, ${store.removed} removed, ${(store.bytes / 1048576).toFixed(1)} MiB, ` +
        `largest ${(store.largest.bytes / 1024).toFixed(0)} KiB), hash ${summary.hash.slice(0, 12)} in ${ms} ms`,
    );
  }
  return 0;
}
