/**
 * The content build: every Markdown file → compiled articles (then written as the content
 * store by store.ts). Incremental with a cache (cache.ts): only new or changed files are
 * parsed and rendered, spread over worker threads when there are many.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { IndexArrays, IndexHeader } from "../../src/content/format.js";
import type { Article, CompiledContent, ContentManifest, Term } from "../../src/content/types.js";
import type { TermKind } from "../../src/lib/terms.js";
import type { Problem } from "./article.js";
import { BuildCache, cacheKey } from "./cache.js";
import { entryOf, type ArticleCore, type Entry, type Parsed } from "./entry.js";
import { walkFiles } from "./files.js";
import { ParsePool } from "./pool.js";
import { RunWriter, type HeldRun, type RunRecord } from "./runs.js";
import { writeSnapshot } from "./snapshot.js";
import { RENDERER_VERSION } from "./version.js";

export interface BuildOptions {
  contentDir: string;
  siteUrl: string;
  /** Worker threads to use; default: one per core (up to 8) when there are many files to parse. */
  threads?: number;
  /** The incremental build's cache folder (e.g. `.cache/content`); none = parse everything. */
  cacheDir?: string;
  /**
   * Names the code doing the build (the compiled build tool's source hash): part of the
   * build's input key, so a changed build tool never takes the nothing-changed shortcut.
   */
  toolVersion?: string;
  /**
   * Asked, with a cache that existed, before anything is read or parsed: true when the
   * outputs of a build with this input key are in place (site.ts keeps that record).
   */
  isCurrent?: (inputKey: string) => boolean;
  /** Cache runs found damaged by an earlier attempt (site.ts): their files are parsed again. */
  distrustRuns?: ReadonlySet<string>;
  /** The last build's site record and where its store is (site.ts): a few-articles rebuild starts from them (delta.ts). */
  last?: { input: string; summary: BuildSummary; warnings: string[]; assetsDir: string };
  /**
   * Tried, with a cache that existed, once the nothing-changed shortcut does not hold and
   * before the file table is read: the few-articles rebuild (delta.ts, passed by site.ts),
   * whose result is this build's unless it gives undefined.
   */
  delta?: (options: BuildOptions, cache: BuildCache, files: string[], stamps: FileStamps, statKey: string) => Promise<BuildResult | undefined>;
}

/**
 * A few-articles rebuild's index (delta.ts): the last build's, with the new content hash —
 * same articles, order and terms, so the list of ids is the last store's too.
 */
export interface PatchedIndex {
  hash: string;
  siteUrl: string;
  count: number;
  index: { header: IndexHeader; arrays: IndexArrays };
  /** The last `index.bin` with the new hash (format.ts `withHash`). */
  indexBytes: Uint8Array;
  /** Positions whose records changed: only packs holding one are written again. */
  changed: ReadonlySet<number>;
}

/** What a build made, in numbers (the CLI's summary line; kept for the nothing-changed shortcut). */
export interface BuildSummary {
  articles: number;
  drafts: number;
  tags: number;
  topics: number;
  hash: string;
}

/** What the store is written from: the site's articles (the fields compiling needs), newest first, and its terms. */
export interface CompiledIndex {
  hash: string;
  siteUrl: string;
  articles: ArticleCore[];
  tags: Term[];
  topics: Term[];
}

/** An article's metadata JSON (`JSON.stringify(article)`) and HTML body, as text or UTF-8. */
export interface ArticleRecord {
  meta: string | Uint8Array;
  body: string | Uint8Array;
}

