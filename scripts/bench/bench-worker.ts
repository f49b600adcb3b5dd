/**
 * Bench-only Worker entry (never deployed): `npm run bench` copies the project into a
 * temporary folder and points its wrangler config here. It serves the real app plus the
 * baselines, so all of them are measured on the same `wrangler dev` process:
 *   /__bench/precomputed/<feed path>  the same bytes and headers as <feed path>, precomputed (the floor)
 *   /__bench/precomputed-304/<feed path>  the 304 of <feed path> (same headers), precomputed
 *   /__bench/feedlib/<feed path>      the same 20 items generated with `feed` on every request
 *   /__bench/empty                    an empty response
 */
import worker from "../../src/index.js";
import { siteContent } from "../../src/content/index.js";
import type { Env } from "../../src/env.js";
import type { TermKind } from "../../src/lib/terms.js";
import { renderWithFeedLib, type FeedLibFormat } from "./feedlib.js";

interface Precomputed {
  bytes: Uint8Array;
  headers: Headers;
}
const precomputed = new Map<string, Precomputed>();
const precomputed304 = new Map<string, Headers>();
const encoder = new TextEncoder();
const FORMATS: Record<string, FeedLibFormat> = { "rss.xml": "rss", "atom.xml": "atom", "feed.json": "json" };
const TYPES: Record<FeedLibFormat, string> = {
  rss: "application/rss+xml; charset=utf-8",
  atom: "application/atom+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

async function floor(path: string, request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  let entry = precomputed.get(path);
  if (!entry) {
    const response = await worker.fetch(new Request(new URL(path, request.url)), env, ctx);
    entry = { bytes: new Uint8Array(await response.arrayBuffer()), headers: new Headers(response.headers) };
    precomputed.set(path, entry);
  }
  return new Response(entry.bytes, { status: 200, headers: entry.headers });
}

async function notModifiedFloor(path: string, request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
  let headers = precomputed304.get(path);
  if (!headers) {
    const url = new URL(path, request.url);
    const etag = (await worker.fetch(new Request(url), env, ctx)).headers.get("etag") ?? "";
    const response = await worker.fetch(new Request(url, { headers: { "If-None-Match": etag } }), env, ctx);
    headers = new Headers(response.headers);
    precomputed304.set(path, headers);
  }
  return new Response(null, { status: 304, headers });
}

async function feedLib(path: string, env: Env): Promise<Response> {
  const content = await siteContent(env);
  const match = /^\/(?:(tags|topics)\/([^/]+)\/)?(rss\.xml|atom\.xml|feed\.json)$/.exec(path);
  if (!match) return new Response("bad bench path\n", { status: 400 });
  const kind = match[1] as TermKind | undefined;
  const slug = match[2] ? decodeURIComponent(match[2]) : undefined;
  const format = FORMATS[match[3]!]!;
  const scope = kind && slug ? { kind, slug } : undefined;
  const term = scope ? content.term(scope.kind, scope.slug) : undefined;
  const positions = content.select({ ...(scope ? { scope } : {}), tags: [], topics: [] }, Date.now()).slice(0, 20);
  const [articles, bodies] = await Promise.all([content.articles(positions), content.bodies(positions)]);
  const base = env.SITE_URL.replace(/\/$/, "");
  const text = renderWithFeedLib(
    {
      title: term ? `${env.SITE_TITLE} · ${term.name}` : env.SITE_TITLE,
      description: env.SITE_DESCRIPTION,
      language: env.SITE_LANGUAGE,
      author: env.SITE_AUTHOR,
      homeUrl: scope ? `${base}/${scope.kind}/${encodeURIComponent(scope.slug)}/` : `${base}/`,
      selfUrl: env.PUBLIC_URL.replace(/\/$/, "") + path,
      siteUrl: env.SITE_URL,
      articles,
      body: (a) => bodies[articles.indexOf(a)] ?? "",
    },
    format,
  );
  return new Response(encoder.encode(text), { status: 200, headers: { "Content-Type": TYPES[format] } });
}

// Everything the real entry exports (scheduled, queue, Durable Objects) stays available.
export * from "../../src/index.js";
export default {
  ...worker,
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/__bench/")) {
      if (pathname === "/__bench/empty") return new Response(null, { status: 204 });
      if (pathname.startsWith("/__bench/precomputed/")) return floor(pathname.slice("/__bench/precomputed".length), request, env, ctx);
      if (pathname.startsWith("/__bench/precomputed-304/")) {
        return notModifiedFloor(pathname.slice("/__bench/precomputed-304".length), request, env, ctx);
      }
      if (pathname.startsWith("/__bench/feedlib/")) return feedLib(pathname.slice("/__bench/feedlib".length), env);
    }
    return worker.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
