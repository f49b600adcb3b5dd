/**
 * In-process microbenchmark: a cold render (cache miss) of a 20-item feed — the feed
 * document built from the compiled content and serialized — with our renderers versus
 * `feed@6` generating the same 20 items. Encoding to bytes is timed by the caller.
 * Imports src/ statically, so load it only once src/generated/content.js exists.
 */
import type { FeedFormat } from "../../src/lib/feed-formats.js";
import type { Content } from "../../src/content/index.js";
import { siteConfig, type SiteConfig } from "../../src/config.js";
import { buildFeedDocument } from "../../src/feeds/document.js";
import { feedUrls } from "../../src/lib/urls.js";
import { RENDER_CHUNKS } from "../../src/feeds/render.js";
import type { FeedQuery } from "../../src/feeds/select.js";
import { siteVar } from "../site-config.js";
import { renderWithFeedLib } from "./feedlib.js";

export interface MicroResult {
  /** Per render, steady state: median over batches (µs). */
  us: number;
  /** The very first call in this process (ms): unoptimized code, like a fresh isolate. */
  firstMs: number;
  iterations: number;
  bytes: number;
  /** One output, to time its encoding separately. */
  text: string;
  /** The same output as the chunks the Worker encodes (ours only: render.ts `RENDER_CHUNKS`). */
  chunks?: string[];
}

export interface RenderRow {
  format: FeedFormat;
  ours: MicroResult;
  feed: MicroResult;
}

export function siteSettings(): SiteConfig {
  const v = (name: string) => siteVar(name, `${new URL("../../", import.meta.url).pathname}wrangler.toml`) ?? "";
  return siteConfig({
    SITE_URL: v("SITE_URL"),
    SITE_TITLE: v("SITE_TITLE"),
    SITE_DESCRIPTION: v("SITE_DESCRIPTION"),
    SITE_LANGUAGE: v("SITE_LANGUAGE"),
    SITE_AUTHOR: v("SITE_AUTHOR"),
    PUBLIC_URL: v("PUBLIC_URL"),
    WEBSUB_HUB: "",
  });
}


/**
 * Times two renderers side by side: batches of 10 calls alternate between them until the
 * budget is spent, and each gets the median batch time. Alternating pairs the two under
 * the same machine load (other work shares these 2 cores); the median ignores stalls.
 * The very first call of each is timed on its own.
 */
function measurePair(a: () => string | string[], b: () => string | string[], budgetMs: number): [MicroResult, MicroResult] {
  const fns = [a, b];
  const first = fns.map((fn) => {
    const t = performance.now();
    const text = fn();
    return { text, ms: performance.now() - t };
  });
  let sink = 0;
  const warmEnd = performance.now() + budgetMs * 0.2;
  while (performance.now() < warmEnd) sink += a().length + b().length;
  const batches: number[][] = [[], []];
  const end = performance.now() + budgetMs;
  while (performance.now() < end) {
    fns.forEach((fn, i) => {
      const t = performance.now();
      for (let k = 0; k < 10; k++) sink += fn().length;
      batches[i]!.push((performance.now() - t) / 10);
    });
  }
  if (sink < 0) console.log(sink); // keep the work observable
  return [0, 1].map((i) => {
    const sorted = batches[i]!.sort((x, y) => x - y);
    const out = first[i]!.text;
    const text = typeof out === "string" ? out : out.join("");
    return {
      ...(typeof out === "string" ? {} : { chunks: out }),
      us: sorted[sorted.length >> 1]! * 1000,
      firstMs: first[i]!.ms,
      iterations: sorted.length * 10,
      bytes: Buffer.byteLength(text),
      text,
    };
  }) as [MicroResult, MicroResult];
}

/** Renders the 20 newest articles of `content` in each format, ours (as chunks) vs `feed`. */
export async function renderBench(content: Content, budgetMs = 1000): Promise<RenderRow[]> {
  const settings = siteSettings();
  const now = Date.now();
  const query: FeedQuery = { tags: [], topics: [], limit: 20 };
  const positions = content.select(query, now).slice(0, query.limit);
  const [articles, bodies] = await Promise.all([content.articles(positions), content.bodies(positions)]);
  const bodyOf = new Map(articles.map((a, i) => [a, bodies[i]!]));
  const base = settings.publicUrl.replace(/\/$/, "");
  const files: Record<FeedFormat, string> = { rss: "rss.xml", atom: "atom.xml", json: "feed.json" };
  const rows: RenderRow[] = [];
  for (const format of ["rss", "atom", "json"] as const) {
    const input = {
      title: settings.title,
      description: settings.description,
      language: settings.language,
      author: settings.author,
      homeUrl: settings.url,
      selfUrl: `${base}/${files[format]}`,
      siteUrl: settings.url,
      articles,
      body: (a: (typeof articles)[number]) => bodyOf.get(a) ?? "",
    };
    const [ours, feed] = measurePair(
      // What the Worker does on a cache miss: the document as chunks, never one string (service.ts).
      () => RENDER_CHUNKS[format](buildFeedDocument(content, settings, query, articles, { urls: feedUrls(settings.publicUrl, { base: "/", format, search: "" }) }, bodies)),
      () => renderWithFeedLib(input, format),
      budgetMs,
    );
    rows.push({ format, ours, feed });
  }
  return rows;
}
