import { FORMAT_FILE, type FeedFormat } from "./feed-formats.js";
import type { TermKind } from "./terms.js";

/** Landing page of a feed: `/`, `/tags/scale-ai/`. */
export function landingPath(scope?: { kind: TermKind; slug: string }): string {
  return scopePath(scope);
}

/** The subscribe page preselected for a feed: `/subscribe?topics=…` or `?tags=…`. */
export function subscribePath(scope?: { kind: TermKind; slug: string }): string {
  return scope ? `/subscribe?${scope.kind}=${encodeURIComponent(scope.slug)}` : "/subscribe";
}

/** Base URL without a trailing slash. */
export function trimBase(base: string): string {
  return base.endsWith("/") ? base.slice(0, -1) : base;
}

/**
 * Resolves `href` against `base` and returns it with spaces and non-ASCII characters
 * percent-encoded, as WHATWG URL serialisation does. Fragment-only and scheme-only
 * references (mailto:, data:) are returned resolved too. Unparseable input is returned
 * unchanged rather than thrown, so one odd link cannot break a build or a feed.
 */
export function absoluteUrl(href: string, base: string): string {
  try {
    return new URL(href.trim(), base.endsWith("/") ? base : base + "/").href;
  } catch {
    return href;
  }
}

/**
 * A URL as people read it: percent-encoded Unicode shown as itself
 * (`/topics/%E6%95%B0%E6%8D%AE/rss.xml` → `/topics/数据/rss.xml`). Escapes of reserved
 * characters (`%2F`, `%3F`, `%23`…) stay, so the text still names the same URL. For
 * display only: links and copied values stay the encoded URL.
 */
export function readableUrl(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/** Path of a term page or feed, percent-encoded: `/tags/scale-ai/`. */
export function termPath(kind: TermKind, slug: string): string {
  return `/${kind}/${encodeURIComponent(slug)}/`;
}

/** The site or a term: `/` or `/tags/scale-ai/` (also the landing page's path). */
export function scopePath(scope?: { kind: TermKind; slug: string }): string {
  return scope ? termPath(scope.kind, scope.slug) : "/";
}

/** Path of one feed file (`index.xml` included): `/rss.xml`, `/topics/%E6%95%B0…/atom.xml`. */
export function feedFilePath(file: string, scope?: { kind: TermKind; slug: string }): string {
  return scopePath(scope) + file;
}

/** Path of one feed in a format. */
export function feedPath(format: FeedFormat, scope?: { kind: TermKind; slug: string }): string {
  return feedFilePath(FORMAT_FILE[format], scope);
}

/** Appends `page=N` to a canonical query string (`""` or `?…`). */
export function withPage(search: string, page?: number): string {
  if (page === undefined) return search;
  return `${search}${search ? "&" : "?"}page=${page}`;
}

/** Every URL one feed document names: built here only, so the Link header and the bytes agree. */
export interface FeedUrls {
  /** The document's own URL: the file as requested (Hugo's `index.xml` too), canonical query, archive page. */
  self: string;
  /** The same document in each format under its canonical file name (alternates; what to subscribe to). */
  formats: Record<FeedFormat, string>;
  /** The current document (`undefined`) or archive page `n` of this feed, in its format (paging links). */
  page(n?: number): string;
}

/**
 * The URLs (on `publicBase`, this Worker's PUBLIC_URL) of the document at `base` (a feed folder: `/`, `/tags/x/`, `/me/{token}/`)
 * + `file` (default the format's own) + the canonical `search` + archive `page`.
 */
export function feedUrls(
  publicBase: string,
  where: { base: string; format: FeedFormat; file?: string | undefined; search: string; page?: number | undefined },
): FeedUrls {
  const { base, format, search, page } = where;
  const at = (file: string, n?: number) => trimBase(publicBase) + base + file + withPage(search, n);
  const self = at(where.file ?? FORMAT_FILE[format], page);
  const formats = { rss: at(FORMAT_FILE.rss, page), atom: at(FORMAT_FILE.atom, page), json: at(FORMAT_FILE.json, page) };
  return { self, formats, page: (n) => at(FORMAT_FILE[format], n) };
}

/** Folder of a subscriber's personal feed (`/me/{token}/`); the token is URL-safe as signed. */
export function personalFeedBase(token: string): string {
  return `/me/${token}/`;
}

/** Absolute URL on this Worker (`PUBLIC_URL`). */
export function publicUrl(env: { PUBLIC_URL: string }, path: string): string {
  return trimBase(env.PUBLIC_URL) + path;
}

/** Where a development Worker is reached when nothing says otherwise (`wrangler dev`'s port). */
const DEV_DEFAULT_ORIGIN = "http://localhost:8787";
let lastDevOrigin: string | undefined;

/**
 * Development only, when `PUBLIC_URL` is empty (as `npm run dev` sets it): this Worker's
 * URL is the origin the request reached, so `npm run dev -- --port 8788` links to 8788.
 * Cron and queue handlers, which have no request, use the last origin seen (else 8787).
 * Any other environment keeps its setting untouched.
 */
export function withPublicUrl<E extends { PUBLIC_URL: string; ENVIRONMENT: string }>(env: E, requestUrl?: string): E {
  if (env.PUBLIC_URL || env.ENVIRONMENT !== "development") return env;
  if (requestUrl) lastDevOrigin = new URL(requestUrl).origin;
  return { ...env, PUBLIC_URL: lastDevOrigin ?? DEV_DEFAULT_ORIGIN };
}

/** Path of a run's public copy (`/digests/run/daily:2026-01-05T09Z`): `:` kept readable, the rest encoded. */
export function digestRunPath(runId: string): string {
  return `/digests/run/${encodeURIComponent(runId).replace(/%3A/g, ":")}`;
}
