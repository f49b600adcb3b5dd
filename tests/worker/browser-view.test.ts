/** A person opening a feed URL gets a readable page; every reader still gets the feed. */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { format, messagesFor } from "../../src/i18n/index.js";
import { acceptRanges as parseAccept, quality, wantsBrowserView } from "../../src/lib/negotiate.js";
const t = messagesFor(env.SITE_LANGUAGE);

const BASE = "http://localhost:8787";
const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  exports.default.fetch(BASE + path, { redirect: "manual", headers, method });

const CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7";
const FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const SAFARI = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const NAVIGATE = { "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document", "Sec-Fetch-Site": "none", "Upgrade-Insecure-Requests": "1" };

const browsers: [string, Record<string, string>][] = [
  ["Chrome", { Accept: CHROME, ...NAVIGATE }],
  ["Firefox", { Accept: FIREFOX, ...NAVIGATE }],
  ["Safari", { Accept: SAFARI, ...NAVIGATE }],
];

const readers: [string, Record<string, string>][] = [
  ["curl", { Accept: "*/*", "User-Agent": "curl/8.5.0" }],
  ["no Accept at all", {}],
  ["Feedly", { Accept: "*/*", "User-Agent": "Feedly/1.0 (+http://www.feedly.com/fetcher.html; like FeedFetcher-Google)" }],
  ["NetNewsWire", { Accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8", "User-Agent": "NetNewsWire (RSS Reader; https://netnewswire.com/)" }],
  ["Miniflux", { Accept: "application/xml, application/atom+xml, application/rss+xml, application/rdf+xml, application/feed+json, text/html, */*;q=0.9", "User-Agent": "Mozilla/5.0 (compatible; Miniflux/2.2.0; +https://miniflux.app)" }],
  ["newsboat", { Accept: "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8", "User-Agent": "newsboat/2.36.0 (Linux x86_64)" }],
  ["Inoreader", { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "User-Agent": "Mozilla/5.0 (compatible; inoreader.com; 1 subscribers)" }],
  ["a browser's fetch() from a page", { Accept: "*/*", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty" }],
  ["a browser's fetch() asking for HTML", { Accept: "text/html", "Sec-Fetch-Mode": "cors" }],
  ["a navigation with Accept: */*", { Accept: "*/*", ...NAVIGATE }],
  ["a navigation that prefers the feed", { Accept: "application/rss+xml,application/atom+xml,application/feed+json,text/html;q=0.8", ...NAVIGATE }],
];

const FEEDS: [string, string][] = [
  ["/rss.xml", "application/rss+xml; charset=utf-8"],
  ["/index.xml", "application/rss+xml; charset=utf-8"],
  ["/atom.xml", "application/atom+xml; charset=utf-8"],
  ["/feed.json", "application/feed+json; charset=utf-8"],
  ["/tags/scale-ai/rss.xml", "application/rss+xml; charset=utf-8"],
  [`/topics/${encodeURIComponent("数据与开源生态")}/atom.xml`, "application/atom+xml; charset=utf-8"],
];

describe("Accept negotiation", () => {
  it("uses the most specific matching range", () => {
    const ranges = parseAccept(CHROME);
    expect(quality(ranges, "text/html")).toBe(1);
    expect(quality(ranges, "application/xml")).toBe(0.9);
    expect(quality(ranges, "application/rss+xml")).toBe(0.8);
    expect(quality(parseAccept("text/*;q=0.5, text/html;q=0"), "text/html")).toBe(0);
    expect(quality(parseAccept("garbage, ;;, /"), "text/html")).toBe(0);
  });

  it("needs a navigation that prefers HTML", () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(wantsBrowserView(h({ Accept: CHROME, "Sec-Fetch-Mode": "navigate" }))).toBe(true);
    expect(wantsBrowserView(h({ Accept: CHROME }))).toBe(false);
    expect(wantsBrowserView(h({ Accept: "text/html;q=0", "Sec-Fetch-Mode": "navigate" }))).toBe(false);
  });
});

describe.each(FEEDS)("%s", (path, feedType) => {
  it.each(browsers)("%s navigating gets the readable HTML page", async (_name, headers) => {
    const res = await get(path, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("vary")).toBe("Accept, Sec-Fetch-Mode, Accept-Encoding");
    const html = await res.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toContain("xml-stylesheet");
    expect(html).toContain(t.feedView.lead);
    const feedUrl = BASE + path;
    const copied = feedUrl.replace("/index.xml", "/rss.xml");
    expect(html).toContain(`readonly="" value="${decodeURI(copied)}" data-url="${copied}"`);
    expect(html).toMatch(/<a href="\/subscribe(\?(tags|topics)=[^"]+)?">/);
    expect(html).toContain('href="/feeds"');
    expect(html).toMatch(/<article/);
  });

  it.each(readers)("%s gets the feed", async (_name, headers) => {
    const res = await get(path, headers);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(feedType);
    expect(res.headers.get("vary")).toBe("Accept, Sec-Fetch-Mode, Accept-Encoding");
    const body = await res.text();
    expect(body.startsWith("<?xml") || body.startsWith("{")).toBe(true);
  });
});

describe("caching stays correct", () => {
  it("the HTML view has its own ETag and answers its own 304s", async () => {
    const browser = { Accept: CHROME, ...NAVIGATE };
    const feed = await get("/atom.xml");
    const page = await get("/atom.xml", browser);
    await Promise.all([feed.arrayBuffer(), page.arrayBuffer()]);
    const feedTag = feed.headers.get("etag")!;
    const pageTag = page.headers.get("etag")!;
    expect(pageTag).toMatch(/^"[^"]+"$/);
    expect(pageTag).not.toBe(feedTag);
    expect((await get("/atom.xml", { ...browser, "If-None-Match": pageTag })).status).toBe(304);
    // A browser holding the feed's ETag must not get a 304 for the page, nor a reader the reverse.
    const crossed = await get("/atom.xml", { ...browser, "If-None-Match": feedTag });
    expect(crossed.status).toBe(200);
    expect(crossed.headers.get("content-type")).toContain("text/html");
    await crossed.arrayBuffer();
    const reader = await get("/atom.xml", { "If-None-Match": pageTag });
    expect(reader.status).toBe(200);
    await reader.arrayBuffer();
  });

  it("HEAD gives the HTML view's headers", async () => {
    const res = await get("/feed.json", { Accept: FIREFOX, ...NAVIGATE }, "HEAD");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(Number(res.headers.get("content-length"))).toBeGreaterThan(500);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it("errors stay errors for browsers too", async () => {
    const res = await get("/tags/nope/rss.xml", { Accept: CHROME, ...NAVIGATE });
    expect(res.status).toBe(404);
    await res.arrayBuffer();
  });
});

describe("the page itself", () => {
  it("escapes content and explains the feed in both languages", async () => {
    const html = await (await get("/tags/c%2B%2B/rss.xml", { Accept: CHROME, ...NAVIGATE })).text();
    expect(html).toContain("AT&amp;T &lt;C++&gt;");
    expect(html).toContain("订阅源");
    expect(html).toContain('href="/subscribe?tags=c%2B%2B"');
    expect(html).toContain('href="/tags/c%2B%2B/"');
    expect(html).toContain(`href="${BASE}/tags/c%2B%2B/atom.xml"`); // other formats
  });

  it("archive pages show their place in the history with older and newer links", async () => {
    const html = await (await get("/rss.xml?limit=2&page=2", { Accept: CHROME, ...NAVIGATE })).text();
    expect(html).toContain(format(t.feedView.archive, { page: 2 }));
    expect(html).toContain(`href="${BASE}/rss.xml?limit=2&amp;page=1"`);
    expect(html).toContain(`href="${BASE}/rss.xml?limit=2&amp;page=3"`);
    // What to subscribe to is the current feed, not the archive page.
    expect(html).toContain(`readonly="" value="${BASE}/rss.xml?limit=2"`);
  });
});
