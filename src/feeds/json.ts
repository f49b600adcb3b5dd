import { cleanText as t } from "../lib/xml.js";
import type { FeedDocument } from "./model.js";

/**
 * JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), as chunks: the feed up to its
 * `items` array, one per item, the end (render.ts). Every string goes through the same
 * character policy as the XML formats (`cleanText`), so all formats carry identical text;
 * no `JSON.stringify` replacer, which would take V8 off its fast path.
 */
export function renderJsonFeedChunks({ meta, items }: FeedDocument): string[] {
  const next = meta.links.find((l) => l.rel === "next");
  const hubs = meta.links.filter((l) => l.rel === "hub").map((l) => ({ type: "WebSub", url: t(l.href) }));
  // `items` is the last member: the head is this object's JSON without its closing `]}`.
  const head = JSON.stringify({
    version: "https://jsonfeed.org/version/1.1",
    title: t(meta.title),
    home_page_url: t(meta.homeUrl),
    feed_url: t(meta.selfUrl),
    description: t(meta.description),
    language: t(meta.language),
    authors: [{ name: t(meta.author) }],
    ...(next ? { next_url: t(next.href) } : {}),
    ...(hubs.length ? { hubs } : {}),
    items: [],
  });
  const chunks = [head.slice(0, -"]}".length)];
  items.forEach((item, i) => {
    const json = JSON.stringify({
      id: t(item.id),
      url: t(item.url),
      title: t(item.title),
      summary: t(item.summary),
      content_html: t(item.contentHtml),
      ...(item.image ? { image: t(item.image.url) } : {}),
      date_published: t(item.published),
      date_modified: t(item.updated),
      ...(item.authors.length ? { authors: item.authors.map((name) => ({ name: t(name) })) } : {}),
      tags: [...new Set(item.categories.map((c) => t(c.label)))],
    });
    // Separate chunks, not `"," + json`: a rope that encoding would first copy flat.
    if (i > 0) chunks.push(",");
    chunks.push(json);
  });
  chunks.push("]}\n");
  return chunks;
}
