/**
 * What the build keeps of one parsed file between builds (the cache's entries, and what
 * worker threads send back): the few fields compiling the whole site needs — order,
 * terms, identity — the digest, problems and warnings. The article's text (title,
 * summary, body…) stays in its run record (runs.ts), read only for the packs written.
 */
import type { Article } from "../../src/content/types.js";
import type { ParseResult, Problem } from "./article.js";
import type { RunRecord } from "./runs.js";

/** The fields of an article compiling the index, the terms and the pack layout reads. */
export type ArticleCore = Pick<Article, "id" | "slug" | "published" | "updatedMs" | "tags" | "tagSlugs" | "topics" | "topicSlugs" | "categories" | "source">;

export interface Entry {
  /** Set when the file gave an article (a draft too). */
  core?: ArticleCore;
  /** SHA-256 of the article's metadata and body. */
  digest?: string;
  /** Only when true (entries are kept small: every build that builds reads them all). */
  draft?: true;
  /** Where its metadata and body are (built with a cache). */
  at?: RunRecord;
  /** Only when there are any. */
  problems?: Problem[];
  warnings?: string[];
}

/** What parsing one file gives: its entry, and — built without a cache — its metadata JSON and body. */
export interface Parsed {
  entry: Entry;
  /** The file's cache key, when the thread was asked to hash what it read. */
  key?: string;
  meta?: string;
  body?: string;
}

export function coreOf(a: Article): ArticleCore {
  return {
    id: a.id,
    slug: a.slug,
    published: a.published,
    updatedMs: a.updatedMs,
    tags: a.tags,
    tagSlugs: a.tagSlugs,
    topics: a.topics,
    topicSlugs: a.topicSlugs,
    categories: a.categories,
    source: a.source,
  };
}

export function entryOf(result: ParseResult, at?: RunRecord): Entry {
  const p = result.parsed;
  const notes = {
    ...(result.problems.length > 0 ? { problems: result.problems } : {}),
    ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}),
  };
  if (!p) return notes;
  return { core: coreOf(p.article), digest: p.digest, ...(p.draft ? { draft: true as const } : {}), ...(at ? { at } : {}), ...notes };
}
