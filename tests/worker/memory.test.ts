/**
 * Anonymous traffic cannot grow an isolate's memory: every per-isolate cache stays under
 * its byte budget when flooded, and requests that name nothing (unknown terms, junk
 * query strings) leave nothing behind.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TOTAL_CACHE_BUDGET, cacheUsage } from "../../src/lib/cache.js";

const BASE = "http://localhost:8787";
const get = (path: string) => exports.default.fetch(BASE + path, { redirect: "manual" });
const usage = (name: string) => cacheUsage().filter((c) => c.name === name);
const held = () => cacheUsage().reduce((sum, c) => sum + c.bytes, 0);
const entries = () => cacheUsage().reduce((sum, c) => sum + c.size, 0);

describe("per-isolate memory", () => {
  it("requests for unknown terms keep nothing (16 KB names, paths and queries)", async () => {
    await (await get("/rss.xml")).arrayBuffer(); // caches exist and hold the site feed
    const before = { bytes: held(), entries: entries() };
    for (let i = 0; i < 100; i++) {
      const name = `${i}-${"术".repeat(5_000)}`;
      const res = await get(`/tags/${encodeURIComponent(name)}/rss.xml`);
      expect(res.status).toBe(404);
      await res.arrayBuffer();
      const q = await get(`/rss.xml?tag=${encodeURIComponent(name)}&topic=${i}`);
      expect(q.status).toBe(404);
      await q.arrayBuffer();
    }
    expect(entries()).toBe(before.entries);
    expect(held()).toBe(before.bytes);
  });

  it("junk query parameters on a real feed do not add remembered URLs", async () => {
    await (await get("/atom.xml")).arrayBuffer();
    const [requests] = usage("feedRequests");
    const before = requests!.size;
    for (let i = 0; i < 100; i++) {
      const res = await get(`/atom.xml?utm_source=${i}${"x".repeat(8_000)}`);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    expect(usage("feedRequests")[0]!.size).toBeLessThanOrEqual(before + 1);
  });

  it("a flood of distinct feed variants stays within every budget", async () => {
    const paths: string[] = [];
    for (const file of ["rss.xml", "atom.xml", "feed.json"]) {
      for (let limit = 1; limit <= 20; limit++) paths.push(`/${file}?limit=${limit}`);
    }
    for (const path of paths) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
    }
    for (const cache of cacheUsage()) expect(cache.bytes, cache.name).toBeLessThanOrEqual(cache.maxBytes);
    expect(held()).toBeLessThanOrEqual(TOTAL_CACHE_BUDGET);
    const [bytes] = usage("feedBytes");
    expect(bytes!.size).toBeGreaterThanOrEqual(paths.length);
  });
});
