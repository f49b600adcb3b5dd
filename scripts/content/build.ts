/**
 * The content build: every Markdown file → one compact, deterministic module the Worker
 * imports. Parsing and rendering are spread over worker threads for large sites.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join, relative, sep } from "node:path";
import { Worker } from "node:worker_threads";
import type { Article, CompiledContent, ContentManifest, Term } from "../../src/content/types.js";
import type { TermKind } from "../../src/lib/terms.js";
import { parseArticle, type ParseResult, type Problem } from "./article.js";

export interface BuildOptions {
  contentDir: string;
  siteUrl: string;
  /** Worker threads to use; default: one per core when there are many files. */
  threads?: number;
}

export interface BuildResult {
  data?: CompiledContent;
  /** The generated manifest module's text (see `toModule`). */
  module?: string;
  /** Per article (parallel to `data.articles`): digest of its metadata and body. */
  digests?: string[];
  /** Rendered body of the article at a position (decoded on demand). */
  body?: (position: number) => string;
  problems: Problem[];
  warnings: string[];
  files: number;
  drafts: number;
}

async function listMarkdown(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(md|markdown)$/i.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}

/** Reads and parses `files` (relative to `contentDir`); the unit of work of each thread. */
export function parseFiles(contentDir: string, files: string[], siteUrl: string): ParseResult[] {
  return files.map((file) => parseArticle(file, readFileSync(join(contentDir, file), "utf8"), { siteUrl }));
}

function parseInThreads(contentDir: string, files: string[], siteUrl: string, threads: number): Promise<ParseResult[]> {
  const size = Math.ceil(files.length / threads);
  const chunks = Array.from({ length: threads }, (_, i) => files.slice(i * size, (i + 1) * size));
  return Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<ParseResult[]>((resolve, reject) => {
          const worker = new Worker(new URL("./worker.mjs", import.meta.url), {
            workerData: { contentDir, files: chunk, siteUrl },
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

export async function buildContent(options: BuildOptions): Promise<BuildResult> {
  const files = await listMarkdown(options.contentDir);
  const threads = options.threads ?? (files.length >= 400 ? Math.min(availableParallelism(), 8) : 1);
  const results =
    threads > 1
      ? await parseInThreads(options.contentDir, files, options.siteUrl, threads)
      : parseFiles(options.contentDir, files, options.siteUrl);

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
  if (problems.length > 0) return { problems, warnings, files: files.length, drafts };

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
  // Threads send bodies only as literals; decode them on first use.
  Object.defineProperty(data, "bodies", {
    enumerable: true,
    get: () => (bodies ??= published.map((p) => p.body || (JSON.parse(p.bodyLiteral) as string))),
  });
  const module = toModule(data);
  const body = (i: number) => bodies?.[i] ?? (published[i]!.body || (JSON.parse(published[i]!.bodyLiteral) as string));
  return { data, module, digests: published.map((p) => p.digest), body, problems, warnings, files: files.length, drafts };
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
