/** Every feed URL a Hugo site publishes answers: the feed itself, or one 301 to the canonical Tidings feed. */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const BASE = "http://localhost:8787";
const get = (path: string, init?: RequestInit) => exports.default.fetch(BASE + path, { redirect: "manual", ...init });
const enc = encodeURIComponent;

async function redirectOf(path: string, method = "GET"): Promise<string | null> {
  const res = await get(path, { method });
  await res.arrayBuffer();
  expect(res.status, path).toBe(301);
  return res.headers.get("location");
}

describe("Hugo feed URLs", () => {
  it.each(["/index.xml", "/tags/scale-ai/index.xml", `/topics/${enc("数据与开源生态")}/index.xml`])("%s is served as RSS", async (path) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    expect(await res.text()).toContain("<rss");
  });

  it.each([
    // the custom taxonomy under its own name (main_topics), with Hugo's term URL rules
    [`/main_topics/${enc("产业生态与商业版图")}/index.xml`, `/topics/${enc("产业生态与商业版图")}/rss.xml`],
    ["/main_topics/产业生态与商业版图/index.xml", `/topics/${enc("产业生态与商业版图")}/rss.xml`],
    ["/main_topics/open-source/index.xml", "/topics/open-source/rss.xml"],
    ["/main_topics/Open%20Source/index.xml", "/topics/open-source/rss.xml"],
    ["/main_topics/open-source/index.xml?limit=5", "/topics/open-source/rss.xml?limit=5"],
    // a category that is also a topic (topics first) or a tag
    ["/categories/open-source/index.xml", "/topics/open-source/rss.xml"],
    // a category Tidings has no feed for: the site feed, which holds every one of its items
    ["/categories/feed-engineering/index.xml", "/rss.xml"],
    ["/categories/Feed%20Engineering/index.xml", "/rss.xml"],
    // a section feed (content/posts/) and Hugo's lower-cased section path
    ["/posts/index.xml", "/rss.xml"],
    ["/Posts/index.xml", "/rss.xml"],
    // taxonomy list feeds
    ["/tags/index.xml", "/rss.xml"],
    ["/categories/index.xml", "/rss.xml"],
    ["/main_topics/index.xml", "/rss.xml"],
    ["/topics/index.xml", "/rss.xml"],
  ])("%s → 301 %s", async (path, target) => {
    expect(await redirectOf(path)).toBe(BASE + target);
    expect(await redirectOf(path, "HEAD")).toBe(BASE + target);
  });

  it("every redirect lands on a feed in one hop", async () => {
    for (const path of ["/main_topics/Open%20Source/index.xml", "/categories/open-source/index.xml", "/posts/index.xml", "/tags/index.xml"]) {
      const target = (await redirectOf(path))!;
      const res = await exports.default.fetch(target, { redirect: "manual" });
      expect(res.status, target).toBe(200);
      expect(await res.text()).toContain("<rss");
    }
  });

  it.each([
    ["/main_topics/no-such-topic/index.xml", /unknown topic "no-such-topic".*\/feeds/],
    ["/categories/no-such-category/index.xml", /unknown category "no-such-category".*\/feeds/],
    ["/main_topics/%E0%A4/index.xml", /malformed percent-encoding/],
  ])("%s is a 4xx with a reason", async (path, reason) => {
    const res = await get(path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.text()).toMatch(reason);
  });

  it("a folder that is not a section is not a feed", async () => {
    const res = await get("/no-such-section/index.xml");
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });

  it("a draft's category does not exist", async () => {
    // only the draft content/posts/2025-09-18-data-labeling-funding.md has the category "Draft Only"
    const res = await get("/categories/draft-only/index.xml");
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});
