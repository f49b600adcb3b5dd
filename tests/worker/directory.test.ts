/** `/feeds`, `/feeds.opml` and the landing pages `/`, `/topics/{topic}/`, `/tags/{tag}/`. */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { dateFormatter, format, messagesFor } from "../../src/i18n/index.js";
const t = messagesFor(env.SITE_LANGUAGE);
import { siteContent } from "../../src/content/index.js";
import { compareNames } from "../../src/pages/directory.js";
import { all, one, parseXml, type XmlNode } from "../support/xml.js";

const content = await siteContent(env);

const BASE = "http://localhost:8787";
const get = (path: string, init?: RequestInit) => exports.default.fetch(BASE + path, { redirect: "manual", ...init });
const now = () => Date.now();

/** Text between tags, entities decoded enough for assertions. */
function decode(html: string): string {
  return html.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

function rows(html: string): { name: string; hidden: boolean; body: string }[] {
  return [...html.matchAll(/<li data-filter="[^"]*"( hidden="")?>([\s\S]*?)<\/li>/g)].map((m) => ({
    hidden: Boolean(m[1]),
    name: decode(/<h3><a [^>]*>([^<]*)<\/a>/.exec(m[2]!)![1]!),
    body: m[2]!,
  }));
}

describe("/feeds", () => {
  it("lists the site feed and every visible topic and tag with count, newest date and three URLs", async () => {
    const res = await get("/feeds");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    const listed = rows(html);
    const topics = [...content.catalogue("topics", now()).values()];
    const tags = [...content.catalogue("tags", now()).values()];
    expect(listed).toHaveLength(1 + topics.length + tags.length);
    expect(listed.every((r) => !r.hidden)).toBe(true);
    const scale = listed.find((r) => r.name === "Scale AI")!;
    expect(scale.body).toContain(`value="${BASE}/tags/scale-ai/rss.xml"`);
    expect(scale.body).toContain(`value="${BASE}/tags/scale-ai/atom.xml"`);
    expect(scale.body).toContain(`value="${BASE}/tags/scale-ai/feed.json"`);
    expect(scale.body).toContain(format(t.feeds.articles.other, { count: '<span class="count">2</span>' }));
    expect(scale.body).toContain(`<time datetime="2025-09-05T07:30:00+08:00">${dateFormatter(t)("2025-09-05T07:30:00+08:00")}</time>`);
    expect(scale.body).toContain('href="/subscribe?tags=scale-ai"');
    const topic = listed.find((r) => r.name === "产业生态与商业版图")!;
    expect(decode(topic.body)).toContain(`href="/subscribe?topics=${encodeURIComponent("产业生态与商业版图")}"`);
    expect(topic.body).toContain(`data-url="${BASE}/topics/${encodeURIComponent("产业生态与商业版图")}/atom.xml"`);
    expect(listed[0]!.body).toContain(`value="${BASE}/rss.xml"`);
    // Drafts and future articles do not make terms appear.
    expect(listed.map((r) => r.name)).not.toContain("能源");
    expect(listed.map((r) => r.name)).not.toContain("投融资");
  });

  it("sorts Chinese by pinyin and English alphabetically, within each group", async () => {
    const listed = rows(await (await get("/feeds")).text()).slice(1);
    const topics = listed.slice(0, content.catalogue("topics", now()).size).map((r) => r.name);
    const tags = listed.slice(topics.length).map((r) => r.name);
    expect(tags).toEqual([...tags].sort(compareNames));
    expect(topics).toEqual([...topics].sort(compareNames));
    // Pinyin: 半(ban) < 人(ren) < 数(shu) < 英(ying) < 云(yun); numbers by value.
    const order = (a: string, b: string) => expect(tags.indexOf(a)).toBeLessThan(tags.indexOf(b));
    order("半导体", "人工智能");
    order("人工智能", "数据安全");
    order("数据安全", "英伟达");
    order("英伟达", "云计算");
    order("att", "Scale AI");
    expect(["item 10", "item 9", "Item 1"].sort(compareNames)).toEqual(["Item 1", "item 9", "item 10"]);
  });

  it("filters with a plain GET form: non-matching feeds are hidden, matching kept", async () => {
    const html = await (await get("/feeds?q=%E6%95%B0%E6%8D%AE")).text(); // 数据
    expect(html).toContain('<form id="filter-form" class="filter" method="get" action="/feeds"');
    expect(html).toContain('value="数据"');
    const visible = rows(html).filter((r) => !r.hidden).map((r) => r.name);
    expect(visible.sort(compareNames)).toEqual(["数据安全", "数据标注", "数据与开源生态", "数据治理"].sort(compareNames));
    const byCase = rows(await (await get("/feeds?q=SCALE%20ai")).text()).filter((r) => !r.hidden).map((r) => r.name);
    expect(byCase).toEqual(["Scale AI"]);
    const none = await (await get("/feeds?q=zzzz")).text();
    expect(rows(none).every((r) => r.hidden)).toBe(true);
    expect(none).toMatch(new RegExp(format(t.feeds.shown, { shown: 0, total: "\\d+" })));
  });

  it("shows each feed URL in readable form while the copied value stays percent-encoded", async () => {
    const html = await (await get("/feeds")).text();
    const topic = "产业生态与商业版图";
    const encoded = `${BASE}/topics/${encodeURIComponent(topic)}/rss.xml`;
    const row = rows(html).find((r) => r.name === topic)!;
    expect(row.body).toContain(`value="${BASE}/topics/${topic}/rss.xml"`);
    expect(row.body).toContain(`data-url="${encoded}"`);
    expect(row.body).not.toContain(`value="${encoded}"`);
    // Links stay percent-encoded.
    expect(row.body).toContain(`href="/topics/${encodeURIComponent(topic)}/"`);
    // The copy script copies data-url, not what the field shows.
    expect(html).toContain("dataset.url");
  });

  it("has real controls for keyboard use: labelled inputs, buttons and links", async () => {
    const html = await (await get("/feeds")).text();
    expect(html).toContain('<label for="q">');
    expect(html).toMatch(/<label for="tags-0-rss">RSS<\/label><input id="tags-0-rss" type="text" readonly="" value="[^"]+" data-url="[^"]+" class="url"/);
    expect(html).toContain(`<button type="button" data-copy="tags-0-rss" aria-label="${format(t.feedParts.copyLabel, { label: "RSS" })}" hidden="">`);
    expect(html).toContain("navigator.clipboard.writeText");
    expect(html).toContain('<link rel="alternate" type="text/x-opml"');
  });

  it("supports ETag, 304 and HEAD", async () => {
    const first = await get("/feeds");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"[^"]+"$/);
    await first.arrayBuffer();
    expect((await get("/feeds", { headers: { "If-None-Match": etag } })).status).toBe(304);
    const filtered = await get("/feeds?q=ai");
    expect(filtered.headers.get("etag")).not.toBe(etag);
    await filtered.arrayBuffer();
    const head = await get("/feeds", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it("escapes a hostile filter", async () => {
    const html = await (await get('/feeds?q=%22%3E%3Cscript%3Ealert(1)%3C/script%3E')).text();
    expect(html).not.toContain("<script>alert(1)");
  });
});

function outlines(node: XmlNode): XmlNode[] {
  return all(node, "outline");
}

describe("/feeds.opml", () => {
  it.each([
    ["", "rss.xml"],
    ["?format=rss", "rss.xml"],
    ["?format=atom", "atom.xml"],
    ["?format=json", "feed.json"],
  ])("%s is OPML 2.0, grouped site/topics/tags, with type, text, title, xmlUrl, htmlUrl", async (query, file) => {
    const res = await get("/feeds.opml" + query);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/x-opml; charset=utf-8");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const opml = parseXml(await res.text()); // strict XML 1.0: throws on any well-formedness error
    expect(opml.name).toBe("opml");
    expect(opml.attrs.version).toBe("2.0");
    const head = one(opml, "head");
    expect(one(head, "title").text).toContain("Tidings");
    expect(Date.parse(one(head, "dateModified").text)).not.toBeNaN();
    const groups = outlines(one(opml, "body"));
    expect(groups.map((g) => g.attrs.text)).toEqual(["全站", "专题", "标签"]);
    const [site, topics, tags] = groups.map(outlines) as [XmlNode[], XmlNode[], XmlNode[]];
    expect(site).toHaveLength(1);
    expect(topics).toHaveLength(content.catalogue("topics", now()).size);
    expect(tags).toHaveLength(content.catalogue("tags", now()).size);
    for (const o of [...site, ...topics, ...tags]) {
      expect(o.attrs.type).toBe("rss");
      expect(o.attrs.text).toBeTruthy();
      expect(o.attrs.title).toBe(o.attrs.text);
      expect(o.attrs.xmlUrl!.startsWith(BASE + "/")).toBe(true);
      expect(o.attrs.xmlUrl!.split("?")[0]!.endsWith("/" + file)).toBe(true);
      expect(o.attrs.htmlUrl!.startsWith("https://news.example.com/")).toBe(true);
    }
    expect(site[0]!.attrs.xmlUrl).toBe(`${BASE}/${file}`);
    const scale = tags.find((o) => o.attrs.xmlUrl === `${BASE}/tags/scale-ai/${file}`)!;
    expect(scale.attrs.title).toBe("Tidings 科技快讯 · 标签: Scale AI");
    expect(scale.attrs.htmlUrl).toBe("https://news.example.com/tags/scale-ai/");
    // Every xmlUrl answers with a feed.
    for (const o of [...site, ...topics.slice(0, 2), scale]) {
      const feed = await exports.default.fetch(o.attrs.xmlUrl!);
      expect(feed.status, o.attrs.xmlUrl).toBe(200);
      await feed.arrayBuffer();
    }
  });

  it("titles with markup characters stay well-formed", async () => {
    const opml = await (await get("/feeds.opml")).text();
    expect(opml).toContain('text="Tidings 科技快讯 · 标签: AT&amp;T"');
    parseXml(opml);
  });

  it("a bad format → 400 with the reason", async () => {
    const res = await get("/feeds.opml?format=xml");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('format must be one of rss, atom, json; got "xml"');
  });

  it.each(["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"])("format=%s (an Object.prototype name) → 400, not feeds of undefined", async (format) => {
    const res = await get(`/feeds.opml?format=${format}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(`format must be one of rss, atom, json; got "${format}"`);
  });

  it("has ETags per format and answers 304", async () => {
    const rss = await get("/feeds.opml");
    const atom = await get("/feeds.opml?format=atom");
    expect(rss.headers.get("etag")).not.toBe(atom.headers.get("etag"));
    await Promise.all([rss.arrayBuffer(), atom.arrayBuffer()]);
    const again = await get("/feeds.opml", { headers: { "If-None-Match": rss.headers.get("etag")! } });
    expect(again.status).toBe(304);
    expect(Date.parse(rss.headers.get("last-modified")!)).not.toBeNaN();
  });
});

describe("landing pages", () => {
  it.each([
    ["/", "", 7],
    ["/tags/scale-ai/", "/tags/scale-ai", 2],
    [`/topics/${encodeURIComponent("数据与开源生态")}/`, `/topics/${encodeURIComponent("数据与开源生态")}`, content.catalogue("topics", Date.now()).get("数据与开源生态")!.count],
  ])("%s lists the latest items and autodiscovers all three formats", async (path, feedBase, count) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    for (const [type, file] of [["application/rss+xml", "rss.xml"], ["application/atom+xml", "atom.xml"], ["application/feed+json", "feed.json"]] as const) {
      expect(html).toMatch(new RegExp(`<link rel="alternate" type="${type.replace("+", "\\+")}" title="[^"]+" href="${BASE}${feedBase}/${file}"/>`));
    }
    const items = [...html.matchAll(/<article[^>]*>([\s\S]*?)<\/article>/g)].map((m) => m[1]!);
    expect(items).toHaveLength(count);
    for (const item of items) {
      expect(item).toMatch(/<h3><a href="https:\/\/news\.example\.com\/posts\/[^"]+\/">/);
      expect(item).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+">\d{4}年\d{1,2}月\d{1,2}日<\/time>/);
      expect(item).toMatch(/<p>[^<]+<\/p>/); // summary
    }
    expect(html).not.toContain("2030年展望"); // not yet published
  });

  it("shows the featured image of articles that have one", async () => {
    const html = await (await get("/tags/scale-ai/")).text();
    expect(html).toMatch(/<img src="https:\/\/news\.example\.com\/images\/[^"]+" alt="" loading="lazy"/);
  });

  it("escapes titles: AT&T <C++> shows as written", async () => {
    const html = await (await get("/tags/c%2B%2B/")).text();
    expect(html).toContain("AT&amp;T &lt;C++&gt;");
  });

  it.each([
    ["/tags/Scale%20AI/", "/tags/scale-ai/"],
    ["/tags/SCALE-AI/", "/tags/scale-ai/"],
    ["/tags/scale-ai", "/tags/scale-ai/"],
    ["/topics/Open%20Source/", "/topics/open-source/"],
    ["/tags/%e6%95%b0%e6%8d%ae%e5%ae%89%e5%85%a8/", `/tags/${encodeURIComponent("数据安全")}/`],
  ])("%s → 301 %s", async (path, location) => {
    const res = await get(path);
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(BASE + location);
  });

  it("unknown term → 404 pointing to /feeds; bad encoding → 400; never 500", async () => {
    for (const path of ["/tags/no-such-tag/", "/topics/火星/", "/tags/能源/"]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      const html = await res.text();
      expect(html).toContain(t.landing.notFound);
      expect(html).toContain('href="/feeds"');
    }
    const bad = await get("/tags/%E6%95x/");
    expect(bad.status).toBe(400);
    await bad.arrayBuffer();
    const json = await get("/tags/nope/", { headers: { Accept: "application/json" } });
    expect(await json.json()).toMatchObject({ status: 404 });
    for (const path of ["/tags/%00/", "/tags/a%2Fb/", `/topics/${"x".repeat(3000)}/`]) {
      const res = await get(path);
      expect(res.status, path).toBeLessThan(500);
      await res.arrayBuffer();
    }
  });

  it("support ETag/304", async () => {
    const first = await get("/tags/scale-ai/");
    await first.arrayBuffer();
    const again = await get("/tags/scale-ai/", { headers: { "If-None-Match": first.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });
});
