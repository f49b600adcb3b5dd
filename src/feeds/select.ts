/**
 * Which articles a feed holds: scope (site, tag, topic) plus `?tag=`/`?topic=` filters
 * (OR within a dimension, AND across), newest first, cut to the limit.
 */
import type { Article, ContentSource } from "../content/index.js";
import type { TermKind } from "../lib/terms.js";

export interface FeedScope {
  kind: TermKind;
  slug: string;
}

export interface FeedQuery {
  scope?: FeedScope;
  /** Canonical slugs, sorted and de-duplicated. */
  tags: string[];
  topics: string[];
  limit: number;
}

const SLUG_FIELD = { tags: "tagSlugs", topics: "topicSlugs" } as const;

function matches(article: Article, kind: TermKind, slugs: readonly string[]): boolean {
  if (slugs.length === 0) return true;
  const own = article[SLUG_FIELD[kind]];
  return slugs.some((s) => own.includes(s));
}

/** Every article visible at `now` that the query selects, newest first (no limit). */
export function selectAll(content: ContentSource, query: FeedQuery, now: number): Article[] {
  const visible = content.published(now);
  const { scope } = query;
  return visible.filter(
    (a) =>
      (!scope || a[SLUG_FIELD[scope.kind]].includes(scope.slug)) &&
      matches(a, "tags", query.tags) &&
      matches(a, "topics", query.topics),
  );
}

/** The variant key: identifies one feed's bytes together with the content hash. */
export function variantKey(query: FeedQuery): string {
  const scope = query.scope ? `${query.scope.kind}:${query.scope.slug}` : "site";
  return `${scope}|t=${query.tags.join(",")}|p=${query.topics.join(",")}|n=${query.limit}`;
}
