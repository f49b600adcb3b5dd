/**
 * The one way to keep anything per isolate: a least-recently-used cache bounded by the
 * bytes of what it holds (lru-cache's `maxSize` + `sizeCalculation`), never by a count.
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
  feedBytes: 24 * MiB,
  /** Variant identities (ETag, Last-Modified, links) without their bytes. */
  feedVariants: 2 * MiB,
  /** Selected article lists per query and visibility (src/feeds/service.ts). */
  feedSelections: 2 * MiB,
  /** Request URL → resolved variant and headers (src/feeds/routes.ts). */
  feedRequests: 2 * MiB,
  /** Long strings already checked for XML-forbidden characters (src/lib/xml.ts). */
  xmlChecked: 4 * MiB,
  /** Articles' metadata and bodies read from the content store (src/content/). */
  content: 24 * MiB,
  /** Feed audience sightings waiting to be written to D1 (src/audience/recorder.ts: a buffer, not an LRU). */
  audienceBuffer: 1 * MiB,
} as const;

export type CacheName = keyof typeof CACHE_BUDGETS;

export const TOTAL_CACHE_BUDGET = 64 * MiB;

export interface ByteCache<K, V> {
  readonly name: CacheName;
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  has(key: K): boolean;
  delete(key: K): void;
  clear(): void;
  /** Entries held now. */
  readonly size: number;
  /** Bytes held now, as `sizeOf` counted them (keys included). */
  readonly bytes: number;
  readonly maxBytes: number;
}

export interface ByteCacheOptions<K, V> {
  name: CacheName;
  /** Defaults to the cache's entry in CACHE_BUDGETS; only ever lower. */
  maxBytes?: number;
  /** Bytes a value keeps alive (the key's bytes are added). */
  sizeOf: (value: V, key: K) => number;
}

const registry = new Set<ByteCache<unknown, unknown>>();

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
  };
  registry.add(cache as ByteCache<unknown, unknown>);
  return cache;
}

/** Every cache created in this isolate, with what it holds (tests, diagnostics). */
export function cacheUsage(): { name: CacheName; bytes: number; maxBytes: number; size: number }[] {
  return [...registry].map((c) => ({ name: c.name, bytes: c.bytes, maxBytes: c.maxBytes, size: c.size }));
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
