/**
 * Issue 13 on a generated site whose size is not a multiple of any chunk size tried:
 * every current document holds exactly its `limit` newest items, archive pages stay
 * fixed chunks, and walking `prev-archive` reaches every item, once per archive.
 */
import { describe, expect, it } from "vitest";
import type { Content } from "../../src/content/index.js";
import { parseFeedQuery } from "../../src/feeds/query.js";
import type { SiteConfig } from "../../src/config.js";
import { FeedService } from "../../src/feeds/service.js";
import { variantOf } from "../support/feeds.js";
import type { FeedFormat } from "../../src/lib/feed-formats.js";
import { all, one, parseXml } from "../support/xml.js";
import { article, site, T0, HOUR } from "./digest-support.js";

const SETTINGS: SiteConfig = {
  url: "https://news.example.com",
  title: "Generated",
  description: "A generated site",
  language: "en",
  author: "Tester",
  publicUrl: "https://feeds.example.com",
  websubHub: null,
};
const TOTAL = 47; // prime: not a multiple of any chunk size below
/** Just after the newest of the TOTAL articles. */
const NOW = T0 + (TOTAL - 1) * HOUR + 1;
const LIMITS = [1, 2, 3, 4, 5, 7, 10, 20, 33, 46, 47, 50, 100];

/** Article i (0 = oldest) an hour after the one before; every third carries tag "odd-ones". */
function generated(count: number): Content {
  return site(
    ...Array.from({ length: count }, (_, i) =>
      article(`a-${String(i).padStart(3, "0")}`, T0 + i * HOUR, i % 3 === 0 ? { tags: ["Odd Ones"], tagSlugs: ["odd-ones"] } : {}),
    ),
  );
}

interface Doc {
  url: string;
  ids: string[];
  etag: string;
  body: string;
  links: Record<string, string>;
}

/** One document of a feed, addressed as a reader would: by its URL on PUBLIC_URL. */
async function fetchDoc(service: FeedService, content: Content, href: string, now = NOW): Promise<Doc> {
  const url = new URL(href);
  const file = url.pathname.split("/").at(-1)!;
  const format: FeedFormat = file === "feed.json" ? "json" : file === "atom.xml" ? "atom" : "rss";
  const scope = url.pathname.startsWith("/tags/") ? { kind: "tags" as const, slug: decodeURIComponent(url.pathname.split("/")[2]!) } : undefined;
  const parsed = await parseFeedQuery(url.searchParams, scope, content, now);
  if (!parsed.ok) throw new Error(parsed.reason);
  const { query, search, page } = parsed.value;
  const variant = variantOf(service.get({ format, query, search, ...(page !== undefined ? { page } : {}) }, now));
  const body = new TextDecoder().decode(await variant.bytes());
  const ids =
    format === "json"
      ? (JSON.parse(body) as { items: { id: string }[] }).items.map((i) => i.id)
      : format === "atom"
        ? all(parseXml(body), "entry").map((e) => e.children.find((c) => c.name === "id")!.text)
        : all(one(parseXml(body), "channel"), "item").map((i) => i.children.find((c) => c.name === "guid")!.text);
  return { url: href, ids, etag: variant.etag, body, links: Object.fromEntries(variant.links.map((l) => [l.rel, l.href])) };
}

async function walk(service: FeedService, content: Content, href: string): Promise<Doc[]> {
  const docs: Doc[] = [];
  const seen = new Set<string>();
  for (let next: string | undefined = href; next; next = docs.at(-1)!.links["prev-archive"]) {
    expect(seen.has(next), `cycle at ${next}`).toBe(false);
    seen.add(next);
    docs.push(await fetchDoc(service, content, next));
  }
  return docs;
}

const idOf = (i: number) => `https://news.example.com/posts/a-${String(i).padStart(3, "0")}/`;
/** Ids of the visible articles the feed selects, newest first. */
function expectedIds(count: number, tagOnly: boolean): string[] {
  return Array.from({ length: count }, (_, k) => count - 1 - k)
    .filter((i) => !tagOnly || i % 3 === 0)
    .map(idOf);
}

describe.each([
  ["site", "/", false],
  ["tag", "/tags/odd-ones/", true],
])(`the %s feed of a ${TOTAL}-article generated site`, (_name, base, tagOnly) => {
  const content = generated(TOTAL);
  const expected = expectedIds(TOTAL, tagOnly);

  it.each(LIMITS)("limit=%i: the current document holds exactly the newest `limit` items in every format", async (limit) => {
    const service = new FeedService(content, SETTINGS);
    for (const file of ["rss.xml", "atom.xml", "feed.json"]) {
      const doc = await fetchDoc(service, content, `${SETTINGS.publicUrl}${base}${file}?limit=${limit}`);
      expect(doc.ids, `${file}?limit=${limit}`).toEqual(expected.slice(0, limit));
    }
  });

  it.each(LIMITS)("limit=%i: walking prev-archive reaches every item, each once in the archives", async (limit) => {
    const service = new FeedService(content, SETTINGS);
    for (const file of ["rss.xml", "atom.xml", "feed.json"]) {
      const [current, ...archives] = await walk(service, content, `${SETTINGS.publicUrl}${base}${file}?limit=${limit}`);
      const archived = archives.flatMap((d) => d.ids);
      expect(new Set(archived).size, "no item twice in the archives").toBe(archived.length);
      // Every archive is a full chunk (half the limit, rounded up), oldest page first.
      for (const a of archives) expect(a.ids).toHaveLength(Math.ceil(limit / 2));
      // Merged by id, newer document first, the chain is the whole history, newest first.
      expect([...new Set([...current!.ids, ...archived])]).toEqual(expected);
      // The current document overlaps the newest archive by less than one chunk.
      const overlap = current!.ids.filter((id) => archived.includes(id)).length;
      expect(overlap).toBeLessThan(Math.ceil(limit / 2));
      if (expected.length <= limit) expect(archives).toHaveLength(0);
    }
  });

  it("archive pages keep their items, bytes and ETags when new articles arrive", async () => {
    // One build whose last 7 articles are future-dated at NOW and visible later.
    const grown = generated(TOTAL + 7);
    const later = T0 + (TOTAL + 7) * HOUR;
    for (const limit of [2, 5, 7]) {
      const href = `${SETTINGS.publicUrl}${base}atom.xml?limit=${limit}`;
      const before = (await walk(new FeedService(grown, SETTINGS), grown, href)).slice(1);
      expect(before.length).toBeGreaterThan(1);
      const laterService = new FeedService(grown, SETTINGS);
      for (const [i, doc] of before.entries()) {
        const again = await fetchDoc(laterService, grown, doc.url, later);
        expect(again.ids, doc.url).toEqual(doc.ids);
        // Only the newest archive of before may change: it gains a next-archive link.
        if (i > 0) {
          expect(again.body, doc.url).toBe(doc.body);
          expect(again.etag, doc.url).toBe(doc.etag);
        }
      }
      // The current document moved on and holds the newest `limit` again.
      const current = await fetchDoc(laterService, grown, href, later);
      expect(current.ids).toEqual(expectedIds(TOTAL + 7, tagOnly).slice(0, limit));
    }
  });
});
