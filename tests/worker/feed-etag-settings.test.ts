/** Issue 8: a feed's ETag changes whenever a setting that appears in its bytes changes. */
import { describe, expect, it } from "vitest";
import { FeedService, type FeedSettings } from "../../src/feeds/service.js";
import { article, site, T0, HOUR } from "./digest-support.js";

const BASE: FeedSettings = {
  SITE_URL: "https://news.example.com",
  SITE_TITLE: "Site",
  SITE_DESCRIPTION: "About the site",
  SITE_LANGUAGE: "en",
  SITE_AUTHOR: "Author",
  PUBLIC_URL: "https://feeds.example.com",
  WEBSUB_HUB: "https://hub.example.com/",
};
const CHANGES: Partial<FeedSettings>[] = [
  { SITE_TITLE: "Another title" },
  { SITE_DESCRIPTION: "Another description" },
  { SITE_LANGUAGE: "zh-CN" },
  { SITE_AUTHOR: "Someone else" },
  { SITE_URL: "https://other.example.com" },
  { PUBLIC_URL: "https://feeds.other.example.com" },
  { WEBSUB_HUB: "https://other-hub.example.com/" },
];

describe("feed ETags and settings", () => {
  const content = site(...Array.from({ length: 5 }, (_, i) => article(`a-${i}`, T0 + i * HOUR)));
  const now = T0 + 10 * HOUR;
  const variant = (settings: FeedSettings, format: "rss" | "atom" | "json", page?: number) =>
    new FeedService(content, settings).get({ format, query: { tags: [], topics: [], limit: 2 }, search: "?limit=2", ...(page ? { page } : {}) }, now);

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
