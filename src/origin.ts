/**
 * Fronting an existing site (`ORIGIN_URL`): every request Tidings does not answer goes to
 * the origin unchanged — method, path, query, headers and body — and the origin's answer
 * comes back unchanged: status, headers, redirects (never followed here) and a streamed
 * body (nothing is buffered). Only `X-Forwarded-Host`/`-Proto` are added, so an origin that
 * builds absolute URLs knows the public host. A bad setting or an origin that does not
 * answer is a 502 with the reason.
 */
import type { Context } from "hono";
import type { AppEnv } from "./env.js";
import { problem } from "./lib/http.js";
import { markPassedThrough } from "./lib/page-security.js";
import { trimBase } from "./lib/urls.js";

/** The origin base (no trailing slash), or null when `ORIGIN_URL` is not an http(s) URL. */
export function originBase(setting: string): string | null {
  try {
    const url = new URL(setting);
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    if (url.search || url.hash) return null;
    return trimBase(url.origin + url.pathname);
  } catch {
    return null;
  }
}

export async function passToOrigin(c: Context<AppEnv>, setting: string): Promise<Response> {
  const base = originBase(setting);
  if (!base) return problem(c, 502, `ORIGIN_URL "${setting}" is not an http(s) URL without a query, so this path cannot be passed to the site`);
  const incoming = c.req.raw;
  const url = new URL(incoming.url);
  const headers = new Headers(incoming.headers);
  headers.set("X-Forwarded-Host", url.host);
  headers.set("X-Forwarded-Proto", url.protocol.slice(0, -1));
  const hasBody = incoming.method !== "GET" && incoming.method !== "HEAD";
  const request = new Request(base + url.pathname + url.search, {
    method: incoming.method,
    headers,
    body: hasBody ? incoming.body : null,
    redirect: "manual",
  });
  try {
    const response = await fetch(request);
    markPassedThrough(c);
    return response;
  } catch (error) {
    console.error("origin fetch failed", error instanceof Error ? error.message : error);
    return problem(c, 502, `the origin ${new URL(base).host} did not answer`);
  }
}
