/**
 * The few-articles rebuild. When the files changed since the last build changed only what
 * compiling does not read — an article's text, title or summary; never its identity,
 * dates, terms, categories or draft flag — the order of the articles, the terms and the
 * index's arrays are the last build's. So this build parses just those files and, from
 * the last build's snapshot (snapshot.ts), rewrites just the packs that hold them (their
 * pack, the term packs holding them, the index for its new hash): it never reads the file
 * table (every entry), and compiles nothing.
 *
 * Anything else — a new, removed, broken or warning file, a changed date or term, a record
 * it copies that is damaged, a snapshot that is not the outputs' — gives undefined (or,
 * once writing, an error site.ts answers with the full path). Either way the output is
 * byte for byte a cold build's (tests/build/delta.test.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeIndex, indexPath, withHash } from "../../src/content/format.js";
import type { Article, Term } from "../../src/content/types.js";
import { contentHash, inputKey, parseFiles, toModule, upToDateResult, type BuildOptions, type BuildResult, type FileStamps, type PatchedIndex } from "./build.js";
import { cacheKey, type BuildCache } from "./cache.js";
import { coreOf, type Entry } from "./entry.js";
import { RunWriter } from "./runs.js";
import { readSnapshot, writeSnapshot } from "./snapshot.js";

/** Changed files past which the full path builds (each brings its packs to rewrite). */
export const DELTA_FILES = 16;
/** Files with a new stamp past which the full path builds, without hashing them here first. */
const DELTA_TOUCHED = 256;

const decoder = new TextDecoder();

/**
 * The few-articles rebuild of `files` (listed now, with `stamps`; `statKey` their digest)
 * against the last build (`options.last`), or undefined: the full path builds.
 */
export async function deltaBuild(options: BuildOptions, cache: BuildCache, files: string[], stamps: FileStamps, statKey: string): Promise<BuildResult | undefined> {
  const last = options.last;
  if (!last || options.toolVersion === undefined || (options.distrustRuns?.size ?? 0) > 0) return undefined;
  const snap = readSnapshot(cache.dir, cache.version);
  if (!snap || snap.inputKey !== last.input || !snap.tableBase || snap.files.length !== files.length) return undefined;
  if (snap.toolVersion !== options.toolVersion || files.some((file, i) => file !== snap.files[i])) return undefined;
  const touched: number[] = [];
  for (let i = 0; i < files.length; i++) {
    if (stamps.size[i] !== snap.size[i] || stamps.mtimeMs[i] !== snap.mtimeMs[i]) touched.push(i);
  }
  if (touched.length > DELTA_TOUCHED || !options.isCurrent?.(last.input)) return undefined;

  // Which touched files changed: their bytes give another key.
  const keys = [...snap.keys];
  const changed: number[] = [];
  const sources: Uint8Array[] = [];
  for (const i of touched) {
    const bytes = readFileSync(join(options.contentDir, files[i]!));
    const key = cacheKey(options.siteUrl, files[i]!, bytes);
    if (key === keys[i]) continue;
    if (changed.length === DELTA_FILES) return undefined;
    keys[i] = key;
    changed.push(i);
    sources.push(bytes);
  }
  const input = inputKey(options.toolVersion, files, keys);
  const snapshotNow = (digests: string[], at: typeof snap.at, tableBase: string) => () =>
    writeSnapshot(cache.dir, cache.version, { ...snap, inputKey: input, tableBase, size: stamps.size, mtimeMs: stamps.mtimeMs, keys, digests, at });
  if (changed.length === 0) {
    // Touched, not changed: the outputs stand; the stamps are remembered for the next build.
    await cache.recordInput(statKey, input);
    snapshotNow(snap.digests, snap.at, snap.tableBase)();
    return upToDateResult(files.length, input);
  }

  cache.markRunning();
  const bail = (): undefined => {
    cache.release();
    return undefined;
  };
  try {
    const writer = new RunWriter(cache.runDir);
    const parsed = await parseFiles(options.contentDir, changed.map((i) => files[i]!), options.siteUrl, sources, writer);
    writer.flush();
    const fresh = new Map<number, Entry>();
    for (const [j, i] of changed.entries()) {
      const entry = parsed[j]!.entry;
      if (!entry.core || !entry.digest || !entry.at || entry.problems || entry.warnings || snap.warned[i]) return bail();
      if (snap.position[i]! < 0 !== (entry.draft === true)) return bail();
      // What compiling reads of it (entry.ts `coreOf`, one order of fields for both): unchanged.
      const before = coreOf(JSON.parse(decoder.decode(cache.read(snap.at[i]!, snap.digests[i]).meta)) as Article);
      if (JSON.stringify(before) !== JSON.stringify(entry.core)) return bail();
      fresh.set(i, entry);
    }
    const rows = changed.map((i) => ({ path: files[i]!, size: stamps.size[i]!, mtimeMs: stamps.mtimeMs[i]!, key: keys[i]!, entry: fresh.get(i)! }));
    const plan = cache.patchWith(snap.tableBase, files.length, rows);
    if (!plan) return bail();

    // The last build's index, with the new content hash.
    const count = last.summary.articles;
    const fileAt = new Int32Array(count).fill(-1);
    snap.position.forEach((position, i) => {
      if (position >= 0) fileAt[position] = i;
    });
    if (fileAt.includes(-1)) return bail();
    const digests = [...snap.digests];
    const at = [...snap.at];
    for (const [i, entry] of fresh) {
      digests[i] = entry.digest!;
      at[i] = entry.at!;
    }
    const byPosition = Array.from(fileAt, (i) => digests[i]!);
    const bytes = readFileSync(join(last.assetsDir, indexPath()));
    const { header, arrays } = decodeIndex(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (header.count !== count || header.siteUrl !== options.siteUrl) return bail();
    const tags: Term[] = header.tags.map(([slug, name]) => ({ kind: "tags", slug, name }));
    const topics: Term[] = header.topics.map(([slug, name]) => ({ kind: "topics", slug, name }));
    const hash = contentHash(options.siteUrl, tags, topics, byPosition);
    const patched: PatchedIndex = {
      hash,
      siteUrl: options.siteUrl,
      count,
      index: { header: { ...header, hash }, arrays },
      indexBytes: withHash(bytes, hash),
      changed: new Set(changed.flatMap((i) => (snap.position[i]! >= 0 ? [snap.position[i]!] : []))),
    };
    return {
      delta: true,
      patched,
      digests: byPosition,
      // Records this build wrote are not checked; those from the cache are, against their digest.
      record: (position) => {
        const i = fileAt[position]!;
        return cache.read(at[i]!, fresh.has(i) ? undefined : digests[i]);
      },
      module: toModule({ hash, siteUrl: options.siteUrl, articles: { length: count } }),
      summary: { ...last.summary, hash },
      inputKey: input,
      cached: files.length - changed.length,
      parsed: changed.length,
      problems: [],
      warnings: last.warnings,
      files: files.length,
      drafts: last.summary.drafts,
      finish: async () => {
        cache.writePatch(plan);
        await cache.recordInput(statKey, input);
      },
      abandon: () => cache.release(),
      saveSnapshot: snapshotNow(digests, at, plan.base),
    };
  } catch {
    // A record it copies is damaged or gone (a run compacted since): the full path sees to it.
    return bail();
  }
}
