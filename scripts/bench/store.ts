/**
 * The content store at scale, for one corpus size: cold build, rebuild with one article
 * changed and with nothing changed (the real CLI with its cache), Hugo building the same
 * corpus's feeds in the same run, the store's files, the Worker bundle from
 * `wrangler deploy --dry-run`, module evaluation, first requests of the site feed and of
 * a rare tag's feed on a fresh `wrangler dev`, and the workerd process's memory and the
 * isolate's JS heap (over the inspector) after it served every feed.
 */
import { existsSync, readdirSync } from "node:fs";
import { appendFile, mkdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { openStore } from "../content/read.js";
import { runTimed } from "./build.js";
import { writeCorpus } from "./corpus.js";
import { watchHeap } from "./heap.js";
import { hugoSite, timeHugo, type HugoMeasure } from "./hugo.js";
import { createProject, dryRun, startDev, useContent, type BundleSize } from "./project.js";
import { coldRequest, type ColdResult } from "./serve.js";
import { freePort, MiB, ROOT, run } from "./util.js";
import { ensureContentBuild } from "../build-tool.mjs";

export interface BuildRun {
  wallMs: number;
  cpuMs: number;
  parsed: number;
  written: number;
}

export interface StoreRow {
  count: number;
  published: number;
  sourceBytes: number;
  cold: BuildRun;
  oneChanged: BuildRun;
  noChange: BuildRun;
  hugo?: HugoMeasure;
  files: number;
  storeBytes: number;
  largest: { path: string; bytes: number };
  bundle: BundleSize;
  evaluation: BundleEvaluation;
  site: ColdResult;
  rareTag: ColdResult & { path: string; count: number };
  /**
   * After serving every feed once: workerd's resident memory (the whole process) and the
   * isolate's JS heap over the inspector (heap.ts: after a forced full GC, and the highest sample).
   */
  memory?: {
    feeds: number;
    rssBeforeMiB: number;
    rssAfterMiB: number;
    peakMiB: number;
    ms: number;
    heapBeforeMiB: number;
    heapAfterMiB: number;
    heapPeakMiB: number;
    /** JS heap + ArrayBuffers + workerd's own heap (heap.ts `withBuffers`): what counts toward the isolate's 128 MB. */
    totalBeforeMiB: number;
    totalAfterMiB: number;
    totalPeakMiB: number;
    heapSamples: number;
    /** Every sample (MiB), in order, JS heap and total: the saw-tooth of garbage and collections. */
    heapSeries: [number, number][];
  };
}

/** ~8 KB of Markdown per article, as the reference corpus. */
export const BODY_BYTES = [6000, 9500] as const;

/**
 * Waits for the disk to take what is still being written back (`sync`) before each timed
 * build: otherwise ours starts while the ~0.5 GB just deleted is being discarded, Hugo's
 * and the first rebuilds while the ~0.5 GB the cold build wrote is being written back — on
 * a VM, time that belongs to the step before.
 */
async function settleDisk(): Promise<void> {
  await run("sync", []);
}

/**
 * Moves the last cold build's output and cache out of the way (deleted once every build
 * of the corpus is timed), so the next one starts from nothing. Not deleted now: on ext4 without
 * a journal — this kind of machine — each inode created scans past those deleted in the
 * last minutes (`recently_deleted` in the kernel's inode allocator, seen in `perf record`),
 * which taxed the next build's ~1,300 new files ~1 s for the bench's own clean-up. Hugo's
 * cold builds go to fresh folders and never followed a deletion; now neither does ours.
 */
async function setAside(dirs: string[], to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const [i, dir] of dirs.entries()) if (existsSync(dir)) await rename(dir, join(to, String(i)));
}

/** Rebuilds timed per kind (nothing changed, one changed); the least of them is reported. */
const REBUILD_RUNS = 3;

/** The least wall time and the least CPU time of some runs (each the best estimate of its own). */
function least(runs: BuildRun[]): BuildRun {
  const last = runs[runs.length - 1]!;
  return { ...last, wallMs: Math.min(...runs.map((r) => r.wallMs)), cpuMs: Math.min(...runs.map((r) => r.cpuMs)) };
}

