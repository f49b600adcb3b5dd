/**
 * `npm run bench`: feeds benchmark, one run, one table (stdout and bench-results/feeds.md).
 *   1. synthetic corpora of 1,000 and 10,000 articles in the reference format (seeded);
 *   2. the real content build on each: time, compiled size raw/gzip, Worker bundle size
 *      (wrangler deploy --dry-run) against the 3 MiB / 10 MiB compressed limits;
 *   3. cold render of a 20-item feed, ours vs feed@6, in process;
 *   4. serving on a real `wrangler dev` (temp copy of the project, 1,000 articles): cold
 *      first requests, then warm site/tag feeds and 304 under autocannon load against a
 *      precomputed-bytes route (the floor), feed@6 per request, and an empty response.
 * Options: --quick (shorter load rounds), --no-serve, --keep (keep the temp folder).
 * Never writes to the working tree except bench-results/ (and src/generated/ via the
 * normal `npm run build` when it is missing).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureBuild, type BuildMeasure } from "./build.js";
import { writeCorpus } from "./corpus.js";
import { createProject, dryRun, stopAll, useContent, type BundleSize } from "./project.js";
import type { ServeReport } from "./serve.js";
import { BIN, fixed, MiB, ROOT, run, size } from "./util.js";

const { values: flags } = parseArgs({
  options: { quick: { type: "boolean" }, "no-serve": { type: "boolean" }, keep: { type: "boolean" } },
});
const COUNTS = [1000, 10_000];
const SEED = 20250627;
const started = performance.now();
const log = (line: string) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

process.env["WRANGLER_SEND_METRICS"] = "false";
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}

// src/ imports the compiled sample content; a fresh clone has none until the first build.
if (!existsSync(join(ROOT, "src/generated/content.js"))) {
  log("src/generated/content.js missing: running the sample content build");
  const r = await run(BIN("tsx"), ["scripts/build-content.ts", "--quiet"]);
  if (r.code !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
}
const { renderBench } = await import("./render.js");
const { openStore } = await import("../content/read.js");
const loadStore = async (outDir: string) => {
  const t = performance.now();
  const content = await openStore(join(outDir, "assets"));
  return { content, ms: performance.now() - t };
};
const { serveBench } = await import("./serve.js");

interface CorpusReport {
  count: number;
  sourceBytes: number;
  build: BuildMeasure & { allMs: number[] };
  bundle: BundleSize;
  evalMs: number;
  load: number;
}

const tmp = await mkdtemp(join(tmpdir(), "tidings-bench-"));
const lines: string[] = [];
const out = (line = "") => lines.push(line);
try {
  const corpora: CorpusReport[] = [];
  const project = join(tmp, "project");
  await createProject(project);
  for (const count of [...COUNTS].reverse()) {
    const dir = join(tmp, `corpus-${count}`);
    log(`generating ${count} articles`);
    const sourceBytes = await writeCorpus(dir, count, SEED);
    log(`building ${count} articles`);
    const load = loadavg()[0]!;
    const build = await measureBuild(dir, join(tmp, `out-${count}`));
    log(`bundling ${count} articles (wrangler deploy --dry-run)`);
    await useContent(project, join(tmp, `out-${count}`));
    const bundle = await dryRun(project);
    const { ms: evalMs } = await loadStore(join(tmp, `out-${count}`));
    corpora.unshift({ count, sourceBytes, build, bundle, evalMs, load });
  }
  // The project copy now holds the 1,000-article corpus (built last).

  log("cold render microbenchmark (1,000-article corpus, 20 items)");
  const { content } = await loadStore(join(tmp, "out-1000"));
  const render = await renderBench(content, flags.quick ? 500 : 1200);

  // The tag feed: the most used tag (Chinese, so the URL is percent-encoded).
  const [topTag, topCount] = [...content.catalogue("tags", Date.now()).values()].map((t) => [t.slug, t.count] as const).sort((x, y) => y[1] - x[1])[0]!;
  const tagPath = `/tags/${encodeURIComponent(topTag)}/rss.xml`;

  let serve: ServeReport | undefined;
  let serveLoad = NaN;
  if (!flags["no-serve"]) {
    log(`serving on wrangler dev (tag feed: ${decodeURIComponent(tagPath)}, ${topCount} articles)`);
    serveLoad = loadavg()[0]!;
    serve = await serveBench(project, tagPath, {
      rounds: flags.quick ? 2 : 5,
      roundSeconds: flags.quick ? 1 : 2,
      connections: 10,
      log,
    });
  }

  // ---- Report --------------------------------------------------------------------------
  const verdict = (ok: boolean) => (ok ? "**met**" : "**missed**");
  out("# Feeds benchmark");
  out();
  out(`\`npm run bench\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "?"}) · wrangler dev 4.86.0 · seed ${SEED}`);
  out();
  out("## Content build and size");
  out();
  out("| corpus | source | build, whole process (best of runs) | CPU time, all threads | build, own timing | content.js raw | content.js gzip | Worker bundle raw / gzip (wrangler dry-run) | fits 3 MiB free / 10 MiB paid | evaluate module at isolate start |");
  out("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const c of corpora) {
    const g = c.bundle.gzip;
    const fits = Number.isNaN(g) ? `dry-run failed: ${c.bundle.error}` : `${g <= 3 * MiB ? "yes" : "no"} / ${g <= 10 * MiB ? "yes" : "no"}`;
    out(
      `| ${fixed(c.build.articles)} published of ${fixed(c.count)} | ${size(c.sourceBytes)} | ${fixed(c.build.wallMs)} ms (${c.build.allMs.map((x) => fixed(x)).join(" · ")}) | ${fixed(c.build.cpuMs)} ms | ${fixed(c.build.innerMs)} ms | ${size(c.build.moduleRaw)} | ${size(c.build.moduleGzip)} | ${Number.isNaN(c.bundle.raw) ? "–" : `${size(c.bundle.raw)} / ${size(g)}`} | ${fits} | ${fixed(c.evalMs)} ms |`,
    );
  }
  const big = corpora.find((c) => c.count === 10_000)!;
  out();
  out(`Machine load (1-min load average) when each corpus was built: ${corpora.map((c) => `${fixed(c.count)}: ${c.load.toFixed(1)}`).join(", ")}. Other work on these 2 cores only adds wall time; CPU time ÷ 2 is what a quiet machine would need at best.`);
  out();
  out(`Target: 10,000 articles built in < 3 s — ${verdict(big.build.wallMs < 3000)} (${fixed(big.build.wallMs)} ms).`);
  out();
  out("## Cold render of a 20-item feed (in process, site feed of the 1,000-article corpus)");
  out();
  out("Ours: `buildFeedDocument` + `RENDERERS[format]`; feed@6: `new Feed` + `addItem` ×20 + `rss2()`/`atom1()`/`json1()` (JSON Feed 1.0 only). Median of alternating batches (ours, feed, ours, …) after warm-up; encoding to UTF-8 bytes shown separately, since both pay it.");
  out();
  out("| format | ours µs | feed@6 µs | feed ÷ ours | ours + encode µs | feed + encode µs | ratio with encode | first call ours / feed | output ours / feed |");
  out("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  const encoder = new TextEncoder();
  const encodeCost = (text: string) => {
    const t = performance.now();
    let n = 0;
    for (let i = 0; i < 50; i++) n += encoder.encode(text).byteLength;
    return ((performance.now() - t) * 1000) / 50 + (n < 0 ? 1 : 0);
  };
  for (const r of render) {
    const oursEnc = encodeCost(r.ours.text);
    const feedEnc = encodeCost(r.feed.text);
    out(
      `| ${r.format} | ${fixed(r.ours.us)} | ${fixed(r.feed.us)} | ${fixed(r.feed.us / r.ours.us, 2)}× | ${fixed(r.ours.us + oursEnc)} | ${fixed(r.feed.us + feedEnc)} | ${fixed((r.feed.us + feedEnc) / (r.ours.us + oursEnc), 2)}× | ${fixed(r.ours.firstMs, 1)} / ${fixed(r.feed.firstMs, 1)} ms | ${size(r.ours.bytes)} / ${size(r.feed.bytes)} |`,
    );
  }
  const xmlRatio = Math.min(...render.filter((r) => r.format !== "json").map((r) => r.feed.us / r.ours.us));
  out();
  out(`Target: cold render ≥ 5× faster than feed@6 (RSS and Atom) — ${verdict(xmlRatio >= 5)} (${fixed(xmlRatio, 2)}× at worst).`);
  out();
  if (serve) {
    out(`## Serving on \`wrangler dev\` (1,000-article corpus, autocannon on 127.0.0.1, ${serve.connections} connections, ${serve.rounds} interleaved rounds × ${serve.roundSeconds} s per route)`);
    out();
    out("| feed | route | req/s (all rounds) | req/s per round | p50 ms | p99 ms | vs floor (median of paired rounds) |");
    out("| --- | --- | --- | --- | --- | --- | --- |");
    const rows = (label: string, cases: ServeReport["site"]) => {
      for (const c of cases) {
        out(
          `| ${label} | ${c.name} | ${fixed(c.rps)} | ${c.rounds.map((x) => fixed(x)).join(" · ")} | ${c.p50} | ${c.p99} | ${fixed(c.ratio, 2)}× |${c.errors ? ` ${c.errors} errors` : ""}${c.statuses !== "200" && c.statuses !== "304" && c.statuses !== "204" ? ` statuses ${c.statuses}` : ""}`,
        );
      }
    };
    rows("site `/rss.xml`", serve.site);
    rows(`tag \`${decodeURIComponent(tagPath)}\``, serve.tag);
    rows("site, conditional", serve.notModified);
    out();
    out("| cold request | first request after `wrangler dev` is ready | wrangler dev start → ready | same request warm (median of 5) |");
    out("| --- | --- | --- | --- |");
    out(`| site \`/rss.xml\` | ${fixed(serve.coldSite.firstMs, 1)} ms (${serve.coldSite.status}) | ${fixed(serve.coldSite.startMs)} ms | ${fixed(serve.coldSite.warmMs, 1)} ms |`);
    out(`| tag feed | ${fixed(serve.coldTag.firstMs, 1)} ms (${serve.coldTag.status}) | ${fixed(serve.coldTag.startMs)} ms | ${fixed(serve.coldTag.warmMs, 1)} ms |`);
    out(`| tag feed after the site feed (isolate warm, variant not rendered yet) | ${fixed(serve.tagAfterSiteMs, 1)} ms | | |`);
    out();
    const warm = Math.min(serve.site[0]!.ratio, serve.tag[0]!.ratio);
    const nm = serve.notModified[0]!.ratio;
    out(`1-min load average when the serving test started: ${serveLoad.toFixed(1)} (2 cores, shared with other work; hence interleaved rounds and paired ratios).`);
    out();
    out(`Target: warm feed ≥ 0.9× the precomputed route — ${verdict(warm >= 0.9)} (${fixed(warm, 2)}× at worst). 304 close to an empty response — ${verdict(nm >= 0.9)} (${fixed(nm, 2)}×; statuses ${serve.notModified[0]!.statuses}; a precomputed 304 with the same headers: ${fixed(serve.notModified[2]!.ratio, 2)}×).`);
    out();
  }
  out(`Total benchmark time: ${fixed((performance.now() - started) / 1000)} s.`);

  const report = lines.join("\n") + "\n";
  process.stdout.write(report);
  await mkdir(join(ROOT, "bench-results"), { recursive: true });
  await writeFile(join(ROOT, "bench-results/feeds.md"), report);
  log("written to bench-results/feeds.md");
} finally {
  await stopAll();
  if (flags.keep) log(`kept ${tmp}`);
  else await rm(tmp, { recursive: true, force: true });
}
