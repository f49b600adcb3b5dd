/**
 * `/digests/{token}`: the web copy of one mail (src/digest/copies.ts). Private to whoever
 * holds the link: `Cache-Control: private`, `X-Robots-Tag: noindex`, no Referer (the
 * token must not reach the article sites a reader clicks through to).
 */
import { Hono, type Context } from "hono";
import type { AppEnv } from "../env.js";
import { format, messagesFor } from "../i18n/index.js";
import { methodNotAllowed } from "../lib/http.js";
import { ConfigError } from "../subscribers/links.js";
import { fail } from "../subscribers/respond.js";
import { webCopy, type WebAnswer } from "./copies.js";

const COPY_HEADERS = { "Cache-Control": "private", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer" };

function answer(c: Context<AppEnv>, result: WebAnswer, headers: Record<string, string>): Response {
  if (result.status !== 200) return fail(c, result.status, result.reason, { "X-Robots-Tag": "noindex" });
  return c.html(result.html, 200, headers);
}

export const digestWebRoutes = new Hono<AppEnv>();

digestWebRoutes.get("/digests/:token", async (c) => {
  try {
    return answer(c, await webCopy(c.env, c.req.param("token")), COPY_HEADERS);
  } catch (error) {
    if (error instanceof ConfigError) return fail(c, 503, format(messagesFor(c.env.SITE_LANGUAGE).errors.notConfigured, { what: error.message }));
    throw error;
  }
});
digestWebRoutes.all("/digests/:token", methodNotAllowed("GET, HEAD"));
