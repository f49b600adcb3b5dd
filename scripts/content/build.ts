/**
 * The content build: every Markdown file → compiled articles (then written as the content
 * store by store.ts). Incremental with a cache (cache.ts): only new or changed files are
 * parsed and rendered, spread over worker threads when there are many.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, type Stats } from "node:fs";
import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Article, CompiledContent, ContentManifest, Term } from "../../src/content/types.js";
import type { TermKind } from "../../src/lib/terms.js";
import type { ParseResult, Problem } from "./article.js";
import { BuildCache, cacheKey } from "./cache.js";
import { RENDERER_VERSION } from "./version.js";

export interface BuildOptions {
  contentDir: string;
  siteUrl: string;
  /** Worker threads to use; default: one per core when there are many files to parse. */
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
}

/** What a build made, in numbers (the CLI's summary line; kept for the nothing-changed shortcut). */
export interface BuildSummary {
  articles: number;
  drafts: number;
  tags: number;
  topics: number;
  hash: string;
}

export interface BuildResult {
  data?: CompiledContent;
  /** The generated manifest module's text (see `toModule`). */
  module?: string;
  /** Per article (parallel to `data.articles`): digest of its metadata and body. */
  digests?: string[];
  /** Rendered body of the article at a position (decoded, or read from the cache, on demand). */
  body?: (position: number) => string | Promise<string>;
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
}

