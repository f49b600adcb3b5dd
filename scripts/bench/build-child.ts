/**
 * Fallback content build for the benchmark, run in its own process: the real
 * `buildContent` + `toModule` with an explicit thread count. Used only when the real CLI
 * (`scripts/build-content.ts`) fails, so the rest of the benchmark still has a corpus.
 *   tsx scripts/bench/build-child.ts --content DIR --out DIR --threads N
 * Prints `build: N articles … in M ms` like the CLI.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildContent, formatProblem, MODULE_TYPES, toModule } from "../content/build.js";
import { siteVar } from "../site-config.js";

const { values } = parseArgs({
  options: { content: { type: "string" }, out: { type: "string" }, threads: { type: "string" } },
});
const started = performance.now();
const result = await buildContent({
  contentDir: values.content!,
  siteUrl: siteVar("SITE_URL") ?? "https://news.example.com",
  threads: Number(values.threads ?? "1"),
});
if (!result.data) {
  for (const p of result.problems.slice(0, 5)) console.error(formatProblem(p));
  process.exit(1);
}
await mkdir(values.out!, { recursive: true });
await writeFile(join(values.out!, "content.js"), toModule(result.data));
await writeFile(join(values.out!, "content.d.ts"), MODULE_TYPES);
console.log(`build: ${result.data.articles.length} articles in ${(performance.now() - started).toFixed(0)} ms`);
