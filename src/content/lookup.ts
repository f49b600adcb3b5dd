/**
 * The compact index, in memory: visibility, terms, catalogue and selection over typed
 * arrays (no object per article). Pure and synchronous; article metadata and bodies are
 * read separately (src/content/store.ts).
 */
import type { TermKind } from "../lib/terms.js";
import type { IndexArrays, IndexHeader } from "./format.js";
import type { Term } from "./types.js";

export interface TermStats extends Term {
  /** Articles visible now carrying the term. */
  count: number;
  /** Position of the newest of them. */
  newest: number;
}

export interface Filter {
  scope?: { kind: TermKind; slug: string };
  /** Canonical slugs; OR within a dimension, AND across. Empty = no condition. */
  tags: readonly string[];
  topics: readonly string[];
}

/** Positions newest first, as a range or a list (never an object per article). */
export class Selection {
  private constructor(
    private readonly from: number,
    private readonly list: Uint32Array | undefined,
    readonly length: number,
  ) {}
  static range(from: number, to: number): Selection {
    return new Selection(from, undefined, Math.max(0, to - from));
  }
  static of(list: Uint32Array): Selection {
    return new Selection(0, list, list.length);
  }
  at(i: number): number {
    return this.list ? this.list[i]! : this.from + i;
  }
  slice(start: number, end = this.length): number[] {
    const out: number[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i));
    return out;
  }
  /** Bytes held (for byte-bounded caches). */
  get bytes(): number {
    return 32 + (this.list?.byteLength ?? 0);
  }
}

/** First index in the ascending `a[from..to)` whose value is ≥ `x`. */
function lowerBound(a: Uint32Array, x: number, from = 0, to = a.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function union(lists: Uint32Array[]): Uint32Array {
  if (lists.length === 1) return lists[0]!;
  const seen = new Set<number>();
  for (const l of lists) for (const x of l) seen.add(x);
  return Uint32Array.from(seen).sort();
}

function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    j = lowerBound(b, a[i]!, j);
    if (b[j] === a[i]) out[n++] = a[i]!;
  }
  return out.subarray(0, n);
}

export class ContentIndex {
  readonly hash: string;
  readonly siteUrl: string;
  /** Every article, future-dated included. */
  readonly size: number;
  readonly packSize: number;
  private readonly termList: Record<TermKind, Term[]>;
  private readonly termSlot: Record<TermKind, Map<string, number>>;
  private cachedNow = NaN;
  private cachedStart = 0;
  private catalogueStart = -1;
  private readonly categoryList: [string, number][];
  private categoryMemo: { start: number; slugs: ReadonlySet<string> } | undefined;
  /** Hugo sections of the content (every article, future-dated included). */
  readonly sections: ReadonlySet<string>;
  private catalogues: Record<TermKind, Map<string, TermStats>> = { tags: new Map(), topics: new Map() };

  constructor(
    header: IndexHeader,
    private readonly arrays: IndexArrays,
  ) {
    this.hash = header.hash;
    this.siteUrl = header.siteUrl;
    this.size = header.count;
    this.packSize = header.packSize;
    const terms = (kind: TermKind, pairs: [string, string][]) => pairs.map(([slug, name]) => ({ kind, slug, name }));
    this.termList = { tags: terms("tags", header.tags), topics: terms("topics", header.topics) };
    this.categoryList = header.categories;
    this.sections = new Set(header.sections);
    this.termSlot = {
      tags: new Map(header.tags.map(([slug], i) => [slug, i])),
      topics: new Map(header.topics.map(([slug], i) => [slug, i])),
    };
  }

  /** Position of the newest article visible at `now` (articles before it are future-dated). */
  visibleStart(now: number): number {
    if (now === this.cachedNow) return this.cachedStart;
    const { published } = this.arrays;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (published[mid]! > now) lo = mid + 1;
      else hi = mid;
    }
    this.cachedNow = now;
    this.cachedStart = lo;
    return lo;
  }

  visibleCount(now: number): number {
    return this.size - this.visibleStart(now);
  }

  publishedAt(position: number): number {
    return this.arrays.published[position] ?? 0;
  }

  updatedAt(position: number): number {
    return this.arrays.updated[position] ?? 0;
  }

  /** Every term of the content (future articles included): names and slugs only. */
  terms(kind: TermKind): readonly Term[] {
    return this.termList[kind];
  }

  term(kind: TermKind, slug: string): Term | undefined {
    const i = this.termSlot[kind].get(slug);
    return i === undefined ? undefined : this.termList[kind][i];
  }

  private postings(kind: TermKind, slug: string): Uint32Array {
    const i = this.termSlot[kind].get(slug);
    if (i === undefined) return new Uint32Array(0);
    const starts = this.arrays.starts[kind];
    return this.arrays.postings[kind].subarray(starts[i]!, starts[i + 1]!);
  }

  /** Terms with at least one article visible at `now`, with counts; kept per visibility. */
  catalogue(kind: TermKind, now: number): ReadonlyMap<string, TermStats> {
    const start = this.visibleStart(now);
    if (start !== this.catalogueStart) {
      const build = (k: TermKind) => {
        const out = new Map<string, TermStats>();
        for (const term of this.termList[k]) {
          const list = this.postings(k, term.slug);
          const first = lowerBound(list, start);
          if (first < list.length) out.set(term.slug, { ...term, count: list.length - first, newest: list[first]! });
        }
        return out;
      };
      this.catalogues = { tags: build("tags"), topics: build("topics") };
      this.catalogueStart = start;
    }
    return this.catalogues[kind];
  }

  /** Slugs of the categories of the articles visible at `now`. */
  categories(now: number): ReadonlySet<string> {
    const start = this.visibleStart(now);
    if (this.categoryMemo?.start !== start) {
      this.categoryMemo = { start, slugs: new Set(this.categoryList.filter(([, oldest]) => oldest >= start).map(([slug]) => slug)) };
    }
    return this.categoryMemo.slugs;
  }

  /** Every article visible at `now` that the filter selects, newest first. */
  select(filter: Filter, now: number): Selection {
    const start = this.visibleStart(now);
    const conditions: Uint32Array[] = [];
    if (filter.scope) conditions.push(this.postings(filter.scope.kind, filter.scope.slug));
    if (filter.tags.length) conditions.push(union(filter.tags.map((s) => this.postings("tags", s))));
    if (filter.topics.length) conditions.push(union(filter.topics.map((s) => this.postings("topics", s))));
    if (conditions.length === 0) return Selection.range(start, this.size);
    conditions.sort((a, b) => a.length - b.length);
    let list = conditions[0]!;
    for (const other of conditions.slice(1)) list = intersect(list, other);
    return Selection.of(list.subarray(lowerBound(list, start)));
  }
}
