/** Where a feed's people-facing pages live on this Worker (relative paths). */
import type { FeedScope } from "../feeds/select.js";
import { termPath } from "../lib/urls.js";

/** Landing page of a feed: `/`, `/tags/scale-ai/`. */
export function landingPath(scope?: FeedScope): string {
  return scope ? termPath(scope.kind, scope.slug) : "/";
}

/** The subscribe page preselected for a feed: `/subscribe?topics=…` or `?tags=…`. */
export function subscribePath(scope?: FeedScope): string {
  return scope ? `/subscribe?${scope.kind}=${encodeURIComponent(scope.slug)}` : "/subscribe";
}

export const KIND_LABEL = { tags: "标签 Tag", topics: "专题 Topic" } as const;
