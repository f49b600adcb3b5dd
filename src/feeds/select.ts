/**
 * What a feed holds: scope (site, tag, topic) plus `?tag=`/`?topic=` filters (OR within a
 * dimension, AND across), newest first, cut to the limit. The selection itself runs on
 * the content index (`Content.select`, src/content/lookup.ts).
 */
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

/** The variant key: identifies one feed's bytes together with the content hash. */
export function variantKey(query: FeedQuery): string {
  const scope = query.scope ? `${query.scope.kind}:${query.scope.slug}` : "site";
  return `${scope}|t=${query.tags.join(",")}|p=${query.topics.join(",")}|n=${query.limit}`;
}
