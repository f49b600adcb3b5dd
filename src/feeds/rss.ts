import { rfc822 } from "../lib/dates.js";
import { element, escapeAttr, escapeText, lines, markupText } from "../lib/xml.js";
import type { FeedDocument } from "./model.js";
import { MEDIA_TYPES } from "../lib/feed-formats.js";
import { FH_ARCHIVE } from "./model.js";

/**
 * RSS 2.0 with the content, dc, atom and media namespaces, as chunks: the head, one per
 * item, the tail (render.ts: their concatenation is the document).
 */
export function renderRssChunks({ meta, items }: FeedDocument): string[] {
  const head: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">',
    "<channel>",
    element("title", null, meta.title),
    element("link", null, meta.homeUrl),
    element("description", null, meta.description),
    element("language", null, meta.language),
    element("generator", null, meta.generator),
    element("lastBuildDate", null, rfc822(meta.updated)),
    element("atom:link", { href: meta.selfUrl, rel: "self", type: MEDIA_TYPES.rss }),
    ...meta.links.map((l) => element("atom:link", { href: l.href, rel: l.rel, type: l.type })),
    ...(meta.archive ? [FH_ARCHIVE] : []),
  ];
  const chunks = [lines(head)];
  for (const item of items) {
    const out = [
      "<item>",
      element("title", null, item.title),
      element("link", null, item.url),
      element("guid", { isPermaLink: item.id === item.url ? "true" : "false" }, item.id),
      element("pubDate", null, rfc822(item.published)),
      ...item.authors.map((a) => element("dc:creator", null, a)),
      // The hottest element (one per tag and topic of every item): written directly.
      ...item.categories.map((c) => `<category domain="${escapeAttr(c.scheme)}">${escapeText(c.label)}</category>`),
      element("description", null, item.summary),
      `<content:encoded>${markupText(item.contentHtml)}</content:encoded>`,
    ];
    if (item.image) {
      out.push(
        element("enclosure", { url: item.image.url, length: 0, type: item.image.type }),
        element("media:content", { url: item.image.url, medium: "image", type: item.image.type }),
      );
    }
    out.push("</item>");
    chunks.push(lines(out));
  }
  chunks.push(lines(["</channel>", "</rss>"]));
  return chunks;
}
