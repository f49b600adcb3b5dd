/**
 * A subscriber's personal feed, `/me/{token}/rss.xml` · `atom.xml` · `feed.json`: exactly
 * their topics and tags (the selection their mail uses: OR within a dimension, AND across),
 * through the one feed service, so it has every feed's guarantees. The token is signed for
 * this purpose alone over the subscriber and their feed-token version; each request checks
 * the subscriber in D1, so a replaced address or an ended subscription stops at once.
 * Nothing is kept for a token before it verified and named a live subscriber.
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.js";
import { problem } from "../lib/http.js";
import { wantsBrowserView } from "../lib/negotiate.js";
import { FEED_FILES, type FeedFormat } from "../lib/feed-formats.js";
import { personalFeedBase, publicUrl } from "../lib/urls.js";
import { ConfigError, readConfig } from "../config.js";
import { verifyFeedLink } from "../subscribers/links.js";
import { findById, type Subscriber } from "../subscribers/store.js";
import { parseFeedQuery } from "./query.js";
import { answerFeed, CORS, feedPathRoutes } from "./routes.js";
import { feedService } from "./service.js";
import { browserView } from "./views.js";

/** A personal feed is one reader's: no shared cache keeps it, no search engine lists it, no Referer carries it. */
const PRIVATE = { "Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer" };
const REFUSED = { ...CORS, ...PRIVATE, "Cache-Control": "no-store" };

type C = Context<AppEnv>;

/** Why a verified feed token no longer opens a feed, or null when it does. */
function ended(c: C, subscriber: Subscriber | null, version: number): { status: 404 | 410; reason: string } | null {
  const preferences = "the address of your feed is on your preferences page (linked from every mail)";
  if (!subscriber) return { status: 410, reason: "this personal feed is gone: its subscription was deleted" };
  if (subscriber.feedTokenVersion !== version) return { status: 410, reason: `this personal feed address was replaced by a new one; ${preferences}` };
  if (subscriber.status === "pending") {
    return { status: 404, reason: "this personal feed starts once the subscription is confirmed: open the confirmation link in the mail we sent" };
  }
  if (subscriber.status === "unsubscribed") {
    return { status: 410, reason: `this personal feed ended when its subscription was unsubscribed; subscribe again at ${publicUrl(c.env, "/subscribe")}` };
  }
  const stopped = subscriber.status === "bounced" || subscriber.status === "complained" || subscriber.suppressedAt !== null;
  return stopped ? { status: 410, reason: "this personal feed ended when mail to its subscriber was stopped" } : null;
}

async function servePersonalFeed(c: C): Promise<Response> {
  const now = Date.now();
  const token = c.req.param("token") ?? "";
  const config = readConfig(c.env);
  let verified;
  try {
    verified = await verifyFeedLink(config.links, token);
  } catch (error) {
    if (error instanceof ConfigError) return problem(c, 503, `personal feeds are not available: ${error.message}`, REFUSED);
    throw error;
  }
  if (!verified) {
    return problem(c, 404, "no personal feed has this address: the link is incomplete or was not issued here; the address of your feed is on your preferences page", REFUSED);
  }
  const subscriber = await findById(c.env.DB, verified.subscriberId);
  const stop = ended(c, subscriber, verified.version);
  if (stop || !subscriber) return problem(c, stop?.status ?? 410, stop?.reason ?? "gone", REFUSED);

  const url = new URL(c.req.url);
  if (url.searchParams.has("tag") || url.searchParams.has("topic")) {
    return problem(c, 400, "a personal feed holds exactly its subscriber's topics and tags: change them on the preferences page, not with ?tag= or ?topic=", REFUSED);
  }
  const service = await feedService(c.env);
  const parsed = parseFeedQuery(url.searchParams, undefined, service.content, now);
  if (!parsed.ok) return problem(c, parsed.status, parsed.reason, REFUSED);
  const { query, search, page } = parsed.value;
  const file = c.req.param("file") ?? "";
  const format: FeedFormat = FEED_FILES[file as keyof typeof FEED_FILES];
  const view = wantsBrowserView(c.req.raw.headers) ? browserView : undefined;
  const { response } = await answerFeed(
    c,
    service,
    {
      format,
      file,
      query: { ...query, topics: [...subscriber.topics].sort(), tags: [...subscriber.tags].sort() },
      search,
      ...(page !== undefined ? { page } : {}),
      ...(view ? { view } : {}),
      basePath: personalFeedBase(token),
      title: `${config.site.title} · ${config.page.t.feeds.personal}`,
    },
    now,
    PRIVATE,
  );
  return response;
}

export const personalFeedRoutes = new Hono<AppEnv>();
feedPathRoutes(personalFeedRoutes, "/me/:token/:file{(?:rss\\.xml|atom\\.xml|feed\\.json)}", servePersonalFeed);
