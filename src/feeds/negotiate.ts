/**
 * Browser view or feed? A person who opens a feed URL in a browser makes a top-level
 * navigation (`Sec-Fetch-Mode: navigate`) whose Accept prefers `text/html` over every
 * feed type. Feed readers send no Sec-Fetch headers, and `fetch()` from a page is not a
 * navigation, so both always get the feed.
 */

const FEED_TYPES = [
  "application/rss+xml",
  "application/atom+xml",
  "application/feed+json",
  "application/xml",
  "text/xml",
  "application/json",
];

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

export function parseAccept(header: string): MediaRange[] {
  const out: MediaRange[] = [];
  for (const part of header.split(",")) {
    const [range = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const [type, subtype] = range.split("/");
    if (!type || !subtype) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) q = Math.min(1, Math.max(0, Number(m[1]) || 0));
    }
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
      r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === "*" ? 1 : r.type === "*" ? 0 : -1;
    if (specificity > best.specificity) best = { specificity, q: r.q };
  }
  return best.q;
}

export function wantsBrowserView(headers: Headers): boolean {
  if (headers.get("sec-fetch-mode") !== "navigate") return false;
  const ranges = parseAccept(headers.get("accept") ?? "");
  const html = quality(ranges, "text/html");
  return html > 0 && FEED_TYPES.every((t) => quality(ranges, t) < html);
}

/** Feeds vary by these request headers (the browser view, and compression). */
export const FEED_VARY = "Accept, Sec-Fetch-Mode, Accept-Encoding";
