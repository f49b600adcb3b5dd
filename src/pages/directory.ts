/**
 * The feed directory as data: the site feed and every topic and tag feed visible now,
 * with counts, newest dates and URLs. Pure: the HTML page and the OPML are renderings.
 */
import { feedUrls, landingPath, scopePath, subscribePath } from "../lib/urls.js";
import type { FeedFormat } from "../lib/feed-formats.js";
import type { Article, Content } from "../content/index.js";
import type { SiteConfig } from "../config.js";
import { buildFeedDocument } from "../feeds/document.js";
import { DEFAULT_LIMIT } from "../feeds/query.js";
import type { FeedScope } from "../feeds/select.js";
import type { TermKind } from "../lib/terms.js";

export interface FeedEntry {
  scope?: FeedScope;
  /** The term as written (or the site title). */
  name: string;
  /** The feed's own title, as its documents carry it. */
  title: string;
  description: string;
  count: number;
  /** RFC 3339 date of the newest visible article (author's offset); "" when none. */
  newest: string;
  newestMs: number;
  urls: Record<FeedFormat, string>;
  /** The page this feed mirrors on the site (the feed's alternate link). */
  homeUrl: string;
  landingPath: string;
  subscribePath: string;
  /** Lower-cased NFKC name and slug, what the filter box searches. */
  searchText: string;
}

export interface Directory {
  site: FeedEntry;
  topics: FeedEntry[];
  tags: FeedEntry[];
  newestMs: number;
}

/**
 * Chinese by pinyin, English alphabetically, numbers by value; case and accents ignored.
 * Built on the first comparison, not at import: loading ICU's Chinese collation costs
 * ~10 ms, which every isolate start paid even when it never served the directory.
 */
let collator: Intl.Collator | undefined;
export const compareNames = (a: string, b: string): number =>
  (collator ??= new Intl.Collator("zh", { numeric: true, sensitivity: "base" })).compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

export function normalizeFilter(text: string): string {
  return text.normalize("NFKC").toLowerCase().trim();
}

function entry(
  content: Pick<Content, "term">,
  site: SiteConfig,
  scope: FeedScope | undefined,
  name: string,
  count: number,
  newest: { date: string; published: number } | undefined,
): FeedEntry {
  const urls = feedUrls(site.publicUrl, { base: scopePath(scope), format: "rss", search: "" });
  const { meta } = buildFeedDocument(content, site, { ...(scope ? { scope } : {}), tags: [], topics: [], limit: DEFAULT_LIMIT }, [], { urls });
  return {
    ...(scope ? { scope } : {}),
    name,
    title: meta.title,
    description: meta.description,
    count,
    newest: newest?.date ?? "",
    newestMs: newest?.published ?? 0,
    urls: meta.formatUrls,
    homeUrl: meta.homeUrl,
    landingPath: landingPath(scope),
    subscribePath: subscribePath(scope),
    searchText: normalizeFilter(`${name} ${scope?.slug ?? ""}`),
  };
}

/** Positions of the articles `buildDirectory` needs: the newest visible one and each term's newest. */
export function directoryArticles(content: Pick<Content, "catalogue" | "visibleStart" | "visibleCount">, now: number): number[] {
  const out = new Set<number>();
  if (content.visibleCount(now) > 0) out.add(content.visibleStart(now));
  for (const kind of ["topics", "tags"] as const) for (const t of content.catalogue(kind, now).values()) out.add(t.newest);
  return [...out];
}

/** `newest`: the articles at `directoryArticles(content, now)`, by position. */
export function buildDirectory(
  content: Pick<Content, "term" | "catalogue" | "visibleStart" | "visibleCount">,
  site: SiteConfig,
  now: number,
  newest: ReadonlyMap<number, Article>,
): Directory {
  const count = content.visibleCount(now);
  const siteNewest = count > 0 ? newest.get(content.visibleStart(now)) : undefined;
  const terms = (kind: TermKind) =>
    [...content.catalogue(kind, now).values()]
      .map((t) => entry(content, site, { kind, slug: t.slug }, t.name, t.count, newest.get(t.newest)))
      .sort((a, b) => compareNames(a.name, b.name));
  return {
    site: entry(content, site, undefined, site.title, count, siteNewest),
    topics: terms("topics"),
    tags: terms("tags"),
    newestMs: siteNewest?.published ?? 0,
  };
}

/** Whether an entry matches the filter text (already normalized); empty matches all. */
export function matchesFilter(entry: FeedEntry, filter: string): boolean {
  return filter === "" || entry.searchText.includes(filter);
}