async function cli(contentDir: string, outDir: string, cacheDir: string): Promise<BuildRun> {
  // Exactly what `npm run build` runs (minus npm): the compiled build tool, compiled before timing.
  const r = await runTimed(["node", "scripts/build.mjs", "--content", contentDir, "--out", outDir, "--cache", cacheDir]);
  if (r.code !== 0) throw new Error(`content build failed:\n${r.stderr.slice(-3000)}`);
  const parsed = /\((\d+) parsed/.exec(r.stdout);
  const written = /(\d+) written/.exec(r.stdout);
  return { wallMs: r.ms, cpuMs: r.cpuMs, parsed: Number(parsed?.[1]), written: Number(written?.[1]) };
}

/** Loading the Worker bundle once: V8 compiling it, then linking and evaluating its top level. */
export interface BundleEvaluation {
  /** compileMs + evaluateMs of the fastest run. */
  ms: number;
  compileMs: number;
  evaluateMs: number;
}

/**
 * Compiles and evaluates the bundle in a fresh Node process, as `vm.SourceTextModule`
 * (`--experimental-vm-modules`): always an ES module, so Node's module-format detection is
 * not measured (a plain `import()` of a `.js` file with no package.json "type" beside it
 * parses the file twice: ~50 ms that workerd, told the module type by wrangler, never pays),
 * and compiling is timed apart from evaluating. Reading the file is not counted (workerd
 * gets the script with the upload). `runs` fresh processes; the fastest total is kept.
 */
export async function evaluateBundle(dist: string, runs = 5): Promise<BundleEvaluation> {
  // The bundle is named after the entry (index.js, bench-worker.js).
  const entry = join(dist, readdirSync(dist).find((f) => f.endsWith(".js"))!);
  const script = `
    import vm from "node:vm";
    import { readFileSync } from "node:fs";
    const source = readFileSync(${JSON.stringify(entry)}, "utf8");
    const t0 = performance.now();
    const bundle = new vm.SourceTextModule(source, { identifier: ${JSON.stringify(entry)} });
    const t1 = performance.now();
    await bundle.link((specifier) => { throw new Error("the bundle imports " + specifier); });
    await bundle.evaluate();
    console.log("@eval", t1 - t0, performance.now() - t1);`;
  const best: BundleEvaluation[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await run("node", ["--experimental-vm-modules", "--no-warnings", "--input-type=module", "-e", script]);
    const m = /@eval ([\d.]+) ([\d.]+)/.exec(r.stdout);
    if (!m) throw new Error(`evaluating ${entry} failed:\n${(r.stderr || r.stdout).slice(-1500)}`);
    const [compileMs, evaluateMs] = [Number(m[1]), Number(m[2])];
    best.push({ ms: compileMs + evaluateMs, compileMs, evaluateMs });
  }
  return best.reduce((a, b) => (b.ms < a.ms ? b : a));
}

/** RSS (MiB) of the workerd processes in wrangler dev's process group. */
async function workerdRss(pgid: number): Promise<number> {
  const r = await run("ps", ["-o", "rss=,comm=", "-g", String(pgid)]);
  return r.stdout
    .split("\n")
    .filter((l) => /workerd/.test(l))
    .reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0]) / 1024, 0);
}

