/**
 * The one way to keep anything per isolate: a least-recently-used cache bounded by the
 * bytes of what it holds (lru-cache's `maxSize` + `sizeCalculation`), never by a count;
 * and for bytes (encoded feeds, body packs) an arena: one buffer the cache owns, written
 * as a ring, so an evicted entry's space is reused instead of becoming a garbage buffer
 * (V8 frees an old buffer only in a full collection, which external memory starts only
 * after it grew ~64 MB since the last).
 *
 * An isolate has 128 MB. Every cache names its budget in `CACHE_BUDGETS`, so the whole
 * per-isolate footprint is written in one place and a test checks that the budgets
 * together stay under `TOTAL_CACHE_BUDGET` whatever the traffic. Callers must only
 * cache what names something that exists (an article, a term, a rendered variant),
 * never raw request text that failed to resolve.
 */
import { LRUCache } from "lru-cache";

const MiB = 1024 * 1024;

/** Every per-isolate cache and its ceiling in bytes. Together ≤ TOTAL_CACHE_BUDGET. */
export const CACHE_BUDGETS = {
  /** Encoded feed bytes, per variant (src/feeds/service.ts). */
  feedBytes: 4 * MiB,
  /** Variant identities (ETag, Last-Modified, links) without their bytes. */
  feedVariants: 2 * MiB,
  /** Selected article lists per query and visibility (src/feeds/service.ts). */
  feedSelections: 2 * MiB,
  /** Request URL → resolved variant and headers (src/feeds/routes.ts). */
  feedRequests: 2 * MiB,
  /** Articles' metadata and term lists read from the content store (src/content/store.ts). */
  content: 2 * MiB,
  /** Body packs read from the content store, in an arena (src/content/store.ts). */
  contentBodies: 4 * MiB,
  /** Scratch buffers lent for one use (a body file read, a feed encoded) and kept for the next (`createScratchPool`). */
  scratch: 2 * MiB,
  /** Feed audience sightings waiting to be written to D1 (src/audience/recorder.ts: a buffer, not an LRU). */
  audienceBuffer: 1 * MiB,
} as const;

export type CacheName = keyof typeof CACHE_BUDGETS;

export const TOTAL_CACHE_BUDGET = 64 * MiB;

/** What every cache, LRU or arena, answers. */
interface CacheBase<K> {
  readonly name: CacheName;
  has(key: K): boolean;
  delete(key: K): void;
  clear(): void;
  /** Entries held now. */
  readonly size: number;
  /** Bytes held now (keys included). */
  readonly bytes: number;
  readonly maxBytes: number;
  /** Separate binary buffers held (diagnostics, tests). */
  readonly buffers: number;
}

export interface ByteCache<K, V> extends CacheBase<K> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
}

export interface ByteCacheOptions<K, V> {
  name: CacheName;
  /** Defaults to the cache's entry in CACHE_BUDGETS; only ever lower. */
  maxBytes?: number;
  /** Bytes a value keeps alive (the key's bytes are added). */
  sizeOf: (value: V, key: K) => number;
}

const registry = new Set<CacheBase<never>>();

/** A cache bounded by bytes; an entry larger than the whole cache is simply not kept. */
export function createByteCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>>(
  options: ByteCacheOptions<K, V>,
): ByteCache<K, V> {
  const budget = CACHE_BUDGETS[options.name];
  const maxBytes = Math.min(options.maxBytes ?? budget, budget);
  const lru = new LRUCache<K, V>({
    maxSize: maxBytes,
    maxEntrySize: maxBytes,
    // At least 1: lru-cache refuses a size of 0.
    sizeCalculation: (value, key) => Math.max(1, Math.ceil(options.sizeOf(value, key) + estimateBytes(key))),
  });
  const cache: ByteCache<K, V> = {
    name: options.name,
    get: (key) => lru.get(key),
    set: (key, value) => {
      lru.set(key, value);
    },
    has: (key) => lru.has(key),
    delete: (key) => {
      lru.delete(key);
    },
    clear: () => lru.clear(),
    get size() {
      return lru.size;
    },
    get bytes() {
      return lru.calculatedSize;
    },
    maxBytes,
    get buffers() {
      let n = 0;
      for (const value of lru.values()) if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) n++;
      return n;
    },
  };
  registry.add(cache);
  return cache;
}

