/**
 * The feed directory as data: the site feed and every topic and tag feed visible now,
 * with counts, newest dates and URLs. Pure: the HTML page and the OPML are renderings.
 */
import type { ContentSource } from "../content/index.js";
import { buildFeedDocument, type SiteSettings } from "../feeds/document.js";
import { DEFAULT_LIMIT } from "../feeds/query.js";
import type { FeedScope } from "../feeds/select.js";
import type { TermKind } from "../lib/terms.js";
import type { FeedFormat } from "../lib/urls.js";
import { landingPath, subscribePath } from "./paths.js";

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

/** Chinese by pinyin, English alphabetically, numbers by value; case and accents ignored. */
const collator = new Intl.Collator("zh", { numeric: true, sensitivity: "base" });
export const compareNames = (a: string, b: string): number => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);

export function normalizeFilter(text: string): string {
  return text.normalize("NFKC").toLowerCase().trim();
}

function entry(
  content: ContentSource,
  settings: SiteSettings,
  scope: FeedScope | undefined,
  name: string,
  count: number,
  newest: { date: string; published: number } | undefined,
): FeedEntry {
  const { meta } = buildFeedDocument(content, settings, { ...(scope ? { scope } : {}), tags: [], topics: [], limit: DEFAULT_LIMIT }, [], {
    format: "rss",
    search: "",
  });
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

export function buildDirectory(content: ContentSource, settings: SiteSettings, now: number): Directory {
  const visible = content.published(now);
  const terms = (kind: TermKind) =>
    [...content.catalogue(kind, now).values()]
      .map((t) => entry(content, settings, { kind, slug: t.slug }, t.name, t.count, t.newest))
      .sort((a, b) => compareNames(a.name, b.name));
  return {
    site: entry(content, settings, undefined, settings.SITE_TITLE, visible.length, visible[0]),
    topics: terms("topics"),
    tags: terms("tags"),
    newestMs: visible[0]?.published ?? 0,
  };
}

/** Whether an entry matches the filter text (already normalized); empty matches all. */
export function matchesFilter(entry: FeedEntry, filter: string): boolean {
  return filter === "" || entry.searchText.includes(filter);
}
