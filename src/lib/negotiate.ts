/**
 * Content negotiation, in one place: hono's `parseAccept` (quoted parameters, `q` in any
 * case, RFC 9110 §12.5.1) read through the most specific matching range.
 *
 * - `wantsJson`: error answers and subscriber endpoints give JSON when the client prefers
 *   it to HTML.
 * - `wantsBrowserView`: a person who opens a feed URL in a browser makes a top-level
 *   navigation (`Sec-Fetch-Mode: navigate`) whose Accept prefers `text/html` over every
 *   feed type. Feed readers send no Sec-Fetch headers, and `fetch()` from a page is not a
 *   navigation, so both always get the feed.
 */
import { parseAccept } from "hono/utils/accept";
import { FEED_ACCEPT_TYPES } from "./feed-formats.js";

export interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** The media ranges of an Accept header, lower-cased; malformed members are skipped. */
export function acceptRanges(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  for (const { type: range, q } of parseAccept(header)) {
    const [type, subtype, ...rest] = range.toLowerCase().split("/");
    if (!type || !subtype || rest.length) continue;
    out.push({ type, subtype, q });
  }
  return out;
}

/** The q-value Accept gives `mediaType`, from its most specific matching range. */
export function quality(ranges: readonly MediaRange[], mediaType: string): number {
  const [type, subtype] = mediaType.split("/");
  let best = { specificity: -1, q: 0 };
  for (const r of ranges) {
    const specificity =
      r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === "*" ? 1 : r.type === "*" && r.subtype === "*" ? 0 : -1;
    if (specificity > best.specificity) best = { specificity, q: r.q };
  }
  return best.q;
}

/** JSON (`application/json` or JSON Feed) preferred over HTML by the client's q-values. */
export function wantsJson(req: Request): boolean {
  const accept = req.headers.get("accept");
  if (!accept) return false;
  const ranges = acceptRanges(accept);
  const json = Math.max(quality(ranges, "application/json"), quality(ranges, "application/feed+json"));
  return json > 0 && json > quality(ranges, "text/html");
}

export function wantsBrowserView(headers: Headers): boolean {
  if (headers.get("sec-fetch-mode") !== "navigate") return false;
  const ranges = acceptRanges(headers.get("accept") ?? "");
  const html = quality(ranges, "text/html");
  return html > 0 && FEED_ACCEPT_TYPES.every((t) => quality(ranges, t) < html);
}

/** Feeds vary by these request headers (the browser view, and compression). */
export const FEED_VARY = "Accept, Sec-Fetch-Mode, Accept-Encoding";