/**
 * Bytes kept in an arena: one buffer (grown by doubling up to its budget while it is first
 * filled, then never again) written as a ring. Entries lie in it in the order they were
 * written; a new one goes at the head, evicting the oldest it overlaps. A read of an entry
 * in the half of the ring the head reaches next moves it to the head, so what is read
 * keeps its place, as in an LRU.
 */
export interface ArenaCache<K> extends CacheBase<K> {
  /**
   * `use(bytes)` with the bytes kept for `key`, or undefined if none. The view points into
   * the arena: it is valid only during `use`, which must not keep it (a later write may
   * reuse the space). `new Response(view)` copies it at once, so handing it over is safe.
   */
  read<T>(key: K, use: (bytes: Uint8Array) => T): T | undefined;
  /** Keeps `parts`, one after another, as the bytes of `key` (copied into the arena); false if they are larger than it can ever hold. */
  set(key: K, parts: Uint8Array | readonly Uint8Array[]): boolean;
}

interface Slot {
  at: number;
  length: number;
  /** The key's estimated bytes. */
  keyBytes: number;
}

/** The arena's first length; it doubles while first filled, up to its share of the budget. */
const ARENA_START = 1 * MiB;
/** Share of an arena cache's budget left for its keys and slots (the rest is the buffer). */
const ARENA_KEY_SHARE = 1 / 16;
const SLOT_BYTES = 64;

export function createArenaCache<K extends NonNullable<unknown>>(options: { name: CacheName; maxBytes?: number }): ArenaCache<K> {
  const budget = CACHE_BUDGETS[options.name];
  const maxBytes = Math.min(options.maxBytes ?? budget, budget);
  const capacity = Math.floor(maxBytes * (1 - ARENA_KEY_SHARE));
  const keyBudget = maxBytes - capacity;
  let arena = new Uint8Array(0);
  let head = 0;
  /** Whether the head has wrapped once: from then on the arena keeps its length. */
  let wrapped = false;
  let keyBytes = 0;
  /** In the order written, which is the order in the ring from the oldest (Map keeps insertion order). */
  const slots = new Map<K, Slot>();

  const drop = (key: K, slot: Slot) => {
    slots.delete(key);
    keyBytes -= slot.keyBytes;
  };
  const oldest = (): [K, Slot] | undefined => slots.entries().next().value;
  /** Room for `n` bytes at the head (evicting what lies there), or false when it cannot hold them. */
  const room = (n: number): boolean => {
    if (n > capacity) return false;
    if (head + n > arena.length && !wrapped && arena.length < capacity) {
      let length = Math.max(arena.length, Math.min(ARENA_START, capacity));
      while (length < head + n && length < capacity) length = Math.min(capacity, length * 2);
      const grown = new Uint8Array(length);
      grown.set(arena.subarray(0, head));
      arena = grown;
      if (head + n <= length) return true;
    }
    if (head + n > arena.length) {
      // Wrap: whatever lies past the head is the oldest; it goes, and the head starts again.
      for (let o = oldest(); o && o[1].at >= head; o = oldest()) drop(...o);
      head = 0;
      wrapped = true;
    }
    for (let o = oldest(); o && o[1].at >= head && o[1].at < head + n; o = oldest()) drop(...o);
    return true;
  };
  const write = (key: K, length: number, fill: (at: number) => void): boolean => {
    const existing = slots.get(key);
    if (existing) drop(key, existing);
    if (!room(length)) return false;
    fill(head);
    const slot = { at: head, length, keyBytes: SLOT_BYTES + estimateBytes(key) };
    slots.set(key, slot);
    keyBytes += slot.keyBytes;
    head += length;
    for (let o = oldest(); o && keyBytes > keyBudget; o = oldest()) drop(...o);
    return slots.has(key);
  };

  const cache: ArenaCache<K> = {
    name: options.name,
    read(key, use) {
      const slot = slots.get(key);
      if (!slot) return undefined;
      let { at } = slot;
      const ahead = at >= head ? at - head : arena.length - head + at;
      if (arena.length === capacity && ahead < capacity / 2) {
        // The head reaches it soon: move it there (a copy inside the arena, no new buffer).
        const from = at;
        if (write(key, slot.length, (to) => arena.copyWithin(to, from, from + slot.length))) at = slots.get(key)!.at;
      }
      return use(arena.subarray(at, at + slot.length));
    },
    has: (key) => slots.has(key),
    set(key, parts) {
      const list = parts instanceof Uint8Array ? [parts] : parts;
      const length = list.reduce((n, p) => n + p.byteLength, 0);
      return write(key, length, (at) => {
        for (const part of list) {
          arena.set(part, at);
          at += part.byteLength;
        }
      });
    },
    delete(key) {
      const slot = slots.get(key);
      if (slot) drop(key, slot);
    },
    clear() {
      slots.clear();
      keyBytes = 0;
      head = 0;
    },
    get size() {
      return slots.size;
    },
    get bytes() {
      return arena.length + keyBytes;
    },
    maxBytes,
    get buffers() {
      return arena.length > 0 ? 1 : 0;
    },
  };
  registry.add(cache);
  return cache;
}

