import { element, escapeAttr, escapeText, lines, markupText } from "../lib/xml.js";
import type { FeedDocument } from "./model.js";
import { MEDIA_TYPES } from "../lib/feed-formats.js";
import { FH_ARCHIVE } from "./model.js";

/**
 * Atom 1.0 (RFC 4287), as chunks: the head, one per entry, the tail (render.ts). Titles
 * are `type="text"`, so `AT&T <C++>` shows as written.
 */
export function renderAtomChunks({ meta, items }: FeedDocument): string[] {
  const head: string[] = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:media="http://search.yahoo.com/mrss/" xml:lang="${escapeText(meta.language)}">`,
    element("id", null, meta.selfUrl),
    element("title", { type: "text" }, meta.title),
    element("subtitle", { type: "text" }, meta.description),
    element("updated", null, meta.updated),
    element("link", { rel: "self", type: MEDIA_TYPES.atom, href: meta.selfUrl }),
    element("link", { rel: "alternate", type: "text/html", href: meta.homeUrl }),
    ...meta.links.map((l) => element("link", { rel: l.rel, type: l.type, href: l.href })),
    ...(meta.archive ? [FH_ARCHIVE] : []),
    `<author>${element("name", null, meta.author)}</author>`,
    element("generator", null, meta.generator),
  ];
  const chunks = [lines(head)];
  for (const item of items) {
    const out = [
      "<entry>",
      element("id", null, item.id),
      element("title", { type: "text" }, item.title),
      element("link", { rel: "alternate", type: "text/html", href: item.url }),
      element("published", null, item.published),
      element("updated", null, item.updated),
      ...item.authors.map((a) => `<author>${element("name", null, a)}</author>`),
      // The hottest element (one per tag and topic of every item): written directly.
      ...item.categories.map((c) => {
        const label = escapeAttr(c.label);
        return `<category term="${label}" scheme="${escapeAttr(c.scheme)}" label="${label}"/>`;
      }),
      element("summary", { type: "text" }, item.summary),
      `<content type="html">${markupText(item.contentHtml)}</content>`,
    ];
    if (item.image) {
      out.push(
        element("link", { rel: "enclosure", type: item.image.type, href: item.image.url, length: 0 }),
        element("media:thumbnail", { url: item.image.url }),
      );
    }
    out.push("</entry>");
    chunks.push(lines(out));
  }
  chunks.push(lines(["</feed>"]));
  return chunks;
}
