/**
 * The one item model every feed format is written from. Pure data: no Worker APIs.
 */
import type { FeedFormat } from "../lib/feed-formats.js";

export interface FeedLink {
  rel: string;
  href: string;
  type?: string;
}

export interface FeedCategory {
  /** Display name, written as the text users see. */
  label: string;
  /** Scheme URI of the taxonomy (`https://site/tags/`). */
  scheme: string;
}

export interface FeedItem {
  id: string;
  url: string;
  title: string;
  summary: string;
  contentHtml: string;
  /** RFC 3339 with the original offset. */
  published: string;
  updated: string;
  authors: string[];
  categories: FeedCategory[];
  image?: { url: string; type: string };
}

export interface FeedMeta {
  title: string;
  description: string;
  language: string;
  /** The HTML page this feed mirrors (site home or term page). */
  homeUrl: string;
  /** This feed's own URL, in the format being written. */
  selfUrl: string;
  /** The same feed in each format (for alternates). */
  formatUrls: Record<FeedFormat, string>;
  author: string;
  /** RFC 3339: the newest item's `updated` (never "now", so bytes stay stable). */
  updated: string;
  generator: string;
  /** Extra links: RFC 5005 paging, WebSub hubs (`rel="hub"`). */
  links: FeedLink[];
  /** An RFC 5005 archive document: RSS and Atom carry `<fh:archive/>`. */
  archive?: boolean;
}

export interface FeedDocument {
  meta: FeedMeta;
  items: FeedItem[];
}

/** RFC 5005 §4 archive marker, with its namespace declared in place. */
export const FH_ARCHIVE = '<fh:archive xmlns:fh="http://purl.org/syndication/history/1.0"/>';
