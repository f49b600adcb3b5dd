/**
 * One whole content build, as `npm run build` runs it: compile (incrementally, with the
 * cache), write the content store into `outDir/assets` and the manifest module
 * `outDir/content.js`. Files whose bytes would not change are not touched, so
 * `wrangler dev` reloads only when something did.
 */
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { buildContent, MODULE_TYPES, type BuildOptions, type BuildResult } from "./build.js";
import { writeStore, type StoreStats } from "./store.js";

export interface SiteBuild {
  result: BuildResult;
  store?: StoreStats;
}

async function writeIfChanged(path: string, text: string): Promise<void> {
  const old = await readFile(path, "utf8").catch(() => undefined);
  if (old !== text) await writeFile(path, text);
}

export async function buildSite(options: BuildOptions & { outDir: string }): Promise<SiteBuild> {
  const result = await buildContent(options);
  if (!result.data || !result.module || !result.digests || !result.body) return { result };
  await mkdir(options.outDir, { recursive: true });
  const store = await writeStore(join(options.outDir, "assets"), options.outDir, { data: result.data, digests: result.digests, body: result.body });
  // The manifest last: once it names the new version, every file of that version is there.
  await writeIfChanged(join(options.outDir, "content.js"), result.module);
  await writeIfChanged(join(options.outDir, "content.d.ts"), MODULE_TYPES);
  return { result, store };
}
