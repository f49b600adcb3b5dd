/** Error answers in one shape: a reason in plain text, or `{ error }` JSON when asked. */
import type { Context, Next } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

import { wantsJson } from "./negotiate.js";

export { wantsJson };

export function problem(c: Context, status: ContentfulStatusCode, reason: string, headers: Record<string, string> = {}): Response {
  if (wantsJson(c.req.raw)) {
    return c.json({ error: reason, status }, status, headers);
  }
  return c.text(reason + "\n", status, headers);
}

/**
 * Middleware for development-only paths (the dev outbox, "run digests now"): outside
 * ENVIRONMENT=development they do not exist (404), and nothing there is ever cached.
 */
export async function developmentOnly(c: Context<{ Bindings: { ENVIRONMENT: string } }>, next: Next): Promise<Response | void> {
  if (c.env.ENVIRONMENT !== "development") return problem(c, 404, `no page at ${new URL(c.req.url).pathname}`);
  c.header("Cache-Control", "no-store");
  await next();
}

/** A handler for the methods a path does not answer: 405 with `Allow` (RFC 9110 §15.5.6). */
export function methodNotAllowed(allow: string, headers: Record<string, string> = {}): (c: Context) => Response {
  return (c) => problem(c, 405, `method ${c.req.method} is not allowed here; use ${allow}`, { ...headers, Allow: allow });
}

/** FNV-1a, 32-bit, base 36: a cheap stable digest for cache keys and ETag suffixes. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}
