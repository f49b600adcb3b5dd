/**
 * Compiled content (articles newest first + terms) → the store's index and packs. Pure;
 * the build writes what this returns, and tests build an in-memory store from it.
 */
import { rememberingTermSlug, termSlug, type TermKind } from "../lib/terms.js";
import {
  encodeBodies,
  FORMAT_VERSION,
  PACK_SIZE,
  packCount,
  packOf,
  TERM_BODY_CHUNK,
  TERM_PACK_ITEMS,
  TERM_PACK_SPREAD,
  type IndexArrays,
  type IndexHeader,
  type TermPackEntry,
} from "./format.js";
import type { Article, Term } from "./types.js";

export interface IndexInput {
  hash: string;
  siteUrl: string;
  /** Newest first, future-dated included. */
  articles: readonly Pick<Article, "published" | "updatedMs" | "tags" | "tagSlugs" | "topics" | "topicSlugs" | "categories" | "source">[];
  tags: readonly Term[];
  topics: readonly Term[];
}

const SLUG_FIELD = { tags: "tagSlugs", topics: "topicSlugs" } as const;
const NAME_FIELD = { tags: "tags", topics: "topics" } as const;

/** `given` plus any term an article carries that it lacks (named as first met, oldest first), by slug. */
function allTerms(kind: TermKind, given: readonly Term[], articles: IndexInput["articles"]): Term[] {
  const terms = new Map(given.map((t) => [t.slug, t]));
  for (let i = articles.length - 1; i >= 0; i--) {
    const a = articles[i]!;
    a[SLUG_FIELD[kind]].forEach((slug, j) => {
      if (!terms.has(slug)) terms.set(slug, { kind, slug, name: a[NAME_FIELD[kind]][j] ?? slug });
    });
  }
  return [...terms.values()].sort((x, y) => (x.slug < y.slug ? -1 : x.slug > y.slug ? 1 : 0));
}

export function compileIndex(input: IndexInput, packSize = PACK_SIZE): { header: IndexHeader; arrays: IndexArrays } {
  const n = input.articles.length;
  const published = new Float64Array(n);
  const updated = new Float64Array(n);
  input.articles.forEach((a, i) => {
    published[i] = a.published;
    updated[i] = a.updatedMs;
  });
  const postingsOf = (kind: TermKind, terms: readonly Term[]) => {
    const slot = new Map(terms.map((t, i) => [t.slug, i]));
    const lists: number[][] = terms.map(() => []);
    input.articles.forEach((a, position) => {
      for (const slug of a[SLUG_FIELD[kind]]) {
        const i = slot.get(slug);
        // Positions only grow: a slug an article lists twice is the last one pushed.
        if (i !== undefined && lists[i]!.at(-1) !== position) lists[i]!.push(position);
      }
    });
    const starts = new Uint32Array(terms.length + 1);
    lists.forEach((l, i) => (starts[i + 1] = starts[i]! + l.length));
    const postings = new Uint32Array(starts[terms.length]!);
    lists.forEach((l, i) => postings.set(l, starts[i]!));
    return { starts, postings };
  };
  const categories = new Map<string, number>();
  const folders = new Set<string>();
  // A site has a few categories on every article: each name slugged once.
  const slugOf = rememberingTermSlug();
  input.articles.forEach((a, position) => {
    for (const c of a.categories) categories.set(slugOf(c), position);
    const slash = a.source.indexOf("/");
    if (slash >= 0) folders.add(a.source.slice(0, slash));
  });
  const sections = new Set([...folders].map((f) => termSlug(f)));
  const tagTerms = allTerms("tags", input.tags, input.articles);
  const topicTerms = allTerms("topics", input.topics, input.articles);
  const tags = postingsOf("tags", tagTerms);
  const topics = postingsOf("topics", topicTerms);
  const termPacks = {
    tags: termPacksOf(tagTerms, tags, n, packSize),
    topics: termPacksOf(topicTerms, topics, n, packSize),
  };
  return {
    header: {
      version: FORMAT_VERSION,
      hash: input.hash,
      siteUrl: input.siteUrl,
      count: n,
      packSize,
      tags: tagTerms.map((t) => [t.slug, t.name]),
      topics: topicTerms.map((t) => [t.slug, t.name]),
      categories: [...categories].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      sections: [...sections].sort(),
      termPacks,
    },
    arrays: { published, updated, starts: { tags: tags.starts, topics: topics.starts }, postings: { tags: tags.postings, topics: topics.postings } },
  };
}

