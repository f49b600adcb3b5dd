import { stripInvalidXmlChars } from "../lib/xml.js";
import type { FeedDocument } from "./model.js";

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
export function renderJsonFeed({ meta, items }: FeedDocument): string {
  const next = meta.links.find((l) => l.rel === "next");
  const hubs = meta.links.filter((l) => l.rel === "hub").map((l) => ({ type: "WebSub", url: l.href }));
  const feed = {
    version: "https://jsonfeed.org/version/1.1",
    title: meta.title,
    home_page_url: meta.homeUrl,
    feed_url: meta.selfUrl,
    description: meta.description,
    language: meta.language,
    authors: [{ name: meta.author }],
    ...(next ? { next_url: next.href } : {}),
    ...(hubs.length ? { hubs } : {}),
    items: items.map((item) => ({
      id: item.id,
      url: item.url,
      title: item.title,
      summary: item.summary,
      content_html: item.contentHtml,
      ...(item.image ? { image: item.image.url } : {}),
      date_published: item.published,
      date_modified: item.updated,
      ...(item.authors.length ? { authors: item.authors.map((name) => ({ name })) } : {}),
      tags: [...new Set(item.categories.map((c) => c.label))],
    })),
  };
  // Same character policy as the XML formats, so every format carries identical text.
  return JSON.stringify(feed, (_key, value: unknown) =>
    typeof value === "string" ? stripInvalidXmlChars(value) : value,
  ) + "\n";
}