export interface BuildResult {
  index?: CompiledIndex;
  /** A few-articles rebuild's index instead (delta.ts): the last build's, with the new hash. */
  patched?: PatchedIndex;
  /** Everything, whole articles and bodies, read on first use (tests, benchmarks; the build itself reads only `record`). */
  data?: CompiledContent;
  /** The generated manifest module's text (see `toModule`). */
  module?: string;
  /** Per article (parallel to `index.articles`): digest of its metadata and body. */
  digests?: string[];
  /** Metadata and body of the article at a position (from memory, or its run in the cache). */
  record?: (position: number) => ArticleRecord;
  /**
   * Built with a cache: where each article's record is in the runs (until `finish`), and
   * the digest its bytes must give when it came from the cache (undefined when this build wrote it).
   */
  runs?: { dir: string; held: readonly HeldRun[]; at(position: number): RunRecord; check(position: number): string | undefined };
  /** Files taken from the cache / parsed in this build. */
  cached: number;
  parsed: number;
  problems: Problem[];
  warnings: string[];
  files: number;
  drafts: number;
  /** Set on success. */
  summary?: BuildSummary;
  /**
   * SHA-256 of everything the output depends on: every file's cache key (renderer version,
   * site URL, path, bytes) and the build tool's version; set when built with a cache and a `toolVersion`.
   */
  inputKey?: string;
  /** Nothing to do: `isCurrent` said this input's outputs are in place; nothing was parsed or read. */
  upToDate?: boolean;
  /** Saves the cache and closes its run files: call once the store is written (it reads records until then). */
  finish?: () => Promise<void>;
  /** Writes what this build compiled for the next few-articles rebuild (snapshot.ts): call once the site record is written. */
  saveSnapshot?: () => void;
  /** Built by the few-articles rebuild (delta.ts): the changed files parsed, their packs rewritten, nothing compiled. */
  delta?: true;
  /** Closes the cache without saving it (the store could not be written: a damaged run). */
  abandon?: () => void;
}

/** Each listed file's size and modification time, by index: numbers in arrays, so a build of 10,000 files keeps no `Stats` object alive (the garbage collector copied them all, ~30 ms). */
export interface FileStamps {
  size: Float64Array;
  mtimeMs: Float64Array;
}

/** A build with nothing to do: the outputs of input key `input` (of `files` files) are in place. */
export function upToDateResult(files: number, input: string): BuildResult {
  return { upToDate: true, inputKey: input, cached: files, parsed: 0, problems: [], warnings: [], files, drafts: 0 };
}

