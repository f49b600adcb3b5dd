/**
 * The content interface: feeds, pages and digests read articles only through this
 * module, never the compiled file. A site too large for the bundle would keep this API
 * and move `body()` to KV or static assets.
 */
import compiled from "../generated/content.js";
import type { Article, CompiledContent, Term } from "./types.js";
import type { TermKind } from "../lib/terms.js";

export type { Article, Term } from "./types.js";
import type { TermKind as Kind } from "../lib/terms.js";
export type { Kind as TermKind };

export interface ContentSource {
  readonly hash: string;
  readonly siteUrl: string;
  /** Every article newest first, future-dated included. */
  readonly all: readonly Article[];
  /** Articles whose date has come at `now`, newest first. */
  published(now: number): readonly Article[];
  /** Rendered HTML body of an article. */
  body(article: Article): string;
  /** Every term of the content (future articles included): names and slugs only. */
  terms(kind: TermKind): readonly Term[];
  term(kind: TermKind, slug: string): Term | undefined;
  /** Terms with at least one article visible at `now`, with counts; cached per visibility. */
  catalogue(kind: TermKind, now: number): ReadonlyMap<string, TermStats>;
}

export interface TermStats extends Term {
  count: number;
  /** Newest visible article carrying the term. */
  newest: Article;
}

export function createContentSource(data: CompiledContent): ContentSource {
  const index = new Map<string, number>();
  data.articles.forEach((a, i) => index.set(a.id, i));
  const termMaps = {
    tags: new Map(data.tags.map((t) => [t.slug, t])),
    topics: new Map(data.topics.map((t) => [t.slug, t])),
  };
  // Articles are sorted newest first, so the visible ones are a suffix: find its start.
  let cachedNow = NaN;
  let cachedStart = 0;
  function firstVisible(now: number): number {
    if (now === cachedNow) return cachedStart;
    let lo = 0;
    let hi = data.articles.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (data.articles[mid]!.published > now) lo = mid + 1;
      else hi = mid;
    }
    cachedNow = now;
    cachedStart = lo;
    return lo;
  }
  let lastStart = -1;
  let lastSlice: readonly Article[] = [];
  let catalogueStart = -1;
  let catalogues: Record<TermKind, Map<string, TermStats>> = { tags: new Map(), topics: new Map() };
  function buildCatalogues(visible: readonly Article[]) {
    const out: Record<TermKind, Map<string, TermStats>> = { tags: new Map(), topics: new Map() };
    for (const article of visible) {
      for (const [kind, field] of [["tags", "tagSlugs"], ["topics", "topicSlugs"]] as const) {
        for (const slug of new Set(article[field])) {
          const stats = out[kind].get(slug);
          if (stats) stats.count++;
          else out[kind].set(slug, { ...termMaps[kind].get(slug)!, count: 1, newest: article });
        }
      }
    }
    return out;
  }
  return {
    hash: data.hash,
    siteUrl: data.siteUrl,
    all: data.articles,
    published(now) {
      const start = firstVisible(now);
      if (start !== lastStart) {
        lastStart = start;
        lastSlice = data.articles.slice(start);
      }
      return lastSlice;
    },
    body(article) {
      const i = index.get(article.id);
      return i === undefined ? "" : data.bodies[i]!;
    },
    terms: (kind) => data[kind],
    catalogue(kind, now) {
      const start = firstVisible(now);
      if (start !== catalogueStart) {
        catalogues = buildCatalogues(data.articles.slice(start));
        catalogueStart = start;
      }
      return catalogues[kind];
    },
    term: (kind, slug) => termMaps[kind].get(slug),
  };
}

/** The site's content, compiled from content/ by `npm run build`. */
export const content: ContentSource = createContentSource(compiled);
