/**
 * The feed vocabulary, in one place: the formats, the file names that select them (add
 * an alias here), the canonical file of each, its media type and its name for people.
 * Hugo-only URLs (`/index.xml` under sections, `/feed/`…) live in src/feeds/hugo.ts.
 */

/** File name → format. `index.xml` is Hugo's name for RSS. */
export const FEED_FILES = {
  "rss.xml": "rss",
  "index.xml": "rss",
  "atom.xml": "atom",
  "feed.json": "json",
} as const;

export type FeedFormat = (typeof FEED_FILES)[keyof typeof FEED_FILES];

/** Every format, in the order pages list them. */
export const FEED_FORMATS: readonly FeedFormat[] = ["rss", "atom", "json"];

/** The canonical file of each format (the one links and self URLs use). */
export const FORMAT_FILE: Record<FeedFormat, string> = {
  rss: "rss.xml",
  atom: "atom.xml",
  json: "feed.json",
};

export const MEDIA_TYPES: Record<FeedFormat, string> = {
  rss: "application/rss+xml",
  atom: "application/atom+xml",
  json: "application/feed+json",
};

export const FORMAT_NAMES: Record<FeedFormat, string> = { rss: "RSS", atom: "Atom", json: "JSON Feed" };

/** Media types a feed reader's Accept may name: the three above and their generic parents. */
export const FEED_ACCEPT_TYPES: readonly string[] = [...Object.values(MEDIA_TYPES), "application/xml", "text/xml", "application/json"];
