/** Articles + settings → the format-neutral feed document. */
import type { Article, Content } from "../content/index.js";
import type { SiteConfig } from "../config.js";
import { isoUtc } from "../lib/dates.js";
import { kindLabel, messagesFor } from "../i18n/index.js";
import { scopePath, trimBase, type FeedUrls } from "../lib/urls.js";
import type { FeedCategory, FeedDocument, FeedItem, FeedLink } from "./model.js";
import type { FeedQuery } from "./select.js";

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
  /** The document's self URL and alternates (`feedUrls` in src/lib/urls.ts). */
  urls: Pick<FeedUrls, "self" | "formats">;
  extraLinks?: FeedLink[];
  /** Replaces the site's or term's title (a personal feed). */
  title?: string;
}

/** `bodies` parallel to `articles` (omitted: a document for its metadata only). */
export function buildFeedDocument(
  content: Pick<Content, "term">,
  site: SiteConfig,
  query: FeedQuery,
  articles: readonly Article[],
  options: DocumentOptions,
  bodies: readonly string[] = [],
): FeedDocument {
  const term = query.scope ? content.term(query.scope.kind, query.scope.slug) : undefined;
  const newest = articles.reduce((max, a) => (a.updatedMs > max.ms ? { ms: a.updatedMs, iso: a.updated } : max), {
    ms: -Infinity,
    iso: isoUtc(0),
  });
  return {
    meta: {
      title: options.title ?? (term ? `${site.title} · ${kindLabel(messagesFor(site.language), term.kind)}: ${term.name}` : site.title),
      description: term ? `${site.description} — ${term.name}` : site.description,
      language: site.language,
      homeUrl: trimBase(site.url) + scopePath(query.scope),
      selfUrl: options.urls.self,
      formatUrls: { ...options.urls.formats },
      author: site.author,
      updated: newest.iso,
      generator: "Tidings",
      links: options.extraLinks ?? [],
    },
    items: articles.map((a, i) => toFeedItem(a, bodies[i] ?? "", site.url)),
  };
}
