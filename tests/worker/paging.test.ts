/** RFC 5005 archived feeds: walking back covers every item once; archives never change. */
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { archivePlan, pageItems } from "../../src/feeds/paging.js";
import { all, parseXml, type XmlNode } from "../support/xml.js";

const BASE = "http://localhost:8787";
const HISTORY = "http://purl.org/syndication/history/1.0";
const get = (url: string, init?: RequestInit) => exports.default.fetch(url.startsWith("http") ? url : BASE + url, { redirect: "manual", ...init });

interface Doc {
  ids: string[];
  links: Record<string, string>;
  archiveMarker: boolean;
  headers: Headers;
}

function xmlLinks(container: XmlNode, linkName: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of all(container, linkName)) if (l.attrs.rel) out[l.attrs.rel] = l.attrs.href!;
  return out;
}

async function fetchDoc(url: string): Promise<Doc> {
  const res = await get(url);
  expect(res.status, url).toBe(200);
  const body = await res.text();
  if (url.includes("feed.json")) {
    const feed = JSON.parse(body) as { items: { id: string }[]; next_url?: string; feed_url: string };
    return { ids: feed.items.map((i) => i.id), links: { self: feed.feed_url, ...(feed.next_url ? { next: feed.next_url } : {}) }, archiveMarker: false, headers: res.headers };
  }
  const root = parseXml(body);
  if (root.local === "rss") {
    const channel = root.children.find((c) => c.name === "channel")!;
    return {
      ids: all(channel, "item").map((i) => i.children.find((c) => c.name === "guid")!.text),
      links: xmlLinks(channel, "atom:link"),
      archiveMarker: channel.children.some((c) => c.uri === HISTORY && c.local === "archive"),
      headers: res.headers,
    };
  }
  return {
    ids: all(root, "entry").map((e) => e.children.find((c) => c.name === "id")!.text),
    links: xmlLinks(root, "link"),
    archiveMarker: root.children.some((c) => c.uri === HISTORY && c.local === "archive"),
    headers: res.headers,
  };
}

/** Follows prev-archive (XML) or next_url (JSON) from the current document to the oldest. */
async function walk(url: string, rel: string): Promise<{ docs: Doc[]; urls: string[] }> {
  const docs: Doc[] = [];
  const urls: string[] = [];
  let next: string | undefined = url;
  while (next) {
    expect(urls, "no cycles").not.toContain(next);
    urls.push(next);
    const doc = await fetchDoc(next);
    docs.push(doc);
    next = doc.links[rel];
    expect(docs.length).toBeLessThan(50);
  }
  return { docs, urls };
}

async function allIds(path: string): Promise<string[]> {
  const res = await get(path + (path.includes("?") ? "&" : "?") + "limit=100");
  return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id);
}

describe("the archive plan", () => {
  it("current document = the newest `limit`; archives = full chunks holding each older item once", () => {
    for (let total = 0; total <= 60; total++) {
      for (const limit of [1, 2, 3, 5, 20]) {
        const items = Array.from({ length: total }, (_, i) => total - i); // newest first
        const plan = archivePlan(total, limit);
        const current = pageItems(items, plan)!;
        expect(current).toEqual(items.slice(0, limit));
        const pages = Array.from({ length: plan.pages }, (_, i) => pageItems(items, plan, plan.pages - i)!);
        for (const p of pages) expect(p).toHaveLength(plan.pageSize);
        const archived = pages.flat();
        expect(new Set(archived).size).toBe(archived.length);
        expect([...new Set([...current, ...archived])]).toEqual(items);
        expect(current.filter((x) => archived.includes(x)).length).toBeLessThan(plan.pageSize);
        expect(pageItems(items, plan, plan.pages + 1)).toBeUndefined();
        expect(pageItems(items, plan, 0)).toBeUndefined();
      }
    }
  });

  it("archive page n holds the same items however many newer items arrive", () => {
    const limit = 4;
    const page1 = (total: number) => pageItems(Array.from({ length: total }, (_, i) => total - i), archivePlan(total, limit), 1);
    expect(page1(6)).toEqual([2, 1]);
    expect(page1(7)).toEqual([2, 1]);
    expect(page1(50)).toEqual([2, 1]);
  });
});

