/** People- and aggregator-facing pages: `/feeds`, `/feeds.opml`, landing pages. */
import { quoteInput } from "../lib/quote.js";
import { FORMAT_FILE, type FeedFormat } from "../lib/feed-formats.js";
import { Hono, type Context } from "hono";
import { siteContent, type Content } from "../content/index.js";
import { readConfig } from "../config.js";
import type { AppEnv, Env } from "../env.js";
import { DEFAULT_LIMIT, resolveTerm } from "../feeds/query.js";
import { feedService } from "../feeds/service.js";
import type { FeedScope } from "../feeds/select.js";
import { conditionalResponse } from "../lib/conditional.js";
import { httpDate } from "../lib/dates.js";
import { htmlDocument } from "../lib/html.js";
import { methodNotAllowed, problem, shortHash, wantsJson } from "../lib/http.js";
import type { TermKind } from "../lib/terms.js";
import { landingPath, publicUrl } from "../lib/urls.js";
import { format, kindLabel, messagesFor } from "../i18n/index.js";
import { FeedsPage } from "../../templates/pages/feeds.js";
import { TermProblemPage } from "../../templates/pages/landing.js";
import { buildDirectory, directoryArticles, matchesFilter, normalizeFilter, type Directory } from "./directory.js";
import { renderOpml } from "./opml.js";
import { HTML_TYPE, landingView } from "../feeds/views.js";

const CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400";
const OPML_TYPE = "text/x-opml; charset=utf-8";
const encoder = new TextEncoder();

let cached: { key: string; dir: Directory } | undefined;
async function directory(env: Env, content: Content, now: number): Promise<Directory> {
  const config = readConfig(env);
  const key = `${content.hash}|${content.visibleCount(now)}|${config.renderKey}`;
  if (cached?.key !== key) {
    const positions = directoryArticles(content, now);
    const articles = await content.articles(positions);
    const newest = new Map(positions.map((p, i) => [p, articles[i]!]));
    cached = { key, dir: buildDirectory(content, config.site, now, newest) };
  }
  return cached.dir;
}

/** A page derived from the directory: validated by content, visibility and settings alone. */
async function directoryResponse(
  c: Context<AppEnv>,
  variant: string,
  headers: Record<string, string>,
  render: (dir: Directory) => string,
) {
  const now = Date.now();
  const content = await siteContent(c.env);
  const visibleCount = content.visibleCount(now);
  const lastModifiedMs = visibleCount > 0 ? content.publishedAt(content.visibleStart(now)) : 0;
  return conditionalResponse(
    c.req.raw,
    {
      etag: `"${content.hash.slice(0, 16)}-${shortHash(`${variant}|${visibleCount}|${readConfig(c.env).renderKey}`)}"`,
      lastModifiedMs,
      lastModified: httpDate(lastModifiedMs),
      withBytes: async (use) => use(encoder.encode(render(await directory(c.env, content, now)))),
    },
    { ...headers, "Cache-Control": CACHE_CONTROL, Vary: "Accept-Encoding" },
  );
}

/** A Map, not an object: `?format=constructor` must not find Object.prototype's members. */
const OPML_FORMATS = new Map<string, FeedFormat>([
  ["rss", "rss"],
  ["atom", "atom"],
  ["json", "json"],
]);

async function landing(c: Context<AppEnv>, scope?: FeedScope): Promise<Response> {
  const answer = (await feedService(c.env)).get(
    { format: "rss", query: { ...(scope ? { scope } : {}), tags: [], topics: [], limit: DEFAULT_LIMIT }, search: "", view: landingView },
    Date.now(),
  );
  if (!answer.ok) return problem(c, answer.status, answer.reason); // a current document always exists
  return conditionalResponse(c.req.raw, answer.value, { "Content-Type": HTML_TYPE, "Cache-Control": CACHE_CONTROL, Vary: "Accept-Encoding" });
}

async function termLanding(c: Context<AppEnv>, kind: TermKind): Promise<Response> {
  const url = new URL(c.req.url);
  const raw = url.pathname.split("/")[2] ?? "";
  const term = resolveTerm(kind, raw, await siteContent(c.env), Date.now());
  if (!term.ok) {
    const reason = `${term.reason}. Every feed is listed at ${publicUrl(c.env, "/feeds")}`;
    if (wantsJson(c.req.raw)) return problem(c, term.status, reason);
    const { language } = readConfig(c.env).site;
    const t = messagesFor(language);
    const shown = format(term.status === 404 ? t.landing.unknown : t.landing.malformed, { kind: kindLabel(t, kind), name: safeDecode(raw) });
    return c.html(htmlDocument(TermProblemPage({ reason: shown, language })), term.status);
  }
  const canonical = landingPath(term.value.scope);
  if (term.value.redirect || url.pathname !== canonical) return c.redirect(publicUrl(c.env, canonical) + url.search, 301);
  return landing(c, term.value.scope);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export const pageRoutes = new Hono<AppEnv>();

pageRoutes.on(["GET", "HEAD"], "/feeds", (c) => {
  const raw = c.req.query("q") ?? "";
  const filter = normalizeFilter(raw);
  return directoryResponse(c, `feeds|${filter}|${raw}`, { "Content-Type": HTML_TYPE }, (dir) =>
    htmlDocument(FeedsPage({ dir, filter: raw, visible: (e) => matchesFilter(e, filter), language: readConfig(c.env).site.language })),
  );
});

pageRoutes.on(["GET", "HEAD"], "/feeds.opml", (c) => {
  const requested = c.req.query("format") ?? "rss";
  const format = OPML_FORMATS.get(requested);
  if (!format) return problem(c, 400, `format must be one of rss, atom, json; got ${quoteInput(requested)}`);
  // Like the feeds, readable by aggregators running in a browser (CORS).
  const { site } = readConfig(c.env);
  return directoryResponse(c, `opml|${format}`, { "Content-Type": OPML_TYPE, "Access-Control-Allow-Origin": "*" }, (dir) =>
    renderOpml(dir, {
      title: `${dir.site.title} — ${FORMAT_FILE[format]} feeds`,
      ownerName: site.author,
      ownerId: publicUrl(c.env, "/feeds"),
      format,
      language: site.language,
    }),
  );
});

// Landing pages stand in for the site's own pages; when fronting the site (ORIGIN_URL),
// they step aside and the site's home and term pages answer (app.ts passes them on).
pageRoutes.on(["GET", "HEAD"], "/", (c, next) => (readConfig(c.env).originUrl ? next() : landing(c)));
for (const kind of ["tags", "topics"] as const) {
  pageRoutes.on(["GET", "HEAD"], `/${kind}/:term/`, (c, next) => (readConfig(c.env).originUrl ? next() : termLanding(c, kind)));
  pageRoutes.on(["GET", "HEAD"], `/${kind}/:term`, (c, next) => (readConfig(c.env).originUrl ? next() : termLanding(c, kind)));
}

// Every other method: 405 with Allow, not 404 (landing pages: only while they are ours).
const pagesOnly = methodNotAllowed("GET, HEAD");
for (const path of ["/feeds", "/feeds.opml"]) pageRoutes.all(path, pagesOnly);
for (const path of ["/", "/tags/:term/", "/tags/:term", "/topics/:term/", "/topics/:term"]) {
  pageRoutes.all(path, (c, next) => (readConfig(c.env).originUrl ? next() : pagesOnly(c)));
}