export async function serveEveryFeed(project: string, paths: string[]): Promise<StoreRow["memory"]> {
  const inspector = await freePort();
  const dev = await startDev(project, await freePort(), inspector, true);
  try {
    // The isolate exists once it has answered a request; the heap is read from then on.
    await (await fetch(dev.url + "/feeds")).arrayBuffer();
    const heap = await watchHeap(inspector);
    const before = await workerdRss(dev.pgid);
    let peak = before;
    const started = performance.now();
    for (let i = 0; i < paths.length; i++) {
      const res = await fetch(dev.url + paths[i]);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${paths[i]} answered ${res.status}`);
      if (i % 25 === 0) peak = Math.max(peak, await workerdRss(dev.pgid));
    }
    const ms = performance.now() - started;
    const after = await workerdRss(dev.pgid);
    const h = await heap.stop();
    return {
      feeds: paths.length,
      rssBeforeMiB: before,
      rssAfterMiB: after,
      peakMiB: Math.max(peak, after),
      ms,
      heapBeforeMiB: h.beforeBytes / MiB,
      heapAfterMiB: h.afterBytes / MiB,
      heapPeakMiB: h.peakBytes / MiB,
      heapSamples: h.samples,
      totalBeforeMiB: h.withBuffers.beforeBytes / MiB,
      totalAfterMiB: h.withBuffers.afterBytes / MiB,
      totalPeakMiB: h.withBuffers.peakBytes / MiB,
      heapSeries: h.series.map((r) => [Math.round((r.heap / MiB) * 10) / 10, Math.round((r.total / MiB) * 10) / 10]),
    };
  } finally {
    await dev.stop();
  }
}

export async function storeBench(
  tmp: string,
  count: number,
  seed: number,
  options: { hugo: boolean; memory: boolean; log: (line: string) => void; /** Cold builds (and Hugo builds) timed, alternating. */ coldRuns: number },
): Promise<StoreRow> {
  const { log } = options;
  const contentDir = join(tmp, `corpus-${count}`);
  const outDir = join(tmp, `out-${count}`);
  const cacheDir = join(tmp, `cache-${count}`);
  log(`${count}: generating the corpus (~8 KB of Markdown each)`);
  const sourceBytes = await writeCorpus(contentDir, count, seed, BODY_BYTES);

  await ensureContentBuild(ROOT); // compiled now, so no timed run pays for it
  const site = join(tmp, `hugo-${count}`);
  if (options.hugo) await hugoSite(site, contentDir);
  // Cold builds alternate with Hugo's, so load on a shared machine weighs on both alike;
  // each figure is the least of its runs (other work only ever adds time).
  const colds: BuildRun[] = [];
  const hugos: HugoMeasure[] = [];
  const aside = join(tmp, `aside-${count}`);
  for (let r = 0; r < options.coldRuns; r++) {
    await setAside([outDir, cacheDir], join(aside, String(r)));
    log(`${count}: cold build (${r + 1} of ${options.coldRuns})`);
    await settleDisk();
    colds.push(await cli(contentDir, outDir, cacheDir));
    if (options.hugo) {
      log(`${count}: hugo building the same corpus's feeds (${r + 1} of ${options.coldRuns})`);
      await settleDisk();
      hugos.push(await timeHugo(site, `cold-${r}`));
    }
  }
  const cold = least(colds);
  const hugo = hugos.length > 0 ? { ...hugos[0]!, wallMs: Math.min(...hugos.map((h) => h.wallMs)), cpuMs: Math.min(...hugos.map((h) => h.cpuMs)) } : undefined;
  const noChanges: BuildRun[] = [];
  for (let r = 0; r < REBUILD_RUNS; r++) {
    log(`${count}: rebuild, nothing changed (${r + 1} of ${REBUILD_RUNS})`);
    await settleDisk();
    noChanges.push(await cli(contentDir, outDir, cacheDir));
  }
  const noChange = least(noChanges);
  const store = await openStore(join(outDir, "assets"));
  // Change the middle article (by position), as an author fixing a typo would.
  const middle = (await store.articles([Math.floor(store.size / 2)]))[0]!;
  const oneChanges: BuildRun[] = [];
  for (let r = 0; r < REBUILD_RUNS; r++) {
    await appendFile(join(contentDir, middle.source), `\n\n更正 ${r + 1}：本文已更新。\n`);
    log(`${count}: rebuild, one article changed (${middle.source}, ${r + 1} of ${REBUILD_RUNS})`);
    await settleDisk();
    oneChanges.push(await cli(contentDir, outDir, cacheDir));
  }
  const oneChanged = least(oneChanges);
  await rm(aside, { recursive: true, force: true }); // every build timed

  const record = JSON.parse(await readFile(join(outDir, "store.json"), "utf8")) as { files: Record<string, { bytes: number }> };
  const entries = Object.entries(record.files);
  const largest = entries.reduce((m, [path, f]) => (f.bytes > m.bytes ? { path, bytes: f.bytes } : m), { path: "", bytes: 0 });

  log(`${count}: wrangler deploy --dry-run`);
  const project = join(tmp, `project-${count}`);
  await createProject(project);
  await useContent(project, outDir);
  const bundle = await dryRun(project);
  const evaluation = await evaluateBundle(join(project, "dist"));

  const now = Date.now();
  const content = await openStore(join(outDir, "assets"));
  const tags = [...content.catalogue("tags", now).values()].sort((a, b) => a.count - b.count || (a.slug < b.slug ? -1 : 1));
  const rare = tags[0]!;
  const rarePath = `/tags/${encodeURIComponent(rare.slug)}/rss.xml`;
  log(`${count}: first requests on a fresh wrangler dev (site feed; rare tag ${rare.slug}, ${rare.count} articles)`);
  const siteFeed = await coldRequest(project, "/rss.xml");
  const rareTag = { ...(await coldRequest(project, rarePath)), path: rarePath, count: rare.count };

  let memory: StoreRow["memory"];
  if (options.memory) {
    const scopes = ["", ...(["tags", "topics"] as const).flatMap((kind) => [...content.catalogue(kind, now).keys()].map((slug) => `/${kind}/${encodeURIComponent(slug)}`))];
    const paths = scopes.flatMap((s) => ["rss.xml", "atom.xml", "feed.json"].map((f) => `${s}/${f}`));
    log(`${count}: serving every feed once (${paths.length}) and reading workerd's memory`);
    memory = await serveEveryFeed(project, paths);
  }
  return {
    count,
    published: content.visibleCount(now),
    sourceBytes,
    cold,
    oneChanged,
    noChange,
    ...(hugo ? { hugo } : {}),
    files: entries.length,
    storeBytes: entries.reduce((n, [, f]) => n + f.bytes, 0),
    largest,
    bundle,
    evaluation,
    site: siteFeed,
    rareTag,
    ...(memory ? { memory } : {}),
  };
}
