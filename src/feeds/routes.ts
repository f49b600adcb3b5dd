/** HTTP for every feed URL of DESIGN.md. */
import { Hono, type Context } from "hono";
import { content } from "../content/index.js";
import type { AppEnv, Env } from "../env.js";
import { problem } from "../lib/http.js";
import type { TermKind } from "../lib/terms.js";
import { FEED_FILES, feedPath, publicUrl, type FeedFormat } from "../lib/urls.js";
import { MEDIA_TYPES } from "./model.js";
import { parseFeedQuery, resolveTerm } from "./query.js";
import { FeedService } from "./service.js";

const CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400";
const CORS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Expose-Headers": "ETag, Last-Modified, Link",
};
const ALLOW = "GET, HEAD, OPTIONS";

let service: FeedService | undefined;
let serviceEnv: Env | undefined;
/** One service (and so one byte cache) per isolate and configuration. */
export function feedService(env: Env): FeedService {
  if (!service || serviceEnv !== env) {
    service = new FeedService(content, env);
    serviceEnv = env;
  }
  return service;
}

/** Weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`; `*` matches anything. */
function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === "*") return true;
  return header.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === etag);
}

function notModified(req: Request, etag: string, lastModifiedMs: number): boolean {
  const inm = req.headers.get("if-none-match");
  if (inm !== null) return etagMatches(inm, etag);
  const ims = req.headers.get("if-modified-since");
  if (ims !== null) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && Math.floor(lastModifiedMs / 1000) * 1000 <= since;
  }
  return false;
}

async function serveFeed(c: Context<AppEnv>, file: string, kind?: TermKind): Promise<Response> {
  const format: FeedFormat = FEED_FILES[file as keyof typeof FEED_FILES];
  const url = new URL(c.req.url);
  const now = Date.now();
  let scope;
  if (kind) {
    const rawSegment = url.pathname.split("/")[2] ?? "";
    const term = resolveTerm(kind, rawSegment, content, now);
    if (!term.ok) return problem(c, term.status, `${term.reason}. Every feed is listed at ${publicUrl(c.env, "/feeds")}`, CORS);
    if (term.value.redirect) {
      const path = `/${kind}/${encodeURIComponent(term.value.scope.slug)}/${file}`;
      return c.redirect(publicUrl(c.env, path) + url.search, 301);
    }
    scope = term.value.scope;
  }
  const parsed = parseFeedQuery(url.searchParams, scope, content, now);
  if (!parsed.ok) {
    const hint = parsed.status === 404 ? `. Every feed is listed at ${publicUrl(c.env, "/feeds")}` : "";
    return problem(c, parsed.status, parsed.reason + hint, CORS);
  }
  const { query, search } = parsed.value;
  const variant = feedService(c.env).get({ format, query, search }, now);
  const self = publicUrl(c.env, (file === "index.xml" ? feedPath("rss", scope).replace(/rss\.xml$/, "index.xml") : feedPath(format, scope)) + search);
  const headers: Record<string, string> = {
    ...CORS,
    "Content-Type": `${MEDIA_TYPES[format]}; charset=utf-8`,
    ETag: variant.etag,
    "Last-Modified": variant.lastModified,
    "Cache-Control": CACHE_CONTROL,
    Vary: "Accept-Encoding",
    Link: `<${self}>; rel="self"; type="${MEDIA_TYPES[format]}"`,
  };
  if (notModified(c.req.raw, variant.etag, variant.lastModifiedMs)) {
    return new Response(null, { status: 304, headers });
  }
  const bytes = variant.bytes();
  headers["Content-Length"] = String(bytes.byteLength);
  return new Response(c.req.method === "HEAD" ? null : bytes, { status: 200, headers });
}

const FILE = ":file{(?:rss\\.xml|atom\\.xml|feed\\.json|index\\.xml)}";

export const feedRoutes = new Hono<AppEnv>();
for (const [path, kind] of [
  [`/${FILE}`, undefined],
  [`/tags/:term/${FILE}`, "tags"],
  [`/topics/:term/${FILE}`, "topics"],
] as const) {
  feedRoutes.on(["GET", "HEAD"], path, (c) => serveFeed(c, c.req.param("file"), kind));
  feedRoutes.options(path, () => new Response(null, { status: 204, headers: { ...CORS, "Access-Control-Allow-Methods": ALLOW, Allow: ALLOW } }));
  feedRoutes.all(path, (c) => problem(c, 405, `method ${c.req.method} is not allowed on feeds; use GET or HEAD`, { Allow: ALLOW }));
}
