/**
 * `npm run bench`: feeds benchmark, one run, one report (stdout and bench-results/feeds.md).
 *   1. synthetic corpora (seeded, ~8 KB of Markdown each) of each size asked for;
 *   2. per size (store.ts): cold build, one-changed and no-change rebuilds with the real
 *      CLI and its cache, Hugo building the same corpus's feeds, the content store's files,
 *      the Worker bundle (wrangler deploy --dry-run) and its module evaluation, first
 *      requests of the site feed and a rare tag's feed on a fresh `wrangler dev`, workerd's
 *      memory and the isolate's JS heap (inspector, heap.ts) after serving every feed;
 *   3. cold render of a 20-item feed, ours vs feed@6, in process (smallest corpus);
 *   4. warm serving under autocannon against a precomputed-bytes route (the floor),
 *      feed@6 per request, and an empty response (smallest corpus).
 * Options: --sizes 1000,10000 (or $BENCH_SIZES; default 1000,10000 — 100000 is heavy),
 * --quick (shorter load rounds), --no-serve, --no-hugo, --no-memory, --keep (keep the
 * temp folder), --cold-runs N (cold builds, each followed by Hugo's, least kept; default
 * 2, 1 above 20,000 articles; rebuilds are timed 3 times each). Never writes to the working tree except bench-results/ (and
 * src/generated/ via the normal `npm run build` when it is missing).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hugoOnPath } from "./hugo.js";
import { createProject, dryRun, stopAll, useContent } from "./project.js";
import type { ServeReport } from "./serve.js";
import type { StoreRow } from "./store.js";
import { BIN, fixed, MiB, ROOT, run, size } from "./util.js";
import { encodeChunks } from "../../src/lib/utf8.js";

const { values: flags } = parseArgs({
  options: {
    sizes: { type: "string" },
    quick: { type: "boolean" },
    "no-serve": { type: "boolean" },
    "no-hugo": { type: "boolean" },
    "no-memory": { type: "boolean" },
    keep: { type: "boolean" },
    "cold-runs": { type: "string" },
  },
});
const COUNTS = (flags.sizes ?? process.env["BENCH_SIZES"] ?? "1000,10000")
  .split(",")
  .map((x) => Number(x.trim().replace(/k$/i, "000")))
  .filter((n) => Number.isInteger(n) && n > 0)
  .sort((a, b) => a - b);
const SEED = 20250627;
const started = performance.now();
const log = (line: string) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

process.env["WRANGLER_SEND_METRICS"] = "false";
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void stopAll().finally(() => process.exit(130)));
}

// src/ imports the sample content's manifest; a fresh clone has none until the first build.
if (!existsSync(join(ROOT, "src/generated/content.js"))) {
  log("src/generated/content.js missing: running the sample content build");
  const r = await run(BIN("tsx"), ["scripts/build-content.ts", "--quiet"]);
  if (r.code !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
}
const { renderBench } = await import("./render.js");
const { serveBench } = await import("./serve.js");
const { storeBench, evaluateBundle } = await import("./store.js");
const { openStore } = await import("../content/read.js");

// Hugo is compared only when it is installed (`apt-get install hugo`); without it the
// build rows have no ratio, and the run says so up front instead of failing after the
// first cold build.
const hugo = !flags["no-hugo"] && (await hugoOnPath());
if (!flags["no-hugo"] && !hugo) log("hugo is not on PATH: building without the Hugo comparison (apt-get install hugo for the ratios)");

const tmp = await mkdtemp(join(tmpdir(), "tidings-bench-"));
const lines: string[] = [];
const out = (line = "") => lines.push(line);
try {
  const rows: (StoreRow & { load: number })[] = [];
  for (const count of COUNTS) {
    const load = loadavg()[0]!;
    rows.push({ ...(await storeBench(tmp, count, SEED, { hugo, memory: !flags["no-memory"], log, coldRuns: flags["cold-runs"] ? Math.max(1, Number(flags["cold-runs"])) : count > 20_000 ? 1 : 2 })), load });
    // Kept as each size finishes, so a long run that fails later still leaves its numbers.
    await mkdir(join(ROOT, "bench-results"), { recursive: true });
    await writeFile(join(ROOT, "bench-results/feeds-partial.json"), JSON.stringify(rows, null, 2));
    log(`${count}: ${JSON.stringify(rows.at(-1))}`);
  }
  const small = rows[0]!;
  log("sample site (content/): wrangler deploy --dry-run and module evaluation");
  const sampleProject = join(tmp, "project-sample");
  await createProject(sampleProject);
  await useContent(sampleProject, join(ROOT, "src/generated"));
  const sample = { bundle: await dryRun(sampleProject), evaluation: await evaluateBundle(join(sampleProject, "dist")) };

  log(`cold render microbenchmark (${small.count}-article corpus, 20 items)`);
  const content = await openStore(join(tmp, `out-${small.count}`, "assets"));
  const render = await renderBench(content, flags.quick ? 500 : 1200);

  // The tag feed under load: the most used tag (Chinese, so the URL is percent-encoded).
  const [topTag, topCount] = [...content.catalogue("tags", Date.now()).values()].map((t) => [t.slug, t.count] as const).sort((x, y) => y[1] - x[1])[0]!;
  const tagPath = `/tags/${encodeURIComponent(topTag)}/rss.xml`;

  let serve: ServeReport | undefined;
  let serveLoad = NaN;
  if (!flags["no-serve"]) {
    log(`serving on wrangler dev (${small.count} articles; tag feed: ${decodeURIComponent(tagPath)}, ${topCount} articles)`);
    serveLoad = loadavg()[0]!;
    serve = await serveBench(join(tmp, `project-${small.count}`), tagPath, {
      rounds: flags.quick ? 2 : 5,
      roundSeconds: flags.quick ? 1 : 2,
      connections: 10,
      log,
    });
  }

  // ---- Report --------------------------------------------------------------------------
  const verdict = (ok: boolean) => (ok ? "**met**" : "**missed**");
  const loadTime = (e: { ms: number; compileMs: number; evaluateMs: number }) => `${fixed(e.ms, 1)} ms (${fixed(e.compileMs, 1)} + ${fixed(e.evaluateMs, 1)})`;
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${fixed(a / b, 2)}×` : "–");
  out("# Feeds benchmark");
  out();
  out(`\`npm run bench -- --sizes ${COUNTS.join(",")}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? "?"}) · wrangler 4.86.0 · ${small.hugo ? `Hugo ${small.hugo.version} · ` : ""}seed ${SEED}`);
  out();
  out("## Content build (the real CLI with its cache under a temp folder) vs Hugo on the same corpus");
  out();
  out("Wall time of the whole process, and its CPU time (user + sys, all threads) in brackets: other work on this shared machine only adds wall time.");
  out();
  out("| corpus | source | cold build | one article changed | nothing changed | Hugo, feeds only | cold ÷ Hugo | one changed ÷ Hugo | nothing ÷ Hugo |");
  out("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  const t = (b: { wallMs: number; cpuMs: number }) => `${fixed(b.wallMs)} ms (${fixed(b.cpuMs)})`;
  for (const r of rows) {
    const h = r.hugo;
    out(
      `| ${fixed(r.published)} published of ${fixed(r.count)} | ${size(r.sourceBytes)} | ${t(r.cold)}, ${fixed(r.cold.parsed)} parsed | ${t(r.oneChanged)}, ${r.oneChanged.parsed} parsed, ${r.oneChanged.written} files written | ${t(r.noChange)}, ${r.noChange.written} written | ${h ? `${t(h)}, ${fixed(h.feeds)} feeds` : "–"} | ${h ? `${ratio(r.cold.wallMs, h.wallMs)} (${ratio(r.cold.cpuMs, h.cpuMs)})` : "–"} | ${h ? `${ratio(r.oneChanged.wallMs, h.wallMs)} (${ratio(r.oneChanged.cpuMs, h.cpuMs)})` : "–"} | ${h ? `${ratio(r.noChange.wallMs, h.wallMs)} (${ratio(r.noChange.cpuMs, h.cpuMs)})` : "–"} |`,
    );
  }
  out();
  out(`1-min load average when each corpus started: ${rows.map((r) => `${fixed(r.count)}: ${r.load.toFixed(1)}`).join(", ")} (2 cores).`);
  out();
  out("## What deploys");
  out();
  out("| corpus | store files (free plan: ≤ 20,000) | largest file (≤ 25 MiB) | store total | Worker bundle raw / gzip (wrangler dry-run) | fits 3 MiB free | module load (bundle, fresh Node): compile + evaluate |");
  out("| --- | --- | --- | --- | --- | --- | --- |");
  out(`| sample site (\`content/\`) | | | | ${size(sample.bundle.raw)} / ${size(sample.bundle.gzip)} | yes | ${loadTime(sample.evaluation)} |`);
  for (const r of rows) {
    const g = r.bundle.gzip;
    out(
      `| ${fixed(r.count)} | ${fixed(r.files)} | ${size(r.largest.bytes)} (\`${r.largest.path}\`) | ${size(r.storeBytes)} | ${Number.isNaN(g) ? `dry-run failed: ${r.bundle.error}` : `${size(r.bundle.raw)} / ${size(g)}`} | ${g <= 3 * MiB ? "yes" : "no"} | ${loadTime(r.evaluation)} |`,
    );
  }
  out();
  out("## First requests on a fresh `wrangler dev` (a new isolate: index read from the store, then the packs the feed needs)");
  out();
  out("| corpus | site `/rss.xml` first | warm | rare tag first | warm | rare tag | workerd memory after serving every feed once | isolate memory (inspector): after GC before → after, highest sample |");
  out("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows) {
    const m = r.memory;
    out(
      `| ${fixed(r.count)} | ${fixed(r.site.firstMs, 1)} ms (${r.site.status}) | ${fixed(r.site.warmMs, 1)} ms | ${fixed(r.rareTag.firstMs, 1)} ms (${r.rareTag.status}) | ${fixed(r.rareTag.warmMs, 1)} ms | \`${decodeURIComponent(r.rareTag.path)}\`, ${r.rareTag.count} articles | ${m ? `${fixed(m.feeds)} feeds in ${fixed(m.ms / 1000, 1)} s: RSS ${fixed(m.rssBeforeMiB)} → ${fixed(m.rssAfterMiB)} MiB, peak ${fixed(m.peakMiB)} MiB` : "–"} | ${m ? `JS heap ${fixed(m.heapBeforeMiB, 1)} → ${fixed(m.heapAfterMiB, 1)} MiB, highest ${fixed(m.heapPeakMiB, 1)} MiB; with ArrayBuffers and workerd's heap ${fixed(m.totalBeforeMiB, 1)} → ${fixed(m.totalAfterMiB, 1)} MiB, highest ${fixed(m.totalPeakMiB, 1)} MiB (${m.heapSamples} samples; target ≤ 64 MB: ${verdict(m.totalPeakMiB * MiB <= 64e6)})` : "–"} |`,
    );
  }
  const big = rows.at(-1)!;
  out();
  if (rows.length > 1) {
    out(`Cold first request at ${fixed(big.count)} vs ${fixed(small.count)}: site feed ${ratio(big.site.firstMs, small.site.firstMs)}, rare tag ${ratio(big.rareTag.firstMs, small.rareTag.firstMs)} (target ≤ 3×).`);
    out();
  }
  const tenK = rows.find((r) => r.count === 10_000);
  if (tenK?.hugo) {
    out(`Targets at 10,000 (wall time): cold build ≤ 1.0× Hugo — ${verdict(tenK.cold.wallMs <= tenK.hugo.wallMs)}; one changed ≤ 0.1× — ${verdict(tenK.oneChanged.wallMs <= 0.1 * tenK.hugo.wallMs)}; nothing changed ≤ 0.05× — ${verdict(tenK.noChange.wallMs <= 0.05 * tenK.hugo.wallMs)}.`);
    out();
  }
  out(`Module evaluation at ${fixed(big.count)}: ${loadTime(big.evaluation)}, ${ratio(big.evaluation.ms, sample.evaluation.ms)} the sample site's (targets ≤ 50 ms and ≤ 1.5×: ${verdict(big.evaluation.ms <= 50 && big.evaluation.ms <= 1.5 * sample.evaluation.ms)}; Node compiling and evaluating the same bundle workerd would, fastest of 5 fresh processes).`);
  out();
  out(`Bundle at ${fixed(big.count)}: ${size(big.bundle.gzip)} gzip (target ≤ 1 MiB) — ${verdict(big.bundle.gzip <= MiB)}; ${fixed(big.files)} files (≤ 20,000) — ${verdict(big.files <= 20_000)}; largest ${size(big.largest.bytes)} (≤ 25 MiB) — ${verdict(big.largest.bytes <= 25 * MiB)}.`);
  out();
  out("## Cold render of a 20-item feed (in process, site feed of the smallest corpus)");
  out();
  out("Ours: `buildFeedDocument` + `RENDER_CHUNKS[format]` (the chunks the Worker encodes, `encodeChunks`: never one string of the document); feed@6: `new Feed` + `addItem` ×20 + `rss2()`/`atom1()`/`json1()` (JSON Feed 1.0 only). Median of alternating batches (ours, feed, ours, …) after warm-up; encoding to UTF-8 bytes shown separately, since both pay it.");
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
  const encodeChunksCost = (chunks: string[]) => {
    const t = performance.now();
    let n = 0;
    for (let i = 0; i < 50; i++) n += encodeChunks(chunks).byteLength;
    return ((performance.now() - t) * 1000) / 50 + (n < 0 ? 1 : 0);
  };
  for (const r of render) {
    const oursEnc = r.ours.chunks ? encodeChunksCost(r.ours.chunks) : encodeCost(r.ours.text);
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
    out(`## Serving on \`wrangler dev\` (${fixed(small.count)}-article corpus, autocannon on 127.0.0.1, ${serve.connections} connections, ${serve.rounds} interleaved rounds × ${serve.roundSeconds} s per route)`);
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
  await writeFile(join(ROOT, "bench-results/feeds.json"), JSON.stringify({ sizes: COUNTS, rows, sample, render: render.map((r) => ({ format: r.format, ours: r.ours.us, feed: r.feed.us })), serve }, null, 2));
  log("written to bench-results/feeds.md");
} finally {
  await stopAll();
  if (flags.keep) log(`kept ${tmp}`);
  else await rm(tmp, { recursive: true, force: true });
}
