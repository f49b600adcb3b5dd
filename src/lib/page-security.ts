/**
 * Security headers for every HTML response Tidings renders, in one middleware: a CSP that
 * runs no script but the pages' own inline scripts (allowed by SHA-256 hash, so cached
 * bytes and ETags need no per-request nonce), `X-Content-Type-Options: nosniff`, and no
 * framing (`frame-ancestors 'none'` plus `X-Frame-Options: DENY` for older browsers).
 * Responses passed through from the fronted site (`ORIGIN_URL`) are left as they came.
 */
import type { Context, MiddlewareHandler } from "hono";

declare module "hono" {
  interface ContextVariableMap {
    /** Set on a response that is the fronted origin's own, to be passed on unchanged. */
    passedThrough: boolean;
  }
}

/** Marks the response of this request as the origin's (see `src/origin.ts`). */
export function markPassedThrough(c: Context): void {
  c.set("passedThrough", true);
}

async function hash(script: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(script));
  let binary = "";
  for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
  return `'sha256-${btoa(binary)}'`;
}

/**
 * The policy: nothing by default; scripts by hash; inline styles (`<style>` and the mail
 * HTML the outbox and previews show); images from anywhere (articles' featured images are
 * on the site); `fetch()` and forms to this origin only; no `<base>`, no framing.
 */
export async function contentSecurityPolicy(inlineScripts: readonly string[]): Promise<string> {
  const hashes = await Promise.all([...new Set(inlineScripts)].map(hash));
  return [
    "default-src 'none'",
    `script-src ${hashes.length ? hashes.join(" ") : "'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src * data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** The middleware; `inlineScripts` is every inline `<script>` body any page carries. */
export function pageSecurity(inlineScripts: readonly string[]): MiddlewareHandler {
  let policy: Promise<string> | undefined;
  return async (c, next) => {
    await next();
    if (c.get("passedThrough")) return;
    if (!c.res.headers.get("content-type")?.startsWith("text/html")) return;
    policy ??= contentSecurityPolicy(inlineScripts);
    c.res.headers.set("Content-Security-Policy", await policy);
    c.res.headers.set("X-Content-Type-Options", "nosniff");
    c.res.headers.set("X-Frame-Options", "DENY");
  };
}
