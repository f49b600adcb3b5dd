import type { TermKind } from "../lib/terms.js";

/** One published (non-draft) article, as the content build compiles it. */
export interface Article {
  /** Stable identity: the article's permalink; used as RSS guid, Atom id and JSON id. */
  id: string;
  slug: string;
  /** Absolute permalink on SITE_URL. */
  url: string;
  title: string;
  /** RFC 3339 with the author's original offset, e.g. `2025-06-27T09:10:04+08:00`. */
  date: string;
  /** `date` as epoch milliseconds: decides visibility (future articles) and order. */
  published: number;
  /** RFC 3339, from `lastmod`/`updated`, else `date`. */
  updated: string;
  updatedMs: number;
  /** Plain text: front-matter summary/description, else a grapheme-safe excerpt. */
  summary: string;
  authors: string[];
  tags: string[];
  tagSlugs: string[];
  topics: string[];
  topicSlugs: string[];
  categories: string[];
  image?: { url: string; type: string };
  /** Source file, relative to the content folder. */
  source: string;
}

export interface Term {
  kind: TermKind;
  slug: string;
  /** Display name (the first spelling met in the content). */
  name: string;
}

/** Shape of the generated module `src/generated/content.js`: which content version the Worker was built with. */
export interface ContentManifest {
  hash: string;
  siteUrl: string;
  /** Articles in the store, future-dated included. */
  articles: number;
}

/** Everything the content build compiles, in memory (the store is written from it). */
export interface CompiledContent {
  /** SHA-256 (hex) of everything below: changes whenever any output byte would. */
  hash: string;
  siteUrl: string;
  /** Newest first (by `published`, then id), future-dated included; drafts never. */
  articles: Article[];
  /** Rendered HTML bodies, parallel to `articles`. */
  bodies: string[];
  tags: Term[];
  topics: Term[];
}
