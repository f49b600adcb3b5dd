/** Articles + settings → the format-neutral feed document. */
import type { Article, Content } from "../content/index.js";
import type { Env } from "../env.js";
import { isoUtc } from "../lib/dates.js";
import { kindLabel, messagesFor } from "../i18n/index.js";
import { FORMAT_FILE, type FeedFormat } from "../lib/feed-formats.js";
import { publicUrl, scopePath, trimBase } from "../lib/urls.js";
import type { FeedCategory, FeedDocument, FeedItem, FeedLink } from "./model.js";
import type { FeedQuery } from "./select.js";

export type SiteSettings = Pick<
  Env,
  "SITE_URL" | "SITE_TITLE" | "SITE_DESCRIPTION" | "SITE_LANGUAGE" | "SITE_AUTHOR" | "PUBLIC_URL"
>;

export function toFeedItem(article: Article, body: string, siteUrl: string): FeedItem {
  const base = trimBase(siteUrl);
  const categories: FeedCategory[] = [
    ...article.tags.map((label) => ({ label, scheme: `${base}/tags/` })),
    ...article.topics.map((label) => ({ label, scheme: `${base}/topics/` })),
  ];
  return {
    id: article.id,
    url: article.url,
    title: article.title,
    summary: article.summary,
    contentHtml: body,
    published: article.date,
    updated: article.updated,
    authors: article.authors,
    categories,
    ...(article.image ? { image: article.image } : {}),
  };
}

export interface DocumentOptions {
  format: FeedFormat;
  /** Path + query of this feed on the Worker, canonical form (`/tags/x/rss.xml?limit=5`). */
  search: string;
  extraLinks?: FeedLink[];
  /** Folder of this feed's files on the Worker (`/me/{token}/`); default the scope's. */
  basePath?: string;
  /** Replaces the site's or term's title (a personal feed). */
  title?: string;
}

/** `bodies` parallel to `articles` (omitted: a document for its metadata only). */
export function buildFeedDocument(
  content: Pick<Content, "term">,
  settings: SiteSettings,
  query: FeedQuery,
  articles: readonly Article[],
  options: DocumentOptions,
  bodies: readonly string[] = [],
): FeedDocument {
  const term = query.scope ? content.term(query.scope.kind, query.scope.slug) : undefined;
  const base = options.basePath ?? scopePath(query.scope);
  const url = (format: FeedFormat) => publicUrl(settings, base + FORMAT_FILE[format] + options.search);
  const formatUrls = { rss: url("rss"), atom: url("atom"), json: url("json") };
  const newest = articles.reduce((max, a) => (a.updatedMs > max.ms ? { ms: a.updatedMs, iso: a.updated } : max), {
    ms: -Infinity,
    iso: isoUtc(0),
  });
  const site = trimBase(settings.SITE_URL);
  return {
    meta: {
      title: options.title ?? (term ? `${settings.SITE_TITLE} · ${kindLabel(messagesFor(settings.SITE_LANGUAGE), term.kind)}: ${term.name}` : settings.SITE_TITLE),
      description: term ? `${settings.SITE_DESCRIPTION} — ${term.name}` : settings.SITE_DESCRIPTION,
      language: settings.SITE_LANGUAGE,
      homeUrl: site + scopePath(query.scope),
      selfUrl: formatUrls[options.format],
      formatUrls,
      author: settings.SITE_AUTHOR,
      updated: newest.iso,
      generator: "Tidings",
      links: options.extraLinks ?? [],
    },
    items: articles.map((a, i) => toFeedItem(a, bodies[i] ?? "", settings.SITE_URL)),
  };
}
