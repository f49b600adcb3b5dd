/** How subscriber endpoints answer: HTML pages for people, JSON when asked, one error shape. */
import type { Context, MiddlewareHandler } from "hono";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { MessagePage } from "../../templates/pages/subscribe-message.js";
import { pageSite } from "../config.js";
import type { AppEnv, Env } from "../env.js";
import { CATALOGUES, say, type Reason } from "../i18n/index.js";
import { htmlDocument } from "../lib/html.js";
import { wantsJson } from "../lib/http.js";
import { isJsonBody } from "./input.js";

/** Pages with tokens in their URL: never cached, never leaked by Referer, never framed. */
export const PAGE_HEADERS = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy": "frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
};

export { pageSite as site };

/** JSON when the caller asked for it or sent JSON. */
export function answersJson(c: Context): boolean {
  return wantsJson(c.req.raw) || isJsonBody(c.req.raw);
}

export function page(c: Context, status: ContentfulStatusCode, node: Child): Response {
  return c.html(htmlDocument(node), status, PAGE_HEADERS);
}

export function json(c: Context, status: ContentfulStatusCode, body: unknown, headers: Record<string, string> = {}): Response {
  return c.json(body, status, { ...PAGE_HEADERS, ...headers });
}

/**
 * A 4xx/5xx with a reason: a short HTML page in the site's language, or as JSON
 * `{ error, code, status }` — `error` the English text and `code` the catalogue key, the
 * same whatever SITE_LANGUAGE is, so scripts can rely on them.
 */
export function fail(c: Context<AppEnv>, status: ContentfulStatusCode, reason: Reason, headers: Record<string, string> = {}): Response {
  if (answersJson(c)) return json(c, status, { error: say(CATALOGUES.en, reason), code: reason.key, status }, headers);
  const site = pageSite(c.env);
  const { errors } = site.t;
  const title = status === 429 ? errors.tooMany : status >= 500 ? errors.unavailable : errors.wrong;
  return c.html(
    htmlDocument(
      <MessagePage site={site} title={title} error>
        {say(site.t, reason)}
      </MessagePage>,
    ),
    status,
    { ...PAGE_HEADERS, ...headers },
  );
}

const crossSite = csrf({
  // The request's own origin, or PUBLIC_URL's when a proxy rewrote the host.
  origin: (origin, c) => origin === new URL(c.req.url).origin || origin === new URL((c.env as Env).PUBLIC_URL).origin,
});

/**
 * Refuses form posts from other sites (hono/csrf: Sec-Fetch-Site or Origin must be ours).
 * JSON bodies pass: browsers cannot send them cross-site without a CORS preflight,
 * which is never granted, so scripts and other front ends may post JSON without Origin.
 */
export const sameOriginForms: MiddlewareHandler<AppEnv> = async (c, next) => {
  try {
    await crossSite(c, next);
  } catch (error) {
    if (error instanceof HTTPException && error.status === 403) {
      return fail(c, 403, { key: "reasons.crossSite" });
    }
    throw error;
  }
};
