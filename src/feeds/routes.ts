/** HTTP for every feed URL of DESIGN.md. */
import { FEED_FILES, MEDIA_TYPES, type FeedFormat } from "../lib/feed-formats.js";
import { Hono, type Context } from "hono";
import { recordFeedResponse } from "../audience/recorder.js";
import type { AppEnv, Env } from "../env.js";
import { createByteCache, estimateBytes } from "../lib/cache.js";
import { conditionalResponse } from "../lib/conditional.js";
import { methodNotAllowed, problem } from "../lib/http.js";
import type { TermKind } from "../lib/terms.js";
import { feedFilePath, publicUrl } from "../lib/urls.js";
import { browserView } from "./views.js";
import type { FeedLink } from "./model.js";
import { FEED_VARY, wantsBrowserView } from "../lib/negotiate.js";
import { parseFeedQuery, resolveTerm } from "./query.js";
import { feedService, type FeedRequest, type FeedService, type FeedVariant } from "./service.js";

const CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400";
/** Archive pages never change; the newest one only gains a `next-archive` link later. */
const ARCHIVE_CACHE_CONTROL = "public, max-age=31536000, immutable";
const NEWEST_ARCHIVE_CACHE_CONTROL = "public, max-age=86400";
/** The CORS grant of every feed answer (redirects and errors too), so pages' fetch() can read feeds. */
export const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": "ETag, Last-Modified, Link",
};

/** A 301 to a feed's canonical URL, with the CORS grant (a browser's fetch() follows it). */
export function feedRedirect(location: string): Response {
  return new Response(null, { status: 301, headers: { ...CORS, Location: location } });
}
const ALLOW = "GET, HEAD, OPTIONS";

/**
 * Canonical request URL → its variant and headers, while what is visible stays the same:
 * a repeat request, above all a reader's conditional poll, skips term resolution, query
 * parsing and header building. Only URLs that are exactly a feed's canonical URL are
 * kept, so every key names a feed that exists and junk query strings cannot crowd it.
 */
interface Resolved {
  variant: FeedVariant;
  headers: Record<string, string>;
}
const resolved = createByteCache<string, Resolved>({ name: "feedRequests", sizeOf: (r) => 128 + estimateBytes(r.headers) });
/** The service the remembered answers came from; a new one (settings or content changed) forgets them. */
let resolvedBy: FeedService | undefined;

async function currentService(env: Env): Promise<FeedService> {
  const service = await feedService(env);
  if (service !== resolvedBy) {
    resolved.clear();
    resolvedBy = service;
  }
  return service;
}

function cacheControl(variant: FeedVariant): string {
  if (!variant.archive) return CACHE_CONTROL;
  return variant.archive.page < variant.archive.pages ? ARCHIVE_CACHE_CONTROL : NEWEST_ARCHIVE_CACHE_CONTROL;
}

function linkHeader(links: FeedLink[]): string {
  return links.map((l) => `<${l.href}>; rel="${l.rel}"${l.type ? `; type="${l.type}"` : ""}`).join(", ");
}

/**
 * The answer for a parsed feed request, shared by every feed URL: the service's one
 * decision (a missing archive page is a 404 with its reason), else the variant (304 from
 * its identity alone, or its bytes) with the feed headers, where `headers` may override
 * Cache-Control and add others.
 */
export async function answerFeed(
  c: Context<AppEnv>,
  service: FeedService,
  request: FeedRequest,
  now: number,
  headers: Record<string, string> = {},
): Promise<{ response: Response; variant?: FeedVariant; headers?: Record<string, string> }> {
  const answer = service.get(request, now);
  if (!answer.ok) return { response: problem(c, answer.status, answer.reason, { ...CORS, ...headers }) };
  const variant = answer.value;
  const all = {
    ...CORS,
    "Content-Type": variant.contentType,
    "Cache-Control": cacheControl(variant),
    Vary: FEED_VARY,
    Link: linkHeader([{ rel: "self", href: variant.self, type: MEDIA_TYPES[request.format] }, ...variant.links]),
    ...headers,
  };
  return { response: await conditionalResponse(c.req.raw, variant, all), variant, headers: all };
}

async function serveFeed(c: Context<AppEnv>, file: string, kind?: TermKind): Promise<Response> {
  const now = Date.now();
  const service = await currentService(c.env);
  const { content } = service;
  const view = wantsBrowserView(c.req.raw.headers) ? browserView : undefined;
  const memoKey = `${content.visibleCount(now)}|${view ? "html" : ""}|${c.req.url}`;
  const memo = resolved.get(memoKey);
  if (memo) return conditionalResponse(c.req.raw, memo.variant, memo.headers);

  const format: FeedFormat = FEED_FILES[file as keyof typeof FEED_FILES];
  const url = new URL(c.req.url);
  let scope;
  if (kind) {
    const rawSegment = url.pathname.split("/")[2] ?? "";
    const term = resolveTerm(kind, rawSegment, content, now);
    if (!term.ok) return problem(c, term.status, `${term.reason}. Every feed is listed at ${publicUrl(c.env, "/feeds")}`, CORS);
    if (term.value.redirect) {
      return feedRedirect(publicUrl(c.env, feedFilePath(file, term.value.scope)) + url.search);
    }
    scope = term.value.scope;
  }
  const parsed = parseFeedQuery(url.searchParams, scope, content, now);
  if (!parsed.ok) {
    const hint = parsed.status === 404 ? `. Every feed is listed at ${publicUrl(c.env, "/feeds")}` : "";
    return problem(c, parsed.status, parsed.reason + hint, CORS);
  }
  const { query, search, page } = parsed.value;
  const answer = await answerFeed(c, service, { format, file, query, search, ...(page !== undefined ? { page } : {}), ...(view ? { view } : {}) }, now);
  if (answer.variant && answer.headers && publicUrl(c.env, url.pathname + url.search) === answer.variant.self) {
    resolved.set(memoKey, { variant: answer.variant, headers: answer.headers });
  }
  return answer.response;
}

/** GET and HEAD through `serve`, the CORS preflight, and 405 with Allow for other methods. */
export function feedPathRoutes(routes: Hono<AppEnv>, path: string, serve: (c: Context<AppEnv>) => Promise<Response>): void {
  routes.on(["GET", "HEAD"], path, serve);
  routes.options(path, () => new Response(null, { status: 204, headers: { ...CORS, "Access-Control-Allow-Methods": ALLOW, Allow: ALLOW } }));
  routes.all(path, methodNotAllowed(ALLOW, CORS));
}

const FILE = ":file{(?:rss\\.xml|atom\\.xml|feed\\.json|index\\.xml)}";

export const feedRoutes = new Hono<AppEnv>();
for (const [path, kind] of [
  [`/${FILE}`, undefined],
  [`/tags/:term/${FILE}`, "tags"],
  [`/topics/:term/${FILE}`, "topics"],
] as const) {
  feedPathRoutes(feedRoutes, path, async (c) => {
    const response = await serveFeed(c, c.req.param("file") ?? "", kind);
    recordFeedResponse(c, response);
    return response;
  });
}
