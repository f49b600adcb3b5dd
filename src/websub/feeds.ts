/** The feeds a WebSub hub is told about: every canonical feed URL, with a fingerprint of its bytes. */
import { FEED_FILES } from "../lib/feed-formats.js";
import type { Env } from "../env.js";
import { DEFAULT_LIMIT } from "../feeds/query.js";
import { feedService } from "../feeds/service.js";
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

/** How many feeds `publishableFeeds` gives at `now`, without rendering one. */
export function publishableCount(content: Content, now: number): number {
  return Object.keys(FEED_FILES).length * (1 + content.catalogue("topics", now).size + content.catalogue("tags", now).size);
}

/** The site feed and every visible topic and tag feed, in every file name (`index.xml` too). */
export async function publishableFeeds(env: Env, now: number): Promise<PublishableFeed[]> {
  const service = await feedService(env);
  const { content } = service;
  const scopes: (FeedScope | undefined)[] = [
    undefined,
    ...(["topics", "tags"] as const).flatMap((kind) => [...content.catalogue(kind, now).keys()].map((slug) => ({ kind, slug }))),
  ];
  const out: PublishableFeed[] = [];
  for (const scope of scopes) {
    const query = { ...(scope ? { scope } : {}), tags: [], topics: [], limit: DEFAULT_LIMIT };
    for (const [file, format] of Object.entries(FEED_FILES)) {
      const answer = service.get({ format, file, query, search: "" }, now);
      if (!answer.ok) throw new Error(answer.reason); // a current document always exists
      out.push({ url: answer.value.self, fingerprint: await sha256(await answer.value.bytes()) });
    }
  }
  return out;
}
