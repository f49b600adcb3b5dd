import type { FeedFormat } from "../lib/feed-formats.js";
import { renderAtom } from "./atom.js";
import { renderJsonFeed } from "./json.js";
import type { FeedDocument } from "./model.js";
import { renderRss } from "./rss.js";

export const RENDERERS: Record<FeedFormat, (doc: FeedDocument) => string> = {
  rss: renderRss,
  atom: renderAtom,
  json: renderJsonFeed,
};
