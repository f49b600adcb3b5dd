/**
 * One whole content build, as `npm run build` runs it: compile (incrementally, with the
 * cache), write the content store into `outDir/assets` and the manifest module
 * `outDir/content.js`. Files whose bytes would not change are not touched, so
 * `wrangler dev` reloads only when something did.
 *
 * `outDir/build.json` records the input key of the build that made the outputs (with its
 * summary and warnings): a later build with the same key, whose outputs are all still
 * there, does nothing at all — no article is read or parsed, nothing is written.
 */
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile, mkdir, rm, rename } from "node:fs/promises";
import { join } from "node:path";
import { buildContent, MODULE_TYPES, type BuildOptions, type BuildResult, type BuildSummary } from "./build.js";
import { deltaBuild } from "./delta.js";
import { DamagedRecord } from "./runs.js";
import { storeFilesPresent, writeStore, type StoreStats } from "./store.js";

export interface SiteBuild {
  result: BuildResult;
  store?: StoreStats;
  /** Cache runs found damaged and not trusted: their articles were parsed again (the output is as a cold build's). */
  distrusted?: string[];
}

interface BuildRecord {
  input: string;
  summary: BuildSummary;
  warnings: string[];
  store: StoreStats;
}

const RECORD = "build.json";

async function writeIfChanged(path: string, text: string): Promise<void> {
  const old = await readFile(path, "utf8").catch(() => undefined);
  if (old !== text) await writeFile(path, text);
}

function readRecord(outDir: string): BuildRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, RECORD), "utf8")) as BuildRecord;
  } catch {
    return undefined;
  }
}

/** The outputs the record describes are all in place: the manifest names its hash and every store file exists. */
function outputsPresent(outDir: string, record: BuildRecord): boolean {
  const manifest = join(outDir, "content.js");
  if (!existsSync(manifest) || !readFileSync(manifest, "utf8").includes(`content-hash: ${record.summary.hash}`)) return false;
  return existsSync(join(outDir, "content.d.ts")) && storeFilesPresent(join(outDir, "assets"), outDir);
}

/**
 * Builds; when a record read from the cache turns out damaged (its bytes no longer give
 * its digest), builds again distrusting that run, so its articles are parsed again: a
 * damaged cache costs time, never a wrong byte. Each attempt distrusts one more run, so
 * this ends.
 */
export async function buildSite(options: BuildOptions & { outDir: string }): Promise<SiteBuild> {
  const distrust = new Set(options.distrustRuns);
  for (;;) {
    try {
      const built = await buildOnce({ ...options, distrustRuns: distrust });
      return distrust.size > 0 ? { ...built, distrusted: [...distrust] } : built;
    } catch (error) {
      if (!(error instanceof DamagedRecord) || distrust.has(error.at[0])) throw error;
      distrust.add(error.at[0]);
    }
  }
}

async function buildOnce(options: BuildOptions & { outDir: string }, full = false): Promise<SiteBuild> {
  const record = readRecord(options.outDir);
  const result = await buildContent({
    ...options,
    isCurrent: (input) => record !== undefined && record.input === input && outputsPresent(options.outDir, record),
    ...(record && !full ? { last: { input: record.input, summary: record.summary, warnings: record.warnings, assetsDir: join(options.outDir, "assets") }, delta: deltaBuild } : {}),
  });
  if (result.upToDate && record) {
    return { result: { ...result, summary: record.summary, warnings: record.warnings }, store: { ...record.store, written: 0, changed: [], shared: 0, removed: 0 } };
  }
  if (!result.delta) return writeOutputs(options.outDir, result);
  try {
    return await writeOutputs(options.outDir, result);
  } catch {
    // A record the few-articles rebuild copies was damaged or gone: the full path builds
    // (and, finding the damage itself, distrusts its run).
    result.abandon?.();
    return buildOnce(options, true);
  }
}

/** Writes what a build made: the store, the cache, the manifest, the site record, the snapshot. */
async function writeOutputs(outDir: string, result: BuildResult): Promise<SiteBuild> {
  const data = result.patched ?? result.index;
  if (!data || !result.module || !result.digests || !result.record || !result.summary) return { result };
  await mkdir(outDir, { recursive: true });
  // Whatever happens next, the old record no longer describes the outputs.
  await rm(join(outDir, RECORD), { force: true });
  const store = await writeStore(join(outDir, "assets"), outDir, {
    data,
    digests: result.digests,
    record: result.record,
    ...(result.runs ? { runs: result.runs } : {}),
  }).catch((error: unknown) => {
    result.abandon?.();
    throw error;
  });
  await result.finish?.();
  // The manifest last: once it names the new version, every file of that version is there.
  await writeIfChanged(join(outDir, "content.js"), result.module);
  await writeIfChanged(join(outDir, "content.d.ts"), MODULE_TYPES);
  if (result.inputKey) {
    const next: BuildRecord = { input: result.inputKey, summary: result.summary, warnings: result.warnings, store: { ...store, changed: [] } };
    const tmp = join(outDir, `${RECORD}.tmp`);
    await writeFile(tmp, JSON.stringify(next));
    await rename(tmp, join(outDir, RECORD));
    result.saveSnapshot?.();
  }
  return { result, store };
}