/** FNV-1a of a slug, 8 hex digits: a term pack's file name that stays put as other terms come and go. */
function fileId(slug: string): string {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(slug)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/**
 * The terms whose newest articles are scattered: over more packs than they would fill,
 * plus TERM_PACK_SPREAD (a term on most articles gets none).
 */
function termPacksOf(terms: readonly Term[], lists: { starts: Uint32Array; postings: Uint32Array }, count: number, packSize: number): TermPackEntry[] {
  const out: TermPackEntry[] = [];
  const ids = new Set<string>();
  terms.forEach((term, i) => {
    const from = lists.starts[i]!;
    const items = Math.min(TERM_PACK_ITEMS, lists.starts[i + 1]! - from);
    const packs = new Set<number>();
    for (let j = from; j < from + items; j++) packs.add(packOf(lists.postings[j]!, count, packSize).pack);
    if (packs.size <= Math.ceil(items / packSize) + TERM_PACK_SPREAD) return;
    let id = fileId(term.slug);
    for (let n = 2; ids.has(id); n++) id = `${fileId(term.slug)}-${n}`;
    ids.add(id);
    out.push([i, items, id]);
  });
  return out;
}

/** Positions (newest first) held by term pack `entry` of `kind`. */
export function termPackPositions(arrays: IndexArrays, kind: TermKind, entry: TermPackEntry): Uint32Array {
  const from = arrays.starts[kind][entry[0]]!;
  return arrays.postings[kind].subarray(from, from + entry[1]);
}

/**
 * A term pack's positions (newest first) in body chunks: counted from the oldest, oldest
 * first within each, as packs are, so a term's new article changes only the newest chunk
 * while the term has fewer than TERM_PACK_ITEMS articles.
 */
export function termChunks(positions: readonly number[]): number[][] {
  const oldestFirst = [...positions].reverse();
  const out: number[][] = [];
  for (let c = 0; c * TERM_BODY_CHUNK < oldestFirst.length; c++) out.push(oldestFirst.slice(c * TERM_BODY_CHUNK, (c + 1) * TERM_BODY_CHUNK));
  return out;
}

/** Chunk and slot of the article of term-pack rank `rank` (0 = newest) among `items`. */
export function termChunkOf(rank: number, items: number): { chunk: number; slot: number } {
  const age = items - 1 - rank;
  return { chunk: Math.floor(age / TERM_BODY_CHUNK), slot: age % TERM_BODY_CHUNK };
}

/** Metadata and body chunks of every term pack, as the store holds them. */
export function* compileTermPacks(
  header: IndexHeader,
  arrays: IndexArrays,
  articles: readonly Article[],
  bodies: readonly string[],
): Generator<{ kind: TermKind; id: string; meta: Article[]; chunks: Uint8Array[] }> {
  for (const kind of ["tags", "topics"] as const) {
    for (const entry of header.termPacks[kind]) {
      const positions = [...termPackPositions(arrays, kind, entry)];
      const chunks = termChunks(positions).map((chunk) => encodeBodies(chunk.map((p) => bodies[p]!)));
      yield { kind, id: entry[2], meta: positions.map((p) => articles[p]!), chunks };
    }
  }
}

/** Positions (newest first) held by pack `k`, oldest first as the pack stores them. */
export function packPositions(k: number, count: number, packSize = PACK_SIZE): number[] {
  const out: number[] = [];
  for (let rank = k * packSize; rank < Math.min(count, (k + 1) * packSize); rank++) out.push(count - 1 - rank);
  return out;
}

/** Metadata and bodies of every pack, as the store holds them. */
export function* compilePacks(
  articles: readonly Article[],
  bodies: readonly string[],
  packSize = PACK_SIZE,
): Generator<{ pack: number; meta: Article[]; bodies: Uint8Array }> {
  for (let k = 0; k < packCount(articles.length, packSize); k++) {
    const positions = packPositions(k, articles.length, packSize);
    yield { pack: k, meta: positions.map((p) => articles[p]!), bodies: encodeBodies(positions.map((p) => bodies[p]!)) };
  }
}
