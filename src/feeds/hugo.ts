/**
 * The feed URLs a Hugo site publishes that are not Tidings' own: each answers one 301 to
 * the canonical Tidings feed that holds every item the Hugo feed had.
 *
 *   /main_topics/{t}/index.xml   → /topics/{t}/rss.xml (the taxonomy under its own name)
 *   /categories/{c}/index.xml    → the topic, else the tag, of that slug; else /rss.xml
 *   /{section}/index.xml         → /rss.xml (Tidings has one site feed for every section)
 *   /{taxonomy}/index.xml        → /rss.xml (taxonomy list feeds: tags, categories, …)
 *
 * `/index.xml`, `/tags/{t}/index.xml` and `/topics/{t}/index.xml` are served as feeds by
 * `routes.ts`. Terms follow Hugo's URL rules (`termSlug`), so any spelling Hugo would have
 * produced lands on the canonical URL in one hop. An unknown term is a 404 that points to
 * `/feeds`; an unknown section is not answered at all (the origin's, when fronting one).
 */
import { quoteInput } from "../lib/quote.js";
import { Hono, type Context } from "hono";
import { siteContent } from "../content/index.js";
import type { AppEnv } from "../env.js";
import { problem } from "../lib/http.js";
import { termSlug, type TermKind } from "../lib/terms.js";
import { feedPath, publicUrl } from "../lib/urls.js";
import { decodeSegment, resolveTerm } from "./query.js";
import { CORS, feedRedirect } from "./routes.js";
import type { FeedScope } from "./select.js";

/** Hugo's taxonomy list feeds, by taxonomy name (`main_topics` is this site's topics). */
const TAXONOMIES = ["tags", "categories", "main_topics", "topics"] as const;

function redirectToFeed(c: Context<AppEnv>, scope?: FeedScope): Response {
  return feedRedirect(publicUrl(c.env, feedPath("rss", scope)) + new URL(c.req.url).search);
}

function notFound(c: Context<AppEnv>, reason: string, status: 400 | 404 = 404): Response {
  return problem(c, status, `${reason}. Every feed is listed at ${publicUrl(c.env, "/feeds")}`, CORS);
}

function rawSegment(c: Context<AppEnv>, index: number): string {
  return new URL(c.req.url).pathname.split("/")[index] ?? "";
}

export const hugoFeedRoutes = new Hono<AppEnv>();

for (const taxonomy of TAXONOMIES) {
  hugoFeedRoutes.on(["GET", "HEAD"], `/${taxonomy}/index.xml`, (c) => redirectToFeed(c));
}

hugoFeedRoutes.on(["GET", "HEAD"], "/main_topics/:term/index.xml", async (c) => {
  const term = resolveTerm("topics", rawSegment(c, 2), await siteContent(c.env), Date.now());
  if (!term.ok) return notFound(c, term.reason, term.status);
  return redirectToFeed(c, term.value.scope);
});

hugoFeedRoutes.on(["GET", "HEAD"], "/categories/:term/index.xml", async (c) => {
  const decoded = decodeSegment(rawSegment(c, 2));
  if (!decoded.ok) return notFound(c, decoded.reason, decoded.status);
  const now = Date.now();
  const content = await siteContent(c.env);
  const slug = termSlug(decoded.value);
  for (const kind of ["topics", "tags"] as const satisfies TermKind[]) {
    if (content.catalogue(kind, now).has(slug)) return redirectToFeed(c, { kind, slug });
  }
  // Categories of visible articles (the content index keeps them; Hugo sections likewise).
  if (content.categories(now).has(slug)) return redirectToFeed(c);
  return notFound(c, `unknown category ${quoteInput(decoded.value)}`);
});

hugoFeedRoutes.on(["GET", "HEAD"], "/:section/index.xml", async (c, next) => {
  const decoded = decodeSegment(rawSegment(c, 1));
  if (decoded.ok && (await siteContent(c.env)).sections.has(termSlug(decoded.value))) return redirectToFeed(c);
  await next();
});