/** Markdown files under `dir` (relative, `/`-separated, sorted), each with its stamp. */
export function listMarkdown(dir: string): { files: string[]; stamps: FileStamps } {
  const listed = walkFiles(dir, (name) => /\.(md|markdown)$/i.test(name)).sort();
  const base = dir.endsWith("/") ? dir : `${dir}/`;
  const files: string[] = [];
  const size = new Float64Array(listed.length);
  const mtimeMs = new Float64Array(listed.length);
  for (const file of listed) {
    const st = statSync(base + file, { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    size[files.length] = st.size;
    mtimeMs[files.length] = st.mtimeMs;
    files.push(file);
  }
  return { files, stamps: { size: size.subarray(0, files.length), mtimeMs: mtimeMs.subarray(0, files.length) } };
}

/**
 * Parses `files` (relative to `contentDir`): the unit of work of each thread. `sources`
 * holds bytes already read (null: read the file here). With a `writer` each article's
 * metadata and body go to a run file and only the entry comes back, so rendered text
 * never travels between threads.
 */
export async function parseFiles(
  contentDir: string,
  files: string[],
  siteUrl: string,
  sources?: (Uint8Array | null)[],
  writer?: RunWriter,
  hash = false,
): Promise<Parsed[]> {
  if (files.length === 0) return [];
  // Loaded only when something is to be parsed: a rebuild from the cache never pays for
  // marked, sanitize-html and the YAML parser.
  const { parseArticle } = await import("./article.js");
  return files.map((file, i) => {
    const bytes = sources?.[i] ?? readFileSync(join(contentDir, file));
    const key = hash ? { key: cacheKey(siteUrl, file, bytes) } : {};
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
    const result = parseArticle(file, text, { siteUrl });
    const p = result.parsed;
    if (!p) return { entry: entryOf(result), ...key };
    if (writer) return { entry: entryOf(result, writer.add(p.metaJson, p.body)), ...key };
    return { entry: entryOf(result), meta: p.metaJson, body: p.body, ...key };
  });
}

function collectTerms(articles: ArticleCore[], kind: TermKind): Term[] {
  const names = kind === "tags" ? "tags" : "topics";
  const slugs = kind === "tags" ? "tagSlugs" : "topicSlugs";
  const terms = new Map<string, Term>();
  // Oldest first, so a term keeps the spelling it was introduced with.
  for (let i = articles.length - 1; i >= 0; i--) {
    const a = articles[i]!;
    a[slugs].forEach((slug, j) => {
      if (!terms.has(slug)) terms.set(slug, { kind, slug, name: a[names][j]! });
    });
  }
  return [...terms.values()].sort((x, y) => (x.slug < y.slug ? -1 : x.slug > y.slug ? 1 : 0));
}

/**
 * Cache key of each file: from its size and mtime when unchanged since it was hashed, else
 * from its bytes (the key is always the content hash; the stamp only saves rehashing).
 * Bytes read to hash are kept in `sources` (up to `KEEP_SOURCE_BYTES`) for the parse, so
 * a file is read once. Synchronous: a stat is microseconds, far less than a promise round trip.
 */
function fileKeys(contentDir: string, files: string[], stamps: FileStamps, siteUrl: string, cache: BuildCache, sources: (Uint8Array | null)[]): string[] {
  let kept = 0;
  return files.map((file, i) => {
    const size = stamps.size[i]!;
    const mtimeMs = stamps.mtimeMs[i]!;
    let key = cache.stamped(file, size, mtimeMs);
    if (key === undefined) {
      const bytes = readFileSync(join(contentDir, file));
      key = cacheKey(siteUrl, file, bytes);
      if (kept + bytes.byteLength <= KEEP_SOURCE_BYTES) {
        sources[i] = bytes;
        kept += bytes.byteLength;
      }
    }
    cache.stamp(file, size, mtimeMs, key);
    return key;
  });
}

/** Source bytes kept between hashing and parsing; past this, a thread reads the file again. */
const KEEP_SOURCE_BYTES = 192 * 1024 * 1024;
/** Files per batch sent to a thread. */
const BATCH_FILES = 48;

/**
 * Digest of what a build sees before reading any file: the tool, the renderer version, the
 * site URL and every file's path, size and modification time. Equal digests mean every
 * stamp still holds, so the input key is the one recorded with it (cache.ts `last.json`).
 */
export function statKey(toolVersion: string, siteUrl: string, files: readonly string[], stamps: FileStamps): string {
  // One update of the joined lines (the same bytes as one per file, without 10,000 calls into the hash).
  const lines = files.map((file, i) => `${file}\0${stamps.size[i]!}\0${stamps.mtimeMs[i]!}\n`).join("");
  return createHash("sha256").update(`${toolVersion}\0${RENDERER_VERSION}\0${siteUrl}\0${lines}`).digest("hex");
}

/** The build's input key: the tool, then every file's path and cache key in order. */
export function inputKey(toolVersion: string, files: readonly string[], keys: readonly string[]): string {
  const lines = files.map((file, i) => `${file}\0${keys[i]!}\n`).join("");
  return createHash("sha256").update(`${toolVersion}\0${lines}`).digest("hex");
}

export async function buildContent(options: BuildOptions): Promise<BuildResult> {
  const { files, stamps } = listMarkdown(options.contentDir);
  const cache = options.cacheDir ? BuildCache.open(options.cacheDir, options.siteUrl, options.distrustRuns) : undefined;
  const upToDate = (input: string): BuildResult => upToDateResult(files.length, input);
  const touched = cache && options.toolVersion !== undefined ? statKey(options.toolVersion, options.siteUrl, files, stamps) : undefined;
  if (cache && touched && cache.existed) {
    // Nothing touched since the last build: its input key holds without parsing the stamps.
    const last = cache.lastInput();
    if (last?.statKey === touched && options.isCurrent?.(last.inputKey)) return upToDate(last.inputKey);
    const delta = await options.delta?.(options, cache, files, stamps, touched);
    if (delta) return delta;
  }
  const sources: (Uint8Array | null)[] = files.map(() => null);
  // A cold cache: every file is to be parsed, so the threads read and hash them as they parse.
  const cold = cache !== undefined && !cache.existed;
  const keys = cache && !cold ? fileKeys(options.contentDir, files, stamps, options.siteUrl, cache, sources) : [];
  let input = cache && !cold && options.toolVersion !== undefined ? inputKey(options.toolVersion, files, keys) : undefined;
  if (cache && touched && input) await cache.recordInput(touched, input);
  if (cache && input && cache.existed && options.isCurrent?.(input)) {
    await cache.save();
    return upToDate(input);
  }
  const entries: (Entry | undefined)[] = files.map((_, i) => (cache && !cold ? cache.get(keys[i]!) : undefined));
  const todo = files.flatMap((_, i) => (entries[i] ? [] : [i]));
  const threads = options.threads ?? (todo.length >= 400 ? Math.min(availableParallelism(), 8) : 1);
  const { parsed: fresh, held: heldRuns } = await parse(options, todo.map((i) => files[i]!), todo.map((i) => sources[i]!), threads, cache, cold);
  // This build's runs, still in memory: read there (by the cache, and by the thread writing packs).
  cache?.holdRuns(heldRuns);
  if (cold) {
    todo.forEach((i, j) => {
      keys[i] = fresh[j]!.key!;
      cache.stamp(files[i]!, stamps.size[i]!, stamps.mtimeMs[i]!, keys[i]);
    });
    input = options.toolVersion !== undefined ? inputKey(options.toolVersion, files, keys) : undefined;
    if (touched && input) await cache.recordInput(touched, input);
  }
  // Without a cache, records stay in memory, by file.
  const held = new Map<number, ArticleRecord>();
  todo.forEach((i, j) => {
    const { entry, meta, body } = fresh[j]!;
    entries[i] = entry;
    cache?.put(keys[i]!, entry);
    if (meta !== undefined && body !== undefined) held.set(i, { meta, body });
  });
  // Records from the cache are checked against their digest as they are read (this build's own are not).
  const parsedNow = new Set(todo);
  const check = (file: number): string | undefined => (parsedNow.has(file) ? undefined : entries[file]!.digest);
  const record = (file: number): ArticleRecord => {
    const at = entries[file]!.at;
    return at && cache ? cache.read(at, check(file)) : held.get(file)!;
  };
  const { positions, ...built } = compile(entries as Entry[], options.siteUrl, record, check, { cached: files.length - todo.length, parsed: todo.length }, cache?.runDir, heldRuns);
  // Saved once the store is written (site.ts), or here when the build stops with problems.
  const done = cache ? () => cache.save() : async () => {};
  if (!built.summary) await done();
  const saveSnapshot =
    cache && input && positions
      ? () =>
          writeSnapshot(cache.dir, cache.version, {
            inputKey: input,
            toolVersion: options.toolVersion!,
            tableBase: cache.tableBase ?? "",
            files,
            size: stamps.size,
            mtimeMs: stamps.mtimeMs,
            keys,
            position: positions,
            digests: entries.map((e) => e!.digest!),
            at: entries.map((e) => e!.at!),
            warned: Uint8Array.from(entries, (e) => (e!.warnings ? 1 : 0)),
          })
      : undefined;
  return {
    ...built,
    ...(input ? { inputKey: input } : {}),
    finish: done,
    ...(cache ? { abandon: () => cache.abandon() } : {}),
    ...(saveSnapshot ? { saveSnapshot } : {}),
  };
}

/** Parses the files to do: on worker threads when there are many, else here. With the runs written, in memory. */
async function parse(
  options: BuildOptions,
  files: string[],
  sources: (Uint8Array | null)[],
  threads: number,
  cache: BuildCache | undefined,
  hash: boolean,
): Promise<{ parsed: Parsed[]; held: HeldRun[] }> {
  const runDir = cache?.runDir;
  cache?.markRunning();
  if (threads <= 1 || files.length <= 1) {
    const writer = runDir ? new RunWriter(runDir) : undefined;
    const parsed = await parseFiles(options.contentDir, files, options.siteUrl, sources, writer, hash);
    writer?.flush();
    return { parsed, held: writer?.takeHeld() ?? [] };
  }
  const pool = new ParsePool(threads, { contentDir: options.contentDir, siteUrl: options.siteUrl, hash, ...(runDir ? { runDir } : {}) });
  for (let from = 0; from < files.length; from += BATCH_FILES) {
    pool.submit(files.slice(from, from + BATCH_FILES), sources.slice(from, from + BATCH_FILES));
  }
  const parsed = await pool.close();
  return { parsed, held: pool.held };
}

function compile(
  entries: Entry[],
  siteUrl: string,
  record: (file: number) => ArticleRecord,
  check: (file: number) => string | undefined,
  counts: { cached: number; parsed: number },
  /** The cache's run directory: records are there (entries carry `at`). */
  runDir?: string,
  /** This build's runs, in memory. */
  held: readonly HeldRun[] = [],
): BuildResult & { positions?: Int32Array } {
  const files = entries.length;
  const problems = entries.flatMap((e) => e.problems ?? []);
  const warnings = entries.flatMap((e) => e.warnings ?? []);
  const drafts = entries.filter((e) => e.core && e.draft).length;

  // Slugs (and so URLs, ids) must be unique across all articles, drafts included.
  const seen = new Map<string, string>();
  for (const e of entries) {
    const a = e.core;
    if (!a) continue;
    const other = seen.get(a.id);
    if (other) {
      problems.push({ file: a.source, field: "slug", reason: `"${a.slug}" gives the URL ${a.id}, already used by ${other}` });
    } else {
      seen.set(a.id, a.source);
    }
  }
  if (problems.length > 0) return { problems, warnings, files, drafts, ...counts };

  const published = entries.flatMap((e, file) => (e.core && !e.draft ? [{ core: e.core, digest: e.digest!, file }] : []));
  published.sort((a, b) => b.core.published - a.core.published || (a.core.id < b.core.id ? -1 : 1));
  const articles = published.map((p) => p.core);
  const tags = collectTerms(articles, "tags");
  const topics = collectTerms(articles, "topics");
  const hash = contentHash(siteUrl, tags, topics, published.map((p) => p.digest));
  const positions = new Int32Array(files).fill(-1);
  published.forEach((p, position) => (positions[p.file] = position));
  const index: CompiledIndex = { hash, siteUrl, articles, tags, topics };
  const byPosition = (position: number): ArticleRecord => record(published[position]!.file);
  const decoder = new TextDecoder();
  const text = (t: string | Uint8Array) => (typeof t === "string" ? t : decoder.decode(t));
  // Whole articles and bodies only when asked (tests, benchmarks).
  let whole: Article[] | undefined;
  let bodies: string[] | undefined;
  const data = { hash, siteUrl, tags, topics } as CompiledContent;
  Object.defineProperties(data, {
    articles: { enumerable: true, get: () => (whole ??= published.map((_, i) => JSON.parse(text(byPosition(i).meta)) as Article)) },
    bodies: { enumerable: true, get: () => (bodies ??= published.map((_, i) => text(byPosition(i).body))) },
  });
  const summary: BuildSummary = { articles: articles.length, drafts, tags: tags.length, topics: topics.length, hash };
  return {
    index,
    data,
    module: toModule(index),
    summary,
    digests: published.map((p) => p.digest),
    record: byPosition,
    ...(runDir
      ? { runs: { dir: runDir, held, at: (position: number) => entries[published[position]!.file]!.at!, check: (position: number) => check(published[position]!.file) } }
      : {}),
    positions,
    problems,
    warnings,
    files,
    drafts,
    ...counts,
  };
}

/**
 * The content hash: the site URL, its terms and every published article's digest, newest
 * first — it changes whenever any output byte would. The digests are made in parallel by
 * the threads: the whole output is never hashed.
 */
export function contentHash(siteUrl: string, tags: readonly Term[], topics: readonly Term[], digests: readonly string[]): string {
  return createHash("sha256").update(siteUrl).update(JSON.stringify({ tags, topics })).update(digests.join("")).digest("hex");
}

/**
 * The generated ES module: only the manifest naming the content version. Articles live in
 * the content store (static assets, src/content/format.ts), never in the bundle.
 */
export function toModule(data: Pick<CompiledIndex, "hash" | "siteUrl"> & { articles: { length: number } }): string {
  const manifest: ContentManifest = { hash: data.hash, siteUrl: data.siteUrl, articles: data.articles.length };
  return `// Generated by \`npm run build\` from content/. Do not edit. content-hash: ${data.hash}\nexport default ${JSON.stringify(manifest)};\n`;
}

export const MODULE_TYPES = `// Generated by \`npm run build\`. Do not edit.
import type { ContentManifest } from "../content/types.js";
declare const manifest: ContentManifest;
export default manifest;
`;

export function formatProblem(p: Problem): string {
  return `${p.file}: ${p.field}: ${p.reason}`;
}
