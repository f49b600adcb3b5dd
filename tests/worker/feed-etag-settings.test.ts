/** Issue 8: a feed's ETag changes whenever a setting that appears in its bytes changes. */
import { describe, expect, it } from "vitest";
import type { SiteConfig } from "../../src/config.js";
import { FeedService } from "../../src/feeds/service.js";
import { variantOf } from "../support/feeds.js";
import { article, site, T0, HOUR } from "./digest-support.js";

const BASE: SiteConfig = {
  url: "https://news.example.com",
  title: "Site",
  description: "About the site",
  language: "en",
  author: "Author",
  publicUrl: "https://feeds.example.com",
  websubHub: "https://hub.example.com/",
};
const CHANGES: Partial<SiteConfig>[] = [
  { title: "Another title" },
  { description: "Another description" },
  { language: "zh-CN" },
  { author: "Someone else" },
  { url: "https://other.example.com" },
  { publicUrl: "https://feeds.other.example.com" },
  { websubHub: "https://other-hub.example.com/" },
];

describe("feed ETags and settings", () => {
  const content = site(...Array.from({ length: 5 }, (_, i) => article(`a-${i}`, T0 + i * HOUR)));
  const now = T0 + 10 * HOUR;
  const variant = (settings: SiteConfig, format: "rss" | "atom" | "json", page?: number) =>
    variantOf(new FeedService(content, settings).get({ format, query: { tags: [], topics: [], limit: 2 }, search: "?limit=2", ...(page ? { page } : {}) }, now));

  const text = async (v: { bytes(): Promise<Uint8Array> }) => new TextDecoder().decode(await v.bytes());
  it.each(CHANGES)("changes with %o, for current documents and archive pages alike, whenever the bytes do", async (change) => {
    let bytesDiffer = false;
    for (const format of ["rss", "atom", "json"] as const) {
      for (const page of [undefined, 1]) {
        const before = variant(BASE, format, page);
        const after = variant({ ...BASE, ...change }, format, page);
        const changedBytes = (await text(before)) !== (await text(after));
        if (changedBytes) expect(after.etag, `${format} page=${page}`).not.toBe(before.etag);
        bytesDiffer ||= changedBytes && page === undefined;
      }
    }
    // Each of these settings is in the bytes of at least one format.
    expect(bytesDiffer, "the setting appears in the feed's bytes").toBe(true);
  });

  it("stays the same when nothing in the bytes changes", () => {
    expect(variant({ ...BASE }, "atom").etag).toBe(variant(BASE, "atom").etag);
  });
});
