/**
 * The content store: the compact index plus article metadata and bodies read on demand,
 * a pack at a time, through byte-bounded per-isolate caches: articles' metadata (each on
 * its own) and ids in `CACHE_BUDGETS.content`, body packs copied into the `contentBodies` arena (a fetched
 * pack's buffer dies young; a kept one would be garbage once evicted).
 * Articles scattered over many packs that one term pack holds are read from it instead
 * (format.ts): one file for their metadata, one per 16 bodies.
 */
import { createArenaCache, createByteCache, estimateBytes } from "../lib/cache.js";
import type { TermKind } from "../lib/terms.js";
import { termChunkOf, termPackPositions } from "./compile.js";
import { decodeBody, packOf, type IndexArrays, type IndexHeader } from "./format.js";
import { ContentIndex } from "./lookup.js";
import type { Article } from "./types.js";

/** Where packs come from: the assets binding in the Worker, arrays in tests. */
export interface PackReader {
  /** Metadata of pack `k`, oldest first. */
  meta(pack: number): Promise<Article[]>;
  /** `use(bytes)` with the bodies of pack `k` as written by `encodeBodies` (lent: valid only during `use`). */
  bodies<T>(pack: number, use: (bytes: Uint8Array) => T): Promise<T>;
  /** Every article id, newest first. */
  ids(): Promise<string[]>;
  /** Metadata of a term pack, newest first. */
  termMeta(kind: TermKind, id: string): Promise<Article[]>;
  /** `use(bytes)` with bodies chunk `chunk` of a term pack, as written by `encodeBodies` (lent likewise). */
  termBodies<T>(kind: TermKind, id: string, chunk: number, use: (bytes: Uint8Array) => T): Promise<T>;
}

interface TermPack {
  kind: TermKind;
  id: string;
  /** Positions it holds, newest first (ascending). */
  positions: Uint32Array;
}

/** Index of `x` in the ascending `a`, or -1. */
function indexOf(a: Uint32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return a[lo] === x ? lo : -1;
}

type Entry = Article | string[];

/** What was read, for every Content of the isolate (keys carry its serial): bounded by bytes. */
const readCache = createByteCache<string, Entry>({ name: "content", sizeOf: (value) => estimateBytes(value) });
/** Body packs (and term packs' body chunks) as read, likewise keyed. */
const bodyArena = createArenaCache<string>({ name: "contentBodies" });

let serials = 0;

export class Content extends ContentIndex {
  /** Distinguishes this store's entries in the shared read cache. */
  private readonly serial = ++serials;

  private readonly termPacks: TermPack[];

  constructor(
    header: IndexHeader,
    arrays: IndexArrays,
    private readonly reader: PackReader,
  ) {
    super(header, arrays);
    this.termPacks = (["tags", "topics"] as const).flatMap((kind) =>
      header.termPacks[kind].map((entry) => ({ kind, id: entry[2], positions: termPackPositions(arrays, kind, entry) })),
    );
  }

  /**
   * The term pack to read `positions` from: one that holds them all, when it takes fewer
   * files (its metadata + the body chunks) than the main packs would (metadata + bodies each).
   */
  private termPackFor(positions: readonly number[]): { pack: TermPack; ranks: number[] } | undefined {
    if (positions.length < 2 || this.termPacks.length === 0) return undefined;
    const main = new Set(positions.map((p) => packOf(p, this.size, this.packSize).pack)).size;
    if (main <= 1) return undefined;
    let best: { pack: TermPack; ranks: number[]; files: number } | undefined;
    for (const pack of this.termPacks) {
      if (indexOf(pack.positions, positions[0]!) < 0) continue;
      const ranks = positions.map((p) => indexOf(pack.positions, p));
      if (ranks.some((r) => r < 0)) continue;
      const files = 1 + new Set(ranks.map((r) => termChunkOf(r, pack.positions.length).chunk)).size;
      if (files < 2 * main && (!best || files < best.files)) best = { pack, ranks, files };
    }
    return best;
  }

  /**
   * What was read is shared; reads in flight are not: in Workers a fetch belongs to the
   * request that made it, and another request awaiting it would hang if that one ended.
   */
  private async read<T extends Entry>(key: string, load: () => Promise<T>): Promise<T> {
    const full = `${this.serial}|${key}`;
    const hit = readCache.get(full);
    if (hit) return hit as T;
    const value = await load();
    readCache.set(full, value);
    return value;
  }

