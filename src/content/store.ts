/**
 * The content store: the compact index plus article metadata and bodies read on demand,
 * a pack at a time, through one byte-bounded per-isolate cache (`CACHE_BUDGETS.content`).
 */
import { createByteCache, estimateBytes } from "../lib/cache.js";
import { decodeBody, packOf, type IndexArrays, type IndexHeader } from "./format.js";
import { ContentIndex } from "./lookup.js";
import type { Article } from "./types.js";

/** Where packs come from: the assets binding in the Worker, arrays in tests. */
export interface PackReader {
  /** Metadata of pack `k`, oldest first. */
  meta(pack: number): Promise<Article[]>;
  /** Bodies of pack `k` as written by `encodeBodies`. */
  bodies(pack: number): Promise<Uint8Array>;
  /** Every article id, newest first. */
  ids(): Promise<string[]>;
}

type Entry = Article[] | Uint8Array | string[];

/** What was read, for every Content of the isolate (keys carry its serial): bounded by bytes. */
const readCache = createByteCache<string, Entry>({
  name: "content",
  sizeOf: (value) => (value instanceof Uint8Array ? 64 + value.byteLength : estimateBytes(value)),
});

let serials = 0;

export class Content extends ContentIndex {
  /** Distinguishes this store's entries in the shared read cache. */
  private readonly serial = ++serials;

  constructor(
    header: IndexHeader,
    arrays: IndexArrays,
    private readonly reader: PackReader,
  ) {
    super(header, arrays);
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

  private async byPack<T>(positions: readonly number[], load: (pack: number) => Promise<(slot: number) => T>): Promise<T[]> {
    const where = positions.map((p) => packOf(p, this.size, this.packSize));
    const packs = [...new Set(where.map((w) => w.pack))];
    const loaded = new Map(await Promise.all(packs.map(async (k) => [k, await load(k)] as const)));
    return where.map((w) => loaded.get(w.pack)!(w.slot));
  }

  /** Metadata of the articles at `positions`, in that order. */
  articles(positions: readonly number[]): Promise<Article[]> {
    for (const p of positions) if (!(p >= 0 && p < this.size)) throw new RangeError(`no article at position ${p}`);
    return this.byPack(positions, async (k) => {
      const list = await this.read(`m${k}`, () => this.reader.meta(k));
      return (slot) => list[slot]!;
    });
  }

  /** Rendered HTML bodies of the articles at `positions`, in that order. */
  bodies(positions: readonly number[]): Promise<string[]> {
    return this.byPack(positions, async (k) => {
      const pack = await this.read(`b${k}`, () => this.reader.bodies(k));
      return (slot) => decodeBody(pack, slot);
    });
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
  return readCache.bytes;
}
