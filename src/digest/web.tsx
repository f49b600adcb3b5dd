/**
 * Digests on the web (src/digest/copies.ts):
 *   GET /digests               the newest site-wide digests (?cadence=instant|daily|weekly, ?before=<run id>); JSON when asked
 *   GET /digests/run/{runId}   one run's site-wide digest, public
 *   GET /digests/{token}       one mail's web copy, for whoever holds the link
 * A mail's copy is private: `Cache-Control: private`, `X-Robots-Tag: noindex`, and no
 * Referer (the token must not reach the article sites a reader clicks through to).
 */
import { Hono, type Context } from "hono";
import { DigestListPage } from "../../templates/pages/digests.js";
import type { AppEnv } from "../env.js";
import { format } from "../i18n/index.js";
import { htmlDocument } from "../lib/html.js";
import { methodNotAllowed, wantsJson } from "../lib/http.js";
import { ConfigError, pageSite } from "../config.js";
import { fail } from "../subscribers/respond.js";
import { digestList, publicDigest, webCopy, type DigestList, type WebAnswer } from "./copies.js";
import { CADENCES, type Cadence } from "./due.js";

const COPY_HEADERS = { "Cache-Control": "private", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer" };
/** A run's public copy never changes; it only goes, when the run is pruned. */
const PUBLIC_COPY_HEADERS = { "Cache-Control": "public, max-age=3600", "X-Robots-Tag": "noindex" };
const LIST_HEADERS = { "Cache-Control": "public, max-age=300" };

type C = Context<AppEnv>;

function answer(c: C, result: WebAnswer, headers: Record<string, string>): Response {
  if (result.status !== 200) return fail(c, result.status, result.reason, { "X-Robots-Tag": "noindex" });
  return c.html(result.html, 200, headers);
}

/** The list's URL for a cadence (daily, the default, needs no query) and an optional cursor. */
function listHref(cadence: Cadence, before?: string): string {
  const query = new URLSearchParams();
  if (cadence !== "daily") query.set("cadence", cadence);
  if (before) query.set("before", before);
  const text = query.toString();
  return text ? `/digests?${text}` : "/digests";
}

function listPage(c: C, list: DigestList): Response {
  const { title, t } = pageSite(c.env);
  const when = new Intl.DateTimeFormat(t.lang, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  const page = (
    <DigestListPage
      t={t}
      siteTitle={title}
      cadence={list.cadence}
      cadences={CADENCES.map((cadence) => ({ cadence, href: listHref(cadence) }))}
      entries={list.digests.map((d) => ({ href: d.path, when: format(t.digests.sentAt, { date: when.format(d.slot) }), total: d.total, titles: d.titles }))}
      {...(list.next ? { older: listHref(list.cadence, list.next) } : {})}
    />
  );
  return c.html(htmlDocument(page), 200, LIST_HEADERS);
}

export const digestWebRoutes = new Hono<AppEnv>();

digestWebRoutes.get("/digests", async (c) => {
  const list = await digestList(c.env, { cadence: c.req.queries("cadence") ?? [], before: c.req.queries("before") ?? [] });
  if ("status" in list) return fail(c, list.status, list.reason);
  if (!wantsJson(c.req.raw)) return listPage(c, list);
  const digests = list.digests.map((d) => ({ id: d.id, cadence: d.cadence, sentAt: new Date(d.slot).toISOString(), articles: d.total, titles: d.titles, url: d.path }));
  return c.json({ cadence: list.cadence, digests, next: list.next ? listHref(list.cadence, list.next) : null }, 200, LIST_HEADERS);
});

digestWebRoutes.get("/digests/run/:id", async (c) => answer(c, await publicDigest(c.env, c.req.param("id")), PUBLIC_COPY_HEADERS));

digestWebRoutes.get("/digests/:token", async (c) => {
  try {
    return answer(c, await webCopy(c.env, c.req.param("token")), COPY_HEADERS);
  } catch (error) {
    if (error instanceof ConfigError) return fail(c, 503, { key: "errors.notConfigured", values: { what: error.message } });
    throw error;
  }
});

for (const path of ["/digests", "/digests/run/:id", "/digests/:token"]) digestWebRoutes.all(path, methodNotAllowed("GET, HEAD"));