/** Markdown files under `dir` (relative, `/`-separated, sorted), each with its stat. */
function listMarkdown(dir: string): { files: string[]; stats: Stats[] } {
  const files: string[] = [];
  // One native readdir per folder (Node 20's `recursive: true` is much slower).
  const walk = (rel: string) => {
    for (const entry of readdirSync(rel ? join(dir, rel) : dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else if (/\.(md|markdown)$/i.test(entry.name) && (entry.isFile() || entry.isSymbolicLink())) files.push(path);
    }
  };
  walk("");
  files.sort();
  const stats = files.map((file) => statSync(join(dir, file), { throwIfNoEntry: false }));
  const keep = files.flatMap((_, i) => (stats[i]?.isFile() ? [i] : []));
  return { files: keep.map((i) => files[i]!), stats: keep.map((i) => stats[i]!) };
}

/**
 * Reads and parses `files` (relative to `contentDir`); the unit of work of each thread.
 * With `bodyPaths` (parallel to `files`) each body is written there and left out of the
 * result, so bodies never travel between threads.
 */
export async function parseFiles(contentDir: string, files: string[], siteUrl: string, bodyPaths?: string[]): Promise<ParseResult[]> {
  if (files.length === 0) return [];
  // Loaded only when something is to be parsed: a rebuild from the cache never pays for
  // marked, sanitize-html and the YAML parser.
  const { parseArticle } = await import("./article.js");
  return files.map((file, i) => {
    const result = parseArticle(file, readFileSync(join(contentDir, file), "utf8"), { siteUrl });
    const path = bodyPaths?.[i];
    if (path && result.parsed) {
      writeFileSync(path, result.parsed.body);
      result.parsed.body = "";
      result.parsed.bodyLiteral = "";
    }
    return result;
  });
}

function parseInThreads(contentDir: string, files: string[], siteUrl: string, threads: number, bodyPaths?: string[]): Promise<ParseResult[]> {
  const size = Math.ceil(files.length / threads);
  const chunks = Array.from({ length: threads }, (_, i) => [i * size, (i + 1) * size] as const);
  return Promise.all(
    chunks.map(
      ([from, to]) =>
        new Promise<ParseResult[]>((resolve, reject) => {
          const worker = new Worker(new URL("./worker.mjs", import.meta.url), {
            workerData: { contentDir, files: files.slice(from, to), siteUrl, bodyPaths: bodyPaths?.slice(from, to) },
          });
          worker.once("message", resolve);
          worker.once("error", reject);
        }),
    ),
  ).then((parts) => parts.flat());
}

function collectTerms(articles: Article[], kind: TermKind): Term[] {
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
 * Synchronous: a stat is microseconds, far less than a promise round trip through the thread pool.
 */
function fileKeys(contentDir: string, files: string[], stats: Stats[], siteUrl: string, cache: BuildCache): string[] {
  return files.map((file, i) => {
    const st = stats[i]!;
    const key = cache.stamped(file, st.size, st.mtimeMs) ?? cacheKey(siteUrl, file, readFileSync(join(contentDir, file)));
    cache.stamp(file, st.size, st.mtimeMs, key);
    return key;
  });
}

/**
 * Digest of what a build sees before reading any file: the tool, the renderer version, the
 * site URL and every file's path, size and modification time. Equal digests mean every
 * stamp still holds, so the input key is the one recorded with it (cache.ts `last.json`).
 */
export function statKey(toolVersion: string, siteUrl: string, files: readonly string[], stats: readonly Stats[]): string {
  const hash = createHash("sha256").update(toolVersion).update("\0").update(RENDERER_VERSION).update("\0").update(siteUrl).update("\0");
  files.forEach((file, i) => hash.update(`${file}\0${stats[i]!.size}\0${stats[i]!.mtimeMs}\n`));
  return hash.digest("hex");
}

/** The build's input key: the tool, then every file's path and cache key in order. */
export function inputKey(toolVersion: string, files: readonly string[], keys: readonly string[]): string {
  const hash = createHash("sha256").update(toolVersion).update("\0");
  files.forEach((file, i) => hash.update(file).update("\0").update(keys[i]!).update("\n"));
  return hash.digest("hex");
}

export async function buildContent(options: BuildOptions): Promise<BuildResult> {
  const { files, stats } = listMarkdown(options.contentDir);
  const cache = options.cacheDir ? BuildCache.open(options.cacheDir) : undefined;
  const upToDate = (input: string): BuildResult => ({ upToDate: true, inputKey: input, cached: files.length, parsed: 0, problems: [], warnings: [], files: files.length, drafts: 0 });
  const touched = cache && options.toolVersion !== undefined ? statKey(options.toolVersion, options.siteUrl, files, stats) : undefined;
  if (cache && touched && cache.existed) {
    // Nothing touched since the last build: its input key holds without parsing the stamps.
    const last = cache.lastInput();
    if (last?.statKey === touched && options.isCurrent?.(last.inputKey)) return upToDate(last.inputKey);
  }
  const keys = cache ? fileKeys(options.contentDir, files, stats, options.siteUrl, cache) : [];
  const input = cache && options.toolVersion !== undefined ? inputKey(options.toolVersion, files, keys) : undefined;
  if (cache && touched && input) await cache.recordInput(touched, input);
  if (cache && input && cache.existed && options.isCurrent?.(input)) {
    await cache.save();
    return upToDate(input);
  }
  const results: (ParseResult | undefined)[] = files.map((_, i) => (cache ? cache.get(keys[i]!) : undefined));
  const todo = files.flatMap((_, i) => (results[i] ? [] : [i]));
  if (cache) mkdirSync(join(cache.dir, "bodies"), { recursive: true });
  const todoFiles = todo.map((i) => files[i]!);
  const bodyPaths = cache ? todo.map((i) => cache.bodyPath(keys[i]!)) : undefined;
  const threads = options.threads ?? (todo.length >= 400 ? Math.min(availableParallelism(), 8) : 1);
  const fresh =
    threads > 1 && todo.length > 1
      ? await parseInThreads(options.contentDir, todoFiles, options.siteUrl, threads, bodyPaths)
      : await parseFiles(options.contentDir, todoFiles, options.siteUrl, bodyPaths);
  todo.forEach((i, j) => {
    results[i] = fresh[j]!;
    cache?.put(keys[i]!, fresh[j]!);
  });
  if (cache) await cache.save();
  const keyOf = new Map<ParseResult, string>(cache ? results.map((r, i) => [r!, keys[i]!]) : []);
  const built = compile(results as ParseResult[], options.siteUrl, files.length, (r) => (cache ? cache.bodyPath(keyOf.get(r)!) : undefined), {
    cached: files.length - todo.length,
    parsed: todo.length,
  });
  return input ? { ...built, inputKey: input } : built;
}

function compile(
  results: ParseResult[],
  siteUrl: string,
  fileCount: number,
  /** Where the cache keeps a result's body (none: the result carries it). */
  bodyFile: (r: ParseResult) => string | undefined,
  counts: { cached: number; parsed: number },
): BuildResult {
  const files = { length: fileCount };
  const options = { siteUrl };

  const problems = results.flatMap((r) => r.problems);
  const warnings = results.flatMap((r) => r.warnings);
  const published = results.flatMap((r) => (r.parsed && !r.parsed.draft ? [r.parsed] : []));
  const drafts = results.filter((r) => r.parsed?.draft).length;

  // Slugs (and so URLs, ids) must be unique across all articles, drafts included.
  const seen = new Map<string, string>();
  for (const r of results) {
    const p = r.parsed;
    if (!p) continue;
    const other = seen.get(p.article.url);
    if (other) {
      problems.push({
        file: p.article.source,
        field: "slug",
        reason: `"${p.article.slug}" gives the URL ${p.article.url}, already used by ${other}`,
      });
    } else {
      seen.set(p.article.url, p.article.source);
    }
  }
  if (problems.length > 0) return { problems, warnings, files: files.length, drafts, ...counts };

  const withResult = new Map(results.flatMap((r) => (r.parsed && !r.parsed.draft ? [[r.parsed, r] as const] : [])));
  published.sort((a, b) => b.article.published - a.article.published || (a.article.id < b.article.id ? -1 : 1));
  const articles = published.map((p) => p.article);
  const tags = collectTerms(articles, "tags");
  const topics = collectTerms(articles, "topics");
  // Hash the per-article digests (made in parallel by the threads), not the whole output.
  const hasher = createHash("sha256").update(options.siteUrl).update(JSON.stringify({ tags, topics }));
  for (const p of published) hasher.update(p.digest);
  const hash = hasher.digest("hex");
  let bodies: string[] | undefined;
  const data = { hash, siteUrl: options.siteUrl, articles, tags, topics } as CompiledContent;
  const inline = (p: (typeof published)[number]) => p.body || (JSON.parse(p.bodyLiteral) as string);
  const body = (i: number): string | Promise<string> => {
    const p = published[i]!;
    const file = bodyFile(withResult.get(p)!);
    return file ? readFile(file, "utf8") : inline(p);
  };
  // Bodies stay out of memory (threads send them only as literals, or to the cache) until asked.
  Object.defineProperty(data, "bodies", {
    enumerable: true,
    get: () =>
      (bodies ??= published.map((p) => {
        const file = bodyFile(withResult.get(p)!);
        return file ? readFileSync(file, "utf8") : inline(p);
      })),
  });
  const module = toModule(data);
  const summary: BuildSummary = { articles: articles.length, drafts, tags: tags.length, topics: topics.length, hash };
  return { data, module, summary, digests: published.map((p) => p.digest), body, problems, warnings, files: files.length, drafts, ...counts };
}

/**
 * The generated ES module: only the manifest naming the content version. Articles live in
 * the content store (static assets, src/content/format.ts), never in the bundle.
 */
export function toModule(data: Pick<CompiledContent, "hash" | "siteUrl" | "articles">): string {
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
