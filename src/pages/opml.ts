/** OPML 2.0 (http://opml.org/spec2.opml) subscription list of the directory. */
import type { FeedFormat } from "../lib/feed-formats.js";
import { messagesFor } from "../i18n/index.js";
import { isoUtc, rfc822 } from "../lib/dates.js";
import { element, escapeAttr } from "../lib/xml.js";
import type { Directory, FeedEntry } from "./directory.js";

export interface OpmlOptions {
  title: string;
  ownerName: string;
  /** Where this OPML lives (OPML 2.0 `docs` is the spec; `ownerId` is us). */
  ownerId: string;
  format: FeedFormat;
  language: string;
}

function outline(e: FeedEntry, format: FeedFormat, language: string): string {
  // Subscription lists use type="rss" whatever the feed's format (OPML 2.0 §"Subscription lists").
  return element("outline", {
    type: "rss",
    text: e.title,
    title: e.title,
    xmlUrl: e.urls[format],
    htmlUrl: e.homeUrl,
    description: e.description,
    language,
  });
}

export function renderOpml(dir: Directory, options: OpmlOptions): string {
  const group = (text: string, entries: FeedEntry[]) =>
    [`<outline text="${escapeAttr(text)}" title="${escapeAttr(text)}">`, ...entries.map((e) => "  " + outline(e, options.format, options.language)), "</outline>"];
  const t = messagesFor(options.language);
  const modified = dir.newestMs ? rfc822(isoUtc(dir.newestMs)) : undefined;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<opml version="2.0">',
    "<head>",
    element("title", null, options.title),
    ...(modified ? [element("dateCreated", null, modified), element("dateModified", null, modified)] : []),
    element("ownerName", null, options.ownerName),
    element("ownerId", null, options.ownerId),
    element("docs", null, "http://opml.org/spec2.opml"),
    "</head>",
    "<body>",
    ...group(t.feeds.site, [dir.site]),
    ...group(t.terms.topics, dir.topics),
    ...group(t.terms.tags, dir.tags),
    "</body>",
    "</opml>",
    "",
  ].join("\n");
}
