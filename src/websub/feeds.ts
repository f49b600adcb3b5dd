/** The feeds a WebSub hub is told about: every canonical feed URL, by scope, with a fingerprint of its bytes. */
import { FEED_FILES } from "../lib/feed-formats.js";
import { DEFAULT_LIMIT } from "../feeds/query.js";
import type { FeedService } from "../feeds/service.js";
import type { FeedScope } from "../feeds/select.js";
import type { Content } from "../content/index.js";

export interface PublishableFeed {
  url: string;
  /** SHA-256 (hex) of the feed's bytes: changes exactly when a subscriber would see a change. */
  fingerprint: string;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A feed scope the hub is told about (the site, a topic, a tag), in every file name. */
export interface PublishScope {
  /** `site`, `topics/{slug}`, `tags/{slug}`: its row in `websub_scopes`. */
  key: string;
  scope?: FeedScope;
}

/**
 * The site and every topic and tag with a visible article, newest first: the site, then
 * terms by their newest visible article, so what a new article changes is compared first.
 */
export function publishScopes(content: Content, now: number): PublishScope[] {
  const terms = (["topics", "tags"] as const).flatMap((kind) => [...content.catalogue(kind, now).values()].map((t) => ({ kind, slug: t.slug, newest: t.newest })));
  terms.sort((a, b) => a.newest - b.newest || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
  return [{ key: "site" }, ...terms.map(({ kind, slug }) => ({ key: `${kind}/${slug}`, scope: { kind, slug } }))];
}

/** Feeds per scope: one per file name (`rss.xml`, `index.xml`, `atom.xml`, `feed.json`). */
export const FEEDS_PER_SCOPE = Object.keys(FEED_FILES).length;

/** The scope's feeds at `now`, each with the fingerprint of its bytes (rendered, or from the feed cache). */
export async function scopeFeeds(service: FeedService, scope: PublishScope, now: number): Promise<PublishableFeed[]> {
  const query = { ...(scope.scope ? { scope: scope.scope } : {}), tags: [], topics: [], limit: DEFAULT_LIMIT };
  const out: PublishableFeed[] = [];
  for (const [file, format] of Object.entries(FEED_FILES)) {
    const answer = service.get({ format, file, query, search: "" }, now);
    if (!answer.ok) throw new Error(answer.reason); // a current document always exists
    out.push({ url: answer.value.self, fingerprint: await sha256(await answer.value.bytes()) });
  }
  return out;
}
