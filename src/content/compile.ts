/**
 * Compiled content (articles newest first + terms) → the store's index and packs. Pure;
 * the build writes what this returns, and tests build an in-memory store from it.
 */
import { termSlug, type TermKind } from "../lib/terms.js";
import { encodeBodies, FORMAT_VERSION, PACK_SIZE, packCount, type IndexArrays, type IndexHeader } from "./format.js";
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
      for (const slug of new Set(a[SLUG_FIELD[kind]])) {
        const i = slot.get(slug);
        if (i !== undefined) lists[i]!.push(position);
      }
    });
    const starts = new Uint32Array(terms.length + 1);
    lists.forEach((l, i) => (starts[i + 1] = starts[i]! + l.length));
    const postings = new Uint32Array(starts[terms.length]!);
    lists.forEach((l, i) => postings.set(l, starts[i]!));
    return { starts, postings };
  };
  const categories = new Map<string, number>();
  const sections = new Set<string>();
  input.articles.forEach((a, position) => {
    for (const c of a.categories) categories.set(termSlug(c), position);
    if (a.source.includes("/")) sections.add(termSlug(a.source.split("/")[0]!));
  });
  const tagTerms = allTerms("tags", input.tags, input.articles);
  const topicTerms = allTerms("topics", input.topics, input.articles);
  const tags = postingsOf("tags", tagTerms);
  const topics = postingsOf("topics", topicTerms);
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
    },
    arrays: { published, updated, starts: { tags: tags.starts, topics: topics.starts }, postings: { tags: tags.postings, topics: topics.postings } },
  };
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
