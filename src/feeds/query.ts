/** Parsing and validating feed URLs: term segments and `?tag=&topic=&limit=`. */
import { quoteInput } from "../lib/quote.js";
import type { Content } from "../content/index.js";
import type { Parsed } from "../lib/parsed.js";
import { termSlug, type TermKind } from "../lib/terms.js";
import type { FeedQuery, FeedScope } from "./select.js";

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** A parse of request text: the value, or the status and reason to answer with. */
export type ParsedRequest<T> = Parsed<T, { status: 400 | 404 }>;

const KIND_NAME: Record<TermKind, string> = { tags: "tag", topics: "topic" };

/** Decodes a raw (percent-encoded) path segment; malformed encoding is a 400. */
export function decodeSegment(raw: string): ParsedRequest<string> {
  try {
    return { ok: true, value: decodeURIComponent(raw) };
  } catch {
    return { ok: false, status: 400, reason: `malformed percent-encoding in ${quoteInput(raw)}` };
  }
}

export function parseFeedQuery(
  params: URLSearchParams,
  scope: FeedScope | undefined,
  content: Pick<Content, "catalogue">,
  now: number,
): ParsedRequest<{ query: FeedQuery; search: string; page?: number }> {
  const lists: Record<TermKind, string[]> = { tags: [], topics: [] };
  for (const [param, kind] of [["tag", "tags"], ["topic", "topics"]] as const) {
    const catalogue = content.catalogue(kind, now);
    for (const value of params.getAll(param)) {
      if (value.trim() === "") continue;
      const slug = termSlug(value);
      if (!catalogue.has(slug)) {
        return { ok: false, status: 404, reason: `unknown ${KIND_NAME[kind]} ${quoteInput(value)} in ?${param}=` };
      }
      if (!lists[kind].includes(slug)) lists[kind].push(slug);
    }
    lists[kind].sort();
  }
  let limit = DEFAULT_LIMIT;
  const rawLimit = params.get("limit");
  if (rawLimit !== null) {
    if (!/^\d{1,6}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > MAX_LIMIT) {
      return { ok: false, status: 400, reason: `limit must be a whole number from 1 to ${MAX_LIMIT}, got ${quoteInput(rawLimit)}` };
    }
    limit = Number(rawLimit);
  }
  let page: number | undefined;
  const rawPage = params.get("page");
  if (rawPage !== null) {
    if (!/^\d{1,9}$/.test(rawPage) || Number(rawPage) < 1) {
      return { ok: false, status: 400, reason: `page must be a whole number of 1 or more (an archive page; 1 is the oldest), got ${quoteInput(rawPage)}` };
    }
    page = Number(rawPage);
  }
  const search = new URLSearchParams();
  lists.tags.forEach((t) => search.append("tag", t));
  lists.topics.forEach((t) => search.append("topic", t));
  if (rawLimit !== null) search.set("limit", String(limit));
  const text = search.toString();
  return {
    ok: true,
    value: {
      query: { ...(scope ? { scope } : {}), tags: lists.tags, topics: lists.topics, limit },
      search: text ? `?${text}` : "",
      ...(page !== undefined ? { page } : {}),
    },
  };
}

/** Term segment → canonical slug; `redirect` when the request spelled it differently. */
export function resolveTerm(
  kind: TermKind,
  rawSegment: string,
  content: Pick<Content, "catalogue">,
  now: number,
): ParsedRequest<{ scope: FeedScope; redirect: boolean }> {
  const decoded = decodeSegment(rawSegment);
  if (!decoded.ok) return decoded;
  const slug = termSlug(decoded.value);
  if (!content.catalogue(kind, now).has(slug)) {
    return { ok: false, status: 404, reason: `unknown ${KIND_NAME[kind]} ${quoteInput(decoded.value)}` };
  }
  // Redirect other spellings of the term (case, spaces, Unicode forms), not other
  // encodings of the canonical one: hex case is equivalent (RFC 3986 §6.2.2.1), and
  // clients that send raw UTF-8 get lower-case hex from some proxies.
  return { ok: true, value: { scope: { kind, slug }, redirect: slug !== decoded.value } };
}
