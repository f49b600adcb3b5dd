/** Times the real content build on a corpus and measures what it produced. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { run, type RunResult } from "./util.js";

export interface BuildMeasure {
  /** Whole process, spawn to exit (what `npm run build` costs, minus npm). */
  wallMs: number;
  /** CPU time of the whole process, all threads (user + sys, ms): independent of other load. */
  cpuMs: number;
  /** The build's own figure (`… in N ms`): reading, parsing, rendering, writing. */
  innerMs: number;
  articles: number;
  moduleRaw: number;
  moduleGzip: number;
}

function parseOutput(stdout: string): { articles: number; innerMs: number } {
  const articles = /build: (\d+) articles/.exec(stdout);
  const ms = /in (\d+) ms/.exec(stdout);
  return { articles: articles ? Number(articles[1]) : NaN, innerMs: ms ? Number(ms[1]) : NaN };
}

/**
 * Builds `runs` times and keeps the fastest run: on a shared machine, other work only ever
 * adds time, so the minimum is the best estimate of the build's own cost.
 */
export async function measureBuild(contentDir: string, outDir: string, runs = 2): Promise<BuildMeasure & { allMs: number[] }> {
  const all: BuildMeasure[] = [];
  for (let i = 0; i < runs; i++) {
    all.push(await measureOnce(contentDir, outDir));
  }
  const best = all.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  return { ...best, allMs: all.map((m) => m.wallMs) };
}

/** Runs a command under bash's `time` to get its CPU time (user + sys) besides wall time. */
export async function runTimed(args: string[]): Promise<RunResult & { cpuMs: number }> {
  const quoted = args.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
  const r = await run("bash", ["-c", `TIMEFORMAT='@cpu %U %S'; time ${quoted}`]);
  const m = /@cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { ...r, stderr: r.stderr.replace(/@cpu [\d.]+ [\d.]+\s*$/, ""), cpuMs: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

async function measureOnce(contentDir: string, outDir: string): Promise<BuildMeasure> {
  // The real CLI, exactly as `npm run build` runs it (not --quiet: its summary line carries the timing).
  const cli = await runTimed(["node", "scripts/build.mjs", "--content", contentDir, "--out", outDir]);
  if (cli.code !== 0) throw new Error(`content build failed:\n${cli.stderr}`);
  const parsed = parseOutput(cli.stdout);
  const module = await readFile(join(outDir, "content.js"));
  return {
    wallMs: cli.ms,
    cpuMs: cli.cpuMs,
    innerMs: parsed.innerMs,
    articles: parsed.articles,
    moduleRaw: module.byteLength,
    moduleGzip: gzipSync(module).byteLength,
  };
}
