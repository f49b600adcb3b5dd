/**
 * Every feed format as chunks whose concatenation is the document (the head, one per item,
 * the tail), and as one string. The service encodes the chunks (src/lib/utf8.ts): a whole
 * document's string (a few hundred KB for 20 items) would land in V8's large-object space,
 * which only a full collection frees.
 */
import type { FeedFormat } from "../lib/feed-formats.js";
import { renderAtomChunks } from "./atom.js";
import { renderJsonFeedChunks } from "./json.js";
import type { FeedDocument } from "./model.js";
import { renderRssChunks } from "./rss.js";

export const RENDER_CHUNKS: Record<FeedFormat, (doc: FeedDocument) => string[]> = {
  rss: renderRssChunks,
  atom: renderAtomChunks,
  json: renderJsonFeedChunks,
};

/** The whole document as one string (tests, tools, the benchmark). */
export const RENDERERS: Record<FeedFormat, (doc: FeedDocument) => string> = {
  rss: (doc) => renderRssChunks(doc).join(""),
  atom: (doc) => renderAtomChunks(doc).join(""),
  json: (doc) => renderJsonFeedChunks(doc).join(""),
};
