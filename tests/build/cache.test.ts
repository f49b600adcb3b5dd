/** The byte-bounded cache module: every per-isolate cache goes through it. */
import { describe, expect, it } from "vitest";
import { CACHE_BUDGETS, TOTAL_CACHE_BUDGET, createByteCache, estimateBytes } from "../../src/lib/cache.js";

describe("createByteCache", () => {
  it("keeps what it holds under its byte ceiling, evicting the least recently used", () => {
    const cache = createByteCache<string, Uint8Array>({ name: "feedBytes", maxBytes: 100_000, sizeOf: (b) => b.byteLength });
    for (let i = 0; i < 1_000; i++) {
      cache.set(`k${i}`, new Uint8Array(1_000));
      if (i % 10 === 0) cache.get("k0"); // kept warm
      expect(cache.bytes).toBeLessThanOrEqual(100_000);
    }
    expect(cache.size).toBeLessThan(100);
    expect(cache.size).toBeGreaterThan(50);
    expect(cache.has("k0")).toBe(true);
    expect(cache.has("k1")).toBe(false);
  });

  it("counts the key's bytes, so long keys cannot slip past the bound", () => {
    const cache = createByteCache<string, true>({ name: "feedRequests", maxBytes: 1_000_000, sizeOf: () => 8 });
    for (let i = 0; i < 500; i++) cache.set(`${i}`.padEnd(16_384, "x"), true);
    expect(cache.bytes).toBeLessThanOrEqual(1_000_000);
    expect(cache.size).toBeLessThanOrEqual(31);
  });

  it("never keeps an entry larger than the whole cache", () => {
    const cache = createByteCache<string, Uint8Array>({ name: "feedBytes", maxBytes: 1_000, sizeOf: (b) => b.byteLength });
    cache.set("small", new Uint8Array(10));
    cache.set("huge", new Uint8Array(5_000));
    expect(cache.has("huge")).toBe(false);
    expect(cache.has("small")).toBe(true);
  });

  it("cannot be given more than its budget", () => {
    const cache = createByteCache<string, true>({ name: "feedRequests", maxBytes: 10 * TOTAL_CACHE_BUDGET, sizeOf: () => 1 });
    expect(cache.maxBytes).toBe(CACHE_BUDGETS.feedRequests);
  });
});

describe("budgets", () => {
  it("all caches together stay under 64 MiB", () => {
    const total = Object.values(CACHE_BUDGETS).reduce((a, b) => a + b, 0);
    expect(TOTAL_CACHE_BUDGET).toBe(64 * 1024 * 1024);
    expect(total).toBeLessThanOrEqual(TOTAL_CACHE_BUDGET);
  });
});

describe("estimateBytes", () => {
  it("counts strings, binary data and nested containers", () => {
    expect(estimateBytes("x".repeat(1000))).toBeGreaterThanOrEqual(2000);
    expect(estimateBytes(new Uint8Array(4096))).toBeGreaterThanOrEqual(4096);
    expect(estimateBytes({ a: ["x".repeat(500), { b: new Uint8Array(100) }] })).toBeGreaterThan(1100);
    expect(estimateBytes(new Map([["k", "v".repeat(100)]]))).toBeGreaterThan(200);
  });
});
