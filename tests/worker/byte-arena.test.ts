/**
 * Bytes kept per isolate live in arenas (src/lib/cache.ts `createArenaCache`): one buffer
 * per cache, its evicted entries' space reused, so serving makes no long-lived garbage
 * buffers. Runs in workerd, whose `Response` must copy a view it is given (or a response
 * would change when its space is reused).
 */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createMemoryContent, siteContent } from "../../src/content/index.js";
import { cacheUsage, createArenaCache } from "../../src/lib/cache.js";
import { contentData } from "./content-data.js";

const KiB = 1024;
const filled = (n: number, byte: number) => new Uint8Array(n).fill(byte);
const bufferOf = (cache: ReturnType<typeof createArenaCache<string>>, key: string) => cache.read(key, (b) => b.buffer);

describe("arena cache", () => {
  it("keeps every entry in one buffer of at most its budget, reusing evicted entries' space", () => {
    const cache = createArenaCache<string>({ name: "feedBytes", maxBytes: 64 * KiB });
    const buffers = new Set<ArrayBufferLike>();
    for (let i = 0; i < 500; i++) {
      cache.set(`k${i}`, filled(1_000, i % 251));
      buffers.add(bufferOf(cache, `k${i}`)!);
      expect(cache.bytes).toBeLessThanOrEqual(64 * KiB);
    }
    // Long after it filled, the same buffer is still the only one.
    expect(buffers.size).toBe(1);
    const [arena] = buffers;
    expect(arena!.byteLength).toBeLessThanOrEqual(64 * KiB);
    expect(cache.size).toBeGreaterThan(40);
    expect(cache.size).toBeLessThan(64);
    for (let i = 0; i < 500; i++) {
      const got = cache.read(`k${i}`, (b) => [b.length, b[0], b[999]]);
      if (i >= 500 - 40) expect(got, `k${i}`).toEqual([1_000, i % 251, i % 251]);
      if (i < 400) expect(got, `k${i}`).toBeUndefined();
    }
  });

  it("keeps what is read (a read of an entry about to be overwritten moves it to the head)", () => {
    const cache = createArenaCache<string>({ name: "feedBytes", maxBytes: 64 * KiB });
    cache.set("hot", [filled(500, 7), filled(500, 8)]);
    for (let i = 0; i < 1_000; i++) {
      cache.set(`k${i}`, filled(1_000, 1));
      if (i % 10 === 0) expect(cache.read("hot", (b) => `${b.length} ${b[0]} ${b[999]}`)).toBe("1000 7 8");
    }
    expect(cache.has("hot")).toBe(true);
    expect(cache.has("k0")).toBe(false);
  });

  it("never keeps an entry larger than the arena; a replaced key reads its new bytes", () => {
    const cache = createArenaCache<string>({ name: "feedBytes", maxBytes: 16 * KiB });
    expect(cache.set("small", filled(10, 1))).toBe(true);
    expect(cache.set("huge", filled(20 * KiB, 2))).toBe(false);
    expect(cache.has("huge")).toBe(false);
    cache.set("small", filled(20, 3));
    expect(cache.read("small", (b) => [b.length, b[19]])).toEqual([20, 3]);
  });

  it("a response made from an entry keeps its bytes after that space is reused", async () => {
    const cache = createArenaCache<string>({ name: "feedBytes", maxBytes: 64 * KiB });
    cache.set("a", filled(30 * KiB, 65));
    const responses = [cache.read("a", (b) => new Response(b))!, cache.read("a", (b) => new Response(b.subarray(0, 100)))!];
    const stream = cache.read("a", (b) => new Response(b))!.body!.getReader();
    const first = await stream.read();
    for (let i = 0; i < 20; i++) cache.set(`k${i}`, filled(10 * KiB, 66));
    expect(cache.has("a")).toBe(false);
    expect(await responses[0]!.text()).toBe("A".repeat(30 * KiB));
    expect(await responses[1]!.text()).toBe("A".repeat(100));
    let rest = "";
    for (let chunk = await stream.read(); !chunk.done; chunk = await stream.read()) rest += new TextDecoder().decode(chunk.value);
    expect(new TextDecoder().decode(first.value) + rest).toBe("A".repeat(30 * KiB));
  });
});

describe("what the Worker keeps in arenas", () => {
  it("encoded feeds: many variants served, one buffer held, every response still right", async () => {
    const get = async (path: string) => {
      const res = await exports.default.fetch(`http://localhost:8787${path}`);
      expect(res.status, path).toBe(200);
      return res.text();
    };
    const first = await get("/rss.xml");
    for (const file of ["rss.xml", "atom.xml", "feed.json"]) for (let limit = 1; limit <= 10; limit++) await get(`/${file}?limit=${limit}`);
    // (This file's own arenas share the name: the feed service's is the one holding variants.)
    const caches = cacheUsage().filter((c) => c.name === "feedBytes");
    expect(caches.some((c) => c.size > 20)).toBe(true);
    for (const c of caches) expect(c.buffers).toBeLessThanOrEqual(1);
    expect(await get("/rss.xml")).toBe(first);
  });

  it("body packs: read into the content arena, not kept as one buffer per pack", async () => {
    const content = await siteContent(env);
    const positions = Array.from({ length: content.size }, (_, i) => i);
    const data = await contentData(content);
    // One article per pack: as many packs as articles.
    const small = createMemoryContent(data, 1);
    expect(await small.bodies(positions)).toEqual(data.bodies);
    const caches = cacheUsage().filter((c) => c.name === "contentBodies");
    expect(caches.some((c) => c.size >= positions.length)).toBe(true);
    for (const c of caches) expect(c.buffers).toBeLessThanOrEqual(1);
    // Read again from the arena: the same text.
    expect(await small.bodies(positions.toReversed())).toEqual(data.bodies.toReversed());
  });
});
