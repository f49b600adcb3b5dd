/**
 * Every feed parsed by a strict XML 1.0 parser (or JSON.parse) and checked field by field
 * against the sample content in content/posts/.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { all, NS, one, parseXml, text, type XmlNode } from "../support/xml.js";

const SITE = "https://news.example.com";
const PUBLIC = "http://localhost:8787";
const META_URL = `${SITE}/posts/2025-06-27-meta-scale-ai/`;
const ATT_URL = `${SITE}/posts/2025-07-14-att-cpp-cdata-problem/`;
const DRAFT = "数据标注赛道融资回暖";
const FUTURE = "2030年展望";

async function get(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(`http://localhost:8787${path}`, init);
}

async function xml(path: string): Promise<XmlNode> {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return parseXml(await res.text());
}

async function json(path: string): Promise<Record<string, any>> {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as Record<string, any>;
}

const FEED_PATHS = [
  "/rss.xml", "/atom.xml", "/feed.json", "/index.xml",
  "/tags/scale-ai/rss.xml", "/tags/scale-ai/atom.xml", "/tags/scale-ai/feed.json", "/tags/scale-ai/index.xml",
  "/topics/open-source/rss.xml", "/topics/open-source/atom.xml", "/topics/open-source/feed.json",
];

describe("RSS 2.0", () => {
  it("has a complete channel: self link, alternate, language, stable updated date", async () => {
    const rss = await xml("/rss.xml");
    expect(rss.name).toBe("rss");
    expect(rss.attrs["version"]).toBe("2.0");
    const channel = one(rss, "channel");
    expect(text(channel, "title")).toBe("Tidings 科技快讯");
    expect(text(channel, "link")).toBe(`${SITE}/`);
    expect(text(channel, "language")).toBe("zh-CN");
    const self = all(channel, "atom:link").find((l) => l.attrs["rel"] === "self")!;
    expect(self.uri).toBe(NS.atom);
    expect(self.attrs["href"]).toBe(`${PUBLIC}/rss.xml`);
    expect(self.attrs["type"]).toBe("application/rss+xml");
    // lastBuildDate is the newest item's date (never "now").
    const dates = all(channel, "item").map((i) => Date.parse(text(i, "pubDate")));
    expect(Date.parse(text(channel, "lastBuildDate"))).toBe(Math.max(...dates));
  });

  it("writes every item with guid, dates with the author's offset, creator, categories, content and image", async () => {
    const channel = one(await xml("/rss.xml"), "channel");
    const items = all(channel, "item");
    expect(items.length).toBe(7);
    const meta = items.find((i) => text(i, "link") === META_URL)!;
    expect(text(meta, "guid")).toBe(META_URL);
    expect(one(meta, "guid").attrs["isPermaLink"]).toBe("true");
    expect(text(meta, "pubDate")).toBe("Fri, 27 Jun 2025 10:30:00 +0800");
    expect(text(meta, "dc:creator")).toBe("张三");
    expect(all(meta, "author")).toHaveLength(0);
    const categories = all(meta, "category").map((c) => c.text);
    expect(categories).toContain("Scale AI");
    expect(categories).toContain("数据安全");
    expect(categories).toContain("产业生态与商业版图");
    expect(text(meta, "description").length).toBeGreaterThan(20);
    const html = text(meta, "content:encoded");
    expect(html).toContain("<blockquote>");
    // Footnote links are absolute: readers resolve #fn-1 against the feed URL otherwise.
    expect(html).toContain(`href="${META_URL}#fn-1"`);
    expect(html).not.toMatch(/href="#/);
    const enclosure = one(meta, "enclosure");
    expect(enclosure.attrs["url"]).toBe(`${SITE}/images/default%20(1).png`);
    expect(enclosure.attrs["type"]).toBe("image/png");
    expect(enclosure.attrs["length"]).toBe("0");
    const media = one(meta, "media:content");
    expect(media.uri).toBe(NS.media);
    expect(media.attrs["medium"]).toBe("image");
    const jpg = items.find((i) => all(i, "enclosure")[0]?.attrs["url"]?.endsWith(".jpg"))!;
    expect(one(jpg, "enclosure").attrs["type"]).toBe("image/jpeg");
  });

  it("keeps a -05:00 offset and resolves relative links and images against the site", async () => {
    const channel = one(await xml("/rss.xml"), "channel");
    const att = all(channel, "item").find((i) => text(i, "link") === ATT_URL)!;
    expect(text(att, "title")).toBe('AT&T <C++> and the "]]>" problem');
    expect(text(att, "pubDate")).toBe("Mon, 14 Jul 2025 11:20:00 -0500");
    const html = text(att, "content:encoded");
    expect(html).toContain(`href="${SITE}/posts/meta-scale-ai/"`);
    expect(html).toContain(`src="${SITE}/images/market%20share.png"`);
    expect(html).toContain("]]&gt;");
  });

  it("never shows drafts or articles dated in the future", async () => {
    for (const path of FEED_PATHS) {
      const body = await (await get(path)).text();
      expect(body, path).not.toContain(DRAFT);
      expect(body, path).not.toContain(FUTURE);
    }
  });
});

describe("Atom 1.0", () => {
  it("has id, self and alternate links, xml:lang, author and updated = newest entry", async () => {
    const feed = await xml("/tags/scale-ai/atom.xml");
    expect(feed.uri).toBe(NS.atom);
    expect(feed.local).toBe("feed");
    expect(feed.attrs["xml:lang"]).toBe("zh-CN");
    expect(text(feed, "id")).toBe(`${PUBLIC}/tags/scale-ai/atom.xml`);
    const links = all(feed, "link");
    expect(links.find((l) => l.attrs["rel"] === "self")!.attrs["href"]).toBe(`${PUBLIC}/tags/scale-ai/atom.xml`);
    expect(links.find((l) => l.attrs["rel"] === "alternate")!.attrs["href"]).toBe(`${SITE}/tags/scale-ai/`);
    expect(text(one(feed, "author"), "name")).toBe("Tidings 编辑部");
    const entries = all(feed, "entry");
    expect(entries.map((e) => text(e, "id")).sort()).toEqual([
      META_URL,
      `${SITE}/posts/2025-09-05-data-vendors-after-scale-ai/`,
    ]);
    const newest = Math.max(...entries.map((e) => Date.parse(text(e, "updated"))));
    expect(Date.parse(text(feed, "updated"))).toBe(newest);
    expect(text(feed, "title")).toBe("Tidings 科技快讯 · 标签: Scale AI");
  });

  it("shows AT&T <C++> titles as written (type=text) and carries summary, content, categories, image", async () => {
    const feed = await xml("/atom.xml");
    const att = all(feed, "entry").find((e) => text(e, "id") === ATT_URL)!;
    const title = one(att, "title");
    expect(title.attrs["type"]).toBe("text");
    expect(title.text).toBe('AT&T <C++> and the "]]>" problem');
    expect(text(att, "published")).toBe("2025-07-14T11:20:00-05:00");
    expect(text(att, "updated")).toBe("2025-07-14T11:20:00-05:00");
    expect(text(one(att, "author"), "name")).toBe("Jane Doe");
    expect(one(att, "summary").attrs["type"]).toBe("text");
    expect(one(att, "content").attrs["type"]).toBe("html");
    expect(one(att, "content").text).toContain("<table>");
    const cats = all(att, "category");
    expect(cats.map((c) => c.attrs["term"])).toContain("AT&T");
    expect(cats.map((c) => c.attrs["term"])).toContain("C++");
    const enclosure = all(att, "link").find((l) => l.attrs["rel"] === "enclosure")!;
    expect(enclosure.attrs["href"]).toBe(`${SITE}/images/escaping.png`);
    expect(enclosure.attrs["type"]).toBe("image/png");
  });

  it("uses lastmod as updated and keeps date as published", async () => {
    const feed = await xml("/atom.xml");
    const entry = all(feed, "entry").find((e) => text(e, "id").includes("open-weights-data-governance"))!;
    expect(text(entry, "published")).toBe("2025-08-05T19:02:33+08:00");
    expect(text(entry, "updated")).toBe("2025-08-07T09:15:00+08:00");
  });
});

describe("JSON Feed 1.1", () => {
  it("has the 1.1 required and recommended top-level fields", async () => {
    const feed = await json("/feed.json");
    expect(feed["version"]).toBe("https://jsonfeed.org/version/1.1");
    expect(typeof feed["title"]).toBe("string");
    expect(feed["home_page_url"]).toBe(`${SITE}/`);
    expect(feed["feed_url"]).toBe(`${PUBLIC}/feed.json`);
    expect(feed["language"]).toBe("zh-CN");
    expect(feed["authors"]).toEqual([{ name: "Tidings 编辑部" }]);
    expect(feed).not.toHaveProperty("author"); // 1.0 only
    expect(Array.isArray(feed["items"])).toBe(true);
  });

  it("gives every item an id, content_html, dates, tags and image", async () => {
    const feed = await json("/feed.json");
    for (const item of feed["items"] as Record<string, any>[]) {
      expect(typeof item["id"]).toBe("string");
      expect(typeof item["content_html"]).toBe("string");
      expect(item["url"]).toMatch(/^https:\/\//);
      expect(Number.isNaN(Date.parse(item["date_published"]))).toBe(false);
      expect(Array.isArray(item["tags"])).toBe(true);
    }
    const meta = (feed["items"] as Record<string, any>[]).find((i) => i["id"] === META_URL)!;
    expect(meta["date_published"]).toBe("2025-06-27T10:30:00+08:00");
    expect(meta["image"]).toBe(`${SITE}/images/default%20(1).png`);
    expect(meta["authors"]).toEqual([{ name: "张三" }]);
    expect(meta["tags"]).toContain("Scale AI");
  });
});

describe("one identity across formats", () => {
  it("uses the same id for an article in RSS guid, Atom id and JSON id, in the same order", async () => {
    const rss = all(one(await xml("/rss.xml"), "channel"), "item").map((i) => text(i, "guid"));
    const atom = all(await xml("/atom.xml"), "entry").map((e) => text(e, "id"));
    const jsonIds = ((await json("/feed.json"))["items"] as { id: string }[]).map((i) => i.id);
    expect(rss).toEqual(atom);
    expect(atom).toEqual(jsonIds);
    // Newest first.
    const dates = all(await xml("/atom.xml"), "entry").map((e) => Date.parse(text(e, "published")));
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
  });

  it("parses every feed URL strictly", async () => {
    for (const path of FEED_PATHS) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const body = await res.text();
      if (path.endsWith(".json")) expect(() => JSON.parse(body), path).not.toThrow();
      else expect(() => parseXml(body), path).not.toThrow();
    }
  });
});
