/**
 * The articles of a digest (pure). A run freezes snapshots of its candidate articles, so
 * a retried batch renders byte-identical mail even if content is redeployed meanwhile.
 */
import type { Article } from "../content/index.js";

export interface DigestItem {
  id: string;
  title: string;
  url: string;
  /** RFC 3339 with the author's offset. */
  date: string;
  summary: string;
  image?: string;
  topics: string[];
  tags: string[];
  firstSeen: number;
}

export interface Filters {
  /** Topic slugs; empty = every topic. */
  topics: readonly string[];
  /** Tag slugs; empty = every tag. */
  tags: readonly string[];
}

/** How far back a run looks for items (covers a weekly cadence with slack). */
export const LOOKBACK_MS = 35 * 24 * 3_600_000;

/**
 * Most items listed in one email (the newest; e.g. the first mail after a pause); the
 * rest are counted, with a link to them.
 */
export const MAX_LISTED = 50;

export function snapshot(article: Article, firstSeen: number): DigestItem {
  const item: DigestItem = {
    id: article.id,
    title: article.title,
    url: article.url,
    date: article.date,
    summary: article.summary,
    topics: article.topicSlugs,
    tags: article.tagSlugs,
    firstSeen,
  };
  if (article.image) item.image = article.image.url;
  return item;
}

/** OR within a dimension, AND across (as the feed filters); empty = everything. */
export function matches(item: Pick<DigestItem, "topics" | "tags">, filters: Filters): boolean {
  const topicOk = filters.topics.length === 0 || filters.topics.some((t) => item.topics.includes(t));
  const tagOk = filters.tags.length === 0 || filters.tags.some((t) => item.tags.includes(t));
  return topicOk && tagOk;
}

/**
 * Where a subscriber's next mail starts: after their last digest's window end, else after
 * they confirmed (or signed up), and never further back than `floor` (the run's lookback).
 * Items first seen after this are new for them.
 */
export function windowStart(subscriber: { digestThrough: number | null; confirmedAt: number | null; createdAt: number }, floor: number): number {
  return Math.max(subscriber.digestThrough ?? subscriber.confirmedAt ?? subscriber.createdAt, floor);
}

/** Indices of the items first seen after `since` that match the filters. */
export function selectItems(items: readonly DigestItem[], since: number, filters: Filters): number[] {
  const out: number[] = [];
  items.forEach((item, i) => {
    if (item.firstSeen > since && matches(item, filters)) out.push(i);
  });
  return out;
}

/** Parses a JSON array of slugs stored in D1; anything else = no filter. */
export function slugList(json: unknown): string[] {
  if (typeof json !== "string") return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}
