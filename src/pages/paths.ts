/** Where a feed's people-facing pages live on this Worker (relative paths). */
import type { FeedScope } from "../feeds/select.js";
import { scopePath } from "../lib/urls.js";

/** Landing page of a feed: `/`, `/tags/scale-ai/`. */
export const landingPath: (scope?: FeedScope) => string = scopePath;

/** The subscribe page preselected for a feed: `/subscribe?topics=…` or `?tags=…`. */
export function subscribePath(scope?: FeedScope): string {
  return scope ? `/subscribe?${scope.kind}=${encodeURIComponent(scope.slug)}` : "/subscribe";
}