/**
 * Scratch buffers, lent for one use and then kept for the next, so work that needs bytes
 * only briefly (a file read, a document encoded) makes no new buffer each time. At most
 * the budget is kept, in buffers of at most `bufferBytes`; a larger need gets a buffer of
 * its own, dropped after use.
 */
export interface ScratchPool {
  /** A buffer of at least `bytes`, the caller's until it gives it back. */
  take(bytes: number): ArrayBuffer;
  /** Gives a buffer back (a detached one is dropped). */
  give(buffer: ArrayBuffer): void;
}

export function createScratchPool(options: { name: CacheName; bufferBytes: number }): ScratchPool {
  const maxBytes = CACHE_BUDGETS[options.name];
  const spare: ArrayBuffer[] = [];
  let kept = 0;
  const pool: ScratchPool & CacheBase<never> = {
    name: options.name,
    take(bytes) {
      const i = spare.findIndex((b) => b.byteLength >= bytes);
      if (i < 0) return new ArrayBuffer(bytes <= options.bufferBytes ? options.bufferBytes : bytes);
      const [buffer] = spare.splice(i, 1);
      kept -= buffer!.byteLength;
      return buffer!;
    },
    give(buffer) {
      if (buffer.detached || buffer.byteLength > options.bufferBytes || kept + buffer.byteLength > maxBytes) return;
      spare.push(buffer);
      kept += buffer.byteLength;
    },
    has: () => false,
    delete: () => undefined,
    clear() {
      spare.length = 0;
      kept = 0;
    },
    get size() {
      return spare.length;
    },
    get bytes() {
      return kept;
    },
    maxBytes,
    get buffers() {
      return spare.length;
    },
  };
  registry.add(pool);
  return pool;
}

/** The isolate's one scratch pool (body file reads, feed encoding: src/content/index.ts, src/lib/utf8.ts). */
export const scratchBuffers = createScratchPool({ name: "scratch", bufferBytes: 1 * MiB });

/** Every cache created in this isolate, with what it holds (tests, diagnostics). */
export function cacheUsage(): { name: CacheName; bytes: number; maxBytes: number; size: number; buffers: number }[] {
  return [...registry].map((c) => ({ name: c.name, bytes: c.bytes, maxBytes: c.maxBytes, size: c.size, buffers: c.buffers }));
}

const OBJECT_OVERHEAD = 64;

/**
 * A conservative estimate of the bytes `value` keeps alive: strings at two bytes per
 * code unit (V8 may store one), binary data at its length, containers recursively.
 * Shared sub-objects are counted each time they are met, which errs on the safe side.
 */
export function estimateBytes(value: unknown, depth = 0): number {
  switch (typeof value) {
    case "string":
      return 16 + value.length * 2;
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
    case "symbol":
      return 8;
    case "function":
      return OBJECT_OVERHEAD;
    case "object": {
      if (value === null) return 8;
      if (ArrayBuffer.isView(value)) return OBJECT_OVERHEAD + value.byteLength;
      if (value instanceof ArrayBuffer) return OBJECT_OVERHEAD + value.byteLength;
      if (depth > 8) return OBJECT_OVERHEAD;
      let total = OBJECT_OVERHEAD;
      if (Array.isArray(value)) {
        for (const item of value) total += 8 + estimateBytes(item, depth + 1);
        return total;
      }
      if (value instanceof Map) {
        for (const [k, v] of value) total += 16 + estimateBytes(k, depth + 1) + estimateBytes(v, depth + 1);
        return total;
      }
      if (value instanceof Set) {
        for (const v of value) total += 8 + estimateBytes(v, depth + 1);
        return total;
      }
      // for…in, not Object.entries: sizing a pack of articles must not allocate an array per object.
      const record = value as Record<string, unknown>;
      for (const k in record) {
        if (Object.hasOwn(record, k)) total += 16 + k.length * 2 + estimateBytes(record[k], depth + 1);
      }
      return total;
    }
  }
}
