/**
 * RFC 5005 §4 archived feeds, as pure arithmetic over a newest-first list.
 *
 * Archive pages are fixed-size chunks counted from the OLDEST item: page 1 holds the
 * oldest `pageSize` items, page 2 the next ones, and so on. Only complete chunks are
 * archives, so a new article never changes what an archive page holds.
 *
 * The current document always holds the `limit` newest items (fewer only when fewer
 * exist), as every reader that ignores RFC 5005 expects. The archives are just enough
 * chunks to hold every item older than that, so the current document overlaps the newest
 * archive by 0 to `pageSize - 1` items (RFC 5005 §4 allows it: clients merge by id and the
 * newer document wins). Walking prev-archive from the current document reaches every
 * item, and each item is in exactly one archive page or only in the current document.
 */
import type { FeedLink } from "./model.js";

export interface ArchivePlan {
  /** Items per archive page: half the feed's limit (rounded up). */
  pageSize: number;
  /** Number of complete archive pages (0 when the whole history fits the current feed). */
  pages: number;
  total: number;
  /** Items of the current document (at most). */
  limit: number;
}

export function archivePlan(total: number, limit: number): ArchivePlan {
  const pageSize = Math.ceil(limit / 2);
  // Enough complete chunks for every item older than the current document's `limit`;
  // pageSize <= limit, so they never reach past what exists.
  const pages = Math.max(0, Math.ceil((total - limit) / pageSize));
  return { pageSize, pages, total, limit };
}

/**
 * The items of the current document (`page` undefined) or of archive page `page`
 * (1 = oldest), newest first; `undefined` when that archive page does not exist.
 */
export function pageItems<T>(newestFirst: { slice(start: number, end?: number): T[] }, plan: ArchivePlan, page?: number): T[] | undefined {
  const { pageSize, pages, total, limit } = plan;
  if (page === undefined) return newestFirst.slice(0, limit);
  if (!Number.isInteger(page) || page < 1 || page > pages) return undefined;
  return newestFirst.slice(total - page * pageSize, total - (page - 1) * pageSize);
}

/**
 * Links of one document of the chain. `urlOf(undefined)` is the current document,
 * `urlOf(n)` archive page n. Older documents get both `prev-archive` (RFC 5005 §4) and
 * `next` (paged feeds, RFC 5005 §3, and JSON Feed's `next_url`).
 */
export function pagingLinks(plan: ArchivePlan, page: number | undefined, urlOf: (page?: number) => string, type: string): FeedLink[] {
  const links: FeedLink[] = [];
  const older = page === undefined ? plan.pages : page - 1;
  if (page !== undefined) links.push({ rel: "current", href: urlOf(), type });
  if (older >= 1) {
    links.push({ rel: "prev-archive", href: urlOf(older), type }, { rel: "next", href: urlOf(older), type });
  }
  if (page !== undefined && page < plan.pages) links.push({ rel: "next-archive", href: urlOf(page + 1), type });
  return links;
}