  /** Bodies at `slots` of the body file kept as `key`, read with `load` on a miss (and then kept). */
  private async packBodies(
    key: string,
    slots: readonly number[],
    load: (use: (bytes: Uint8Array) => string[]) => Promise<string[]>,
  ): Promise<string[]> {
    const full = `${this.serial}|${key}`;
    const decode = (pack: Uint8Array) => slots.map((slot) => decodeBody(pack, slot));
    const kept = bodyArena.read(full, decode);
    if (kept) return kept;
    return load((pack) => {
      bodyArena.set(full, pack);
      return decode(pack);
    });
  }

  /** `load(file, slots)` once for each file the items lie in (all at once), put back in the items' order. */
  private async byFile<T>(where: readonly { file: number; slot: number }[], load: (file: number, slots: number[]) => Promise<T[]>): Promise<T[]> {
    const slots = new Map<number, number[]>();
    for (const w of where) {
      const list = slots.get(w.file);
      if (list) list.push(w.slot);
      else slots.set(w.file, [w.slot]);
    }
    const read = new Map(await Promise.all([...slots].map(async ([file, list]) => [file, await load(file, list)] as const)));
    const next = new Map<number, number>();
    return where.map((w) => {
      const i = next.get(w.file) ?? 0;
      next.set(w.file, i + 1);
      return read.get(w.file)![i]!;
    });
  }

  /** Where the articles at `positions` are in the main packs. */
  private inPacks(positions: readonly number[]): { file: number; slot: number }[] {
    return positions.map((p) => {
      const w = packOf(p, this.size, this.packSize);
      return { file: w.pack, slot: w.slot };
    });
  }

  /**
   * Metadata of the articles at `positions`, in that order. Each article is kept on its
   * own: a whole pack kept (64 or 128 articles for the 20 a feed shows) would soon be old
   * garbage, while the articles not asked for die young.
   */
  async articles(positions: readonly number[]): Promise<Article[]> {
    for (const p of positions) if (!(p >= 0 && p < this.size)) throw new RangeError(`no article at position ${p}`);
    const key = (p: number) => `${this.serial}|a${p}`;
    const found = positions.map((p) => readCache.get(key(p)) as Article | undefined);
    const missing = [...new Set(positions.filter((_, i) => !found[i]))];
    if (missing.length === 0) return found as Article[];
    const read = new Map((await this.readArticles(missing)).map((a, i) => [missing[i]!, a]));
    for (const [p, article] of read) readCache.set(key(p), article);
    return positions.map((p, i) => found[i] ?? read.get(p)!);
  }

  /** Metadata of the articles at `positions` read from the store: from a term pack that holds them all, or pack by pack. */
  private async readArticles(positions: readonly number[]): Promise<Article[]> {
    const term = this.termPackFor(positions);
    if (term) {
      const list = await this.reader.termMeta(term.pack.kind, term.pack.id);
      return term.ranks.map((r) => list[r]!);
    }
    return this.byFile(this.inPacks(positions), async (k, slots) => {
      const list = await this.reader.meta(k);
      return slots.map((slot) => list[slot]!);
    });
  }

  /** Rendered HTML bodies of the articles at `positions`, in that order. */
  async bodies(positions: readonly number[]): Promise<string[]> {
    const term = this.termPackFor(positions);
    if (term) {
      const { kind, id } = term.pack;
      const items = term.pack.positions.length;
      const where = term.ranks.map((r) => termChunkOf(r, items)).map((w) => ({ file: w.chunk, slot: w.slot }));
      return this.byFile(where, (c, slots) => this.packBodies(`t${kind}/${id}.${c}`, slots, (use) => this.reader.termBodies(kind, id, c, use)));
    }
    return this.byFile(this.inPacks(positions), (k, slots) => this.packBodies(`b${k}`, slots, (use) => this.reader.bodies(k, use)));
  }

  /** Every article id, newest first (future-dated included). */
  ids(): Promise<readonly string[]> {
    return this.read("ids", () => this.reader.ids());
  }

  /** Every article visible at `now`, newest first: metadata only, for small sites and tools. */
  async visible(now: number, limit = Infinity): Promise<Article[]> {
    const start = this.visibleStart(now);
    const end = Math.min(this.size, start + limit);
    return this.articles(Array.from({ length: end - start }, (_, i) => start + i));
  }
}

/** Bytes currently held by the content read cache (observability, tests). */
export function contentCacheBytes(): number {
  return readCache.bytes + bodyArena.bytes;
}