describe.each([
  ["site", "/rss.xml", "/atom.xml", "/feed.json", ""],
  ["tag 人工智能", "/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/rss.xml", "/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/atom.xml", "/tags/%E4%BA%BA%E5%B7%A5%E6%99%BA%E8%83%BD/feed.json", ""],
  ["filtered ?topic=", "/rss.xml", "/atom.xml", "/feed.json", "topic=%E4%BA%A7%E4%B8%9A%E7%94%9F%E6%80%81%E4%B8%8E%E5%95%86%E4%B8%9A%E7%89%88%E5%9B%BE"],
])("paging the %s feed", (_name, rss, atom, json, filter) => {
  const q = (limit: number) => `?${filter ? filter + "&" : ""}limit=${limit}`;
  it.each([1, 2, 3])("walks to the oldest item: every item once in the archives, the newest `limit` current (limit=%i), all formats", async (limit) => {
    const expected = await allIds(json + (filter ? `?${filter}` : ""));
    expect(expected.length).toBeGreaterThan(2);
    for (const [path, rel] of [[rss, "prev-archive"], [atom, "prev-archive"], [json, "next"]] as const) {
      const { docs } = await walk(BASE + path + q(limit), rel);
      const [current, ...archives] = docs;
      expect(current!.ids, `${path} limit=${limit}`).toEqual(expected.slice(0, limit));
      const archived = archives.flatMap((d) => d.ids);
      expect(new Set(archived).size, "each item once in the archives").toBe(archived.length);
      // Merged by id, the newer document first (RFC 5005 §4): the whole history.
      expect([...new Set([...current!.ids, ...archived])], `${path} limit=${limit}`).toEqual(expected);
      expect(docs.length).toBeGreaterThan(1);
    }
  });

  it("marks archives (fh:archive, current, next-archive) and caches them as immutable", async () => {
    for (const path of [rss, atom]) {
      const { docs, urls } = await walk(BASE + path + q(1), "prev-archive");
      const [current, ...archives] = docs;
      expect(current!.archiveMarker).toBe(false);
      expect(current!.links["prev-archive"]).toBe(urls[1]);
      expect(current!.links["next"]).toBe(urls[1]); // paged-feed clients walk the same chain
      expect(current!.headers.get("cache-control")).toContain("max-age=300");
      archives.forEach((doc, i) => {
        expect(doc.archiveMarker).toBe(true);
        expect(doc.links["current"]).toBe(urls[0]);
        expect(doc.links["self"]).toBe(urls[i + 1]);
        if (i > 0) expect(doc.links["next-archive"]).toBe(urls[i]);
        else expect(doc.links["next-archive"]).toBeUndefined(); // the newest archive
        expect(doc.headers.get("cache-control")).toBe(i > 0 ? "public, max-age=31536000, immutable" : "public, max-age=86400");
        expect(doc.headers.get("link")).toContain(`<${urls[i + 1]}>; rel="self"`);
      });
      expect(archives.at(-1)!.links["prev-archive"]).toBeUndefined();
      expect(new URL(urls.at(-1)!).searchParams.get("page")).toBe("1");
    }
  });
});

describe("archive pages over time", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keep their items and their ETags when a new article is published", async () => {
    const before = await get("/rss.xml?limit=2&page=1");
    const beforeBody = await before.text();
    const beforeCurrent = await fetchDoc(BASE + "/rss.xml?limit=2");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-02T00:00:00Z")); // the 2030 article is out now
    const after = await get("/rss.xml?limit=2&page=1");
    expect(await after.text()).toBe(beforeBody);
    expect(after.headers.get("etag")).toBe(before.headers.get("etag"));
    const afterCurrent = await fetchDoc(BASE + "/rss.xml?limit=2");
    expect(afterCurrent.ids[0]).toBe("https://news.example.com/posts/2030-01-01-ai-infrastructure-outlook-2030/");
    expect(afterCurrent.links["prev-archive"]).not.toBe(beforeCurrent.links["prev-archive"]);
    const revalidated = await get("/rss.xml?limit=2&page=1", { headers: { "If-None-Match": before.headers.get("etag")! } });
    expect(revalidated.status).toBe(304);
  });

  it("every archive page has its own ETag", async () => {
    const etags = await Promise.all([1, 2, 3].map(async (p) => (await get(`/atom.xml?limit=2&page=${p}`)).headers.get("etag")));
    const current = (await get("/atom.xml?limit=2")).headers.get("etag");
    expect(new Set([...etags, current]).size).toBe(4);
  });
});

describe("bad pages", () => {
  it.each(["0", "-1", "abc", "1.5", ""])("page=%s → 400 with the reason", async (page) => {
    const res = await get(`/rss.xml?limit=2&page=${page}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("page must be a whole number");
  });

  it("a page beyond the archive → 404 saying which pages exist", async () => {
    const res = await get("/rss.xml?limit=2&page=99");
    expect(res.status).toBe(404);
    expect(await res.text()).toMatch(/archive page 99 .* pages 1 \(oldest\) to \d+/);
    const none = await get("/tags/scale-ai/feed.json?page=1");
    expect(none.status).toBe(404);
    expect(await none.text()).toContain("whole history is in the feed itself");
  });

  it("a feed whose whole history fits has no archive links", async () => {
    const doc = await fetchDoc(BASE + "/atom.xml");
    expect(doc.links["prev-archive"]).toBeUndefined();
    expect(doc.links["next"]).toBeUndefined();
  });
});
