/**
 * Personal feeds (/me/{token}/rss.xml · atom.xml · feed.json): exactly the subscriber's
 * topics and tags, with every feed guarantee (well-formed, ETag/304, RFC 5005 paging
 * under the personal base), a purpose-bound token of their own that can be replaced, and
 * an end when the subscription ends.
 */
import { readConfig } from "../../src/config.js";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { messagesFor } from "../../src/i18n/index.js";
import { cacheUsage } from "../../src/lib/cache.js";
import { subscriberLinks } from "../../src/subscribers/links.js";
import { suppress } from "../../src/subscribers/store.js";
import { all, NS, one, parseXml, text } from "../support/xml.js";
import { activeSubscriber, BASE, get, linkPath, mailTo, normalised, postForm, postJson, row, uniqueEmail } from "./subscribers-helpers.js";

/** The subscriber's unsubscribe link path (the confirmation mail has none). */
async function unsubscribePath(email: string): Promise<string> {
  const { unsubscribeUrl } = await subscriberLinks(readConfig(env).links, (await row(email))!.id as string);
  return unsubscribeUrl.slice(BASE.length);
}

const OPEN_SOURCE = "open-source";
const INDUSTRY = "产业生态与商业版图";
const FEED_TYPES = { rss: "application/rss+xml; charset=utf-8", atom: "application/atom+xml; charset=utf-8", json: "application/feed+json; charset=utf-8" };

interface FeedUrls {
  rss: string;
  atom: string;
  json: string;
}

async function feedUrls(preferences: string): Promise<FeedUrls> {
  const res = await get(preferences, { Accept: "application/json" });
  expect(res.status).toBe(200);
  const view = (await res.json()) as { feedUrls: FeedUrls };
  return view.feedUrls;
}

const path = (url: string) => url.slice(BASE.length);

async function jsonIds(url: string): Promise<string[]> {
  const res = await get(path(url));
  expect(res.status, url).toBe(200);
  return ((await res.json()) as { items: { id: string }[] }).items.map((i) => i.id);
}

describe("personal feed: what it holds", () => {
  it("gives three URLs under /me/{token}/ in the preferences JSON", async () => {
    const sub = await activeSubscriber({ topics: OPEN_SOURCE });
    const urls = await feedUrls(sub.preferences);
    const token = /^http:\/\/localhost:8787\/me\/([A-Za-z0-9._-]+)\/rss\.xml$/.exec(urls.rss)?.[1];
    expect(token).toBeTruthy();
    expect(urls).toEqual({ rss: `${BASE}/me/${token}/rss.xml`, atom: `${BASE}/me/${token}/atom.xml`, json: `${BASE}/me/${token}/feed.json` });
    // Not any of the other tokens.
    expect(sub.text).not.toContain(token);
  });

  it("holds exactly the chosen topics and tags (OR within, AND across), like the same filter on the site feed", async () => {
    const everything = await activeSubscriber();
    expect(await jsonIds((await feedUrls(everything.preferences)).json + "?limit=100")).toEqual(await jsonIds(`${BASE}/feed.json?limit=100`));

    const topic = await activeSubscriber({ topics: OPEN_SOURCE });
    const topicIds = await jsonIds((await feedUrls(topic.preferences)).json);
    expect(topicIds).toEqual(await jsonIds(`${BASE}/feed.json?topic=${OPEN_SOURCE}`));
    expect(topicIds.length).toBeGreaterThan(0);
    expect(topicIds.length).toBeLessThan((await jsonIds(`${BASE}/feed.json`)).length);

    const both = await activeSubscriber({ topics: [INDUSTRY, OPEN_SOURCE], tags: ["scale-ai", "meta"] });
    const expected = await jsonIds(`${BASE}/feed.json?topic=${encodeURIComponent(INDUSTRY)}&topic=${OPEN_SOURCE}&tag=scale-ai&tag=meta`);
    expect(expected.length).toBeGreaterThan(0);
    const urls = await feedUrls(both.preferences);
    expect(await jsonIds(urls.json)).toEqual(expected);
    // The same items in every format.
    const rss = parseXml(await (await get(path(urls.rss))).text());
    expect(all(one(rss, "channel"), "item").map((i) => text(i, "guid"))).toEqual(expected);
    const atom = parseXml(await (await get(path(urls.atom))).text());
    expect(all(atom, "entry").map((e) => text(e, "id"))).toEqual(expected);
  });

  it("follows the subscriber's changes of topics (new bytes, new ETag)", async () => {
    const sub = await activeSubscriber({ topics: OPEN_SOURCE });
    const urls = await feedUrls(sub.preferences);
    const before = await get(path(urls.json));
    const etag = before.headers.get("etag")!;
    await before.arrayBuffer();
    const saved = await postJson(sub.preferences, { topics: [INDUSTRY] });
    expect(saved.status).toBe(200);
    const after = await get(path(urls.json), { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(etag);
    expect(((await after.json()) as { items: unknown[] }).items.map((i) => (i as { id: string }).id)).toEqual(await jsonIds(`${BASE}/feed.json?topic=${encodeURIComponent(INDUSTRY)}`));
  });
});

describe("personal feed on the preferences page", () => {
  it("shows the three URLs and the form for a new one while subscribed; a note otherwise", async () => {
    const sub = await activeSubscriber();
    const urls = await feedUrls(sub.preferences);
    const page = await (await get(sub.preferences)).text();
    for (const url of [urls.rss, urls.atom, urls.json]) expect(page).toContain(`data-url="${url}"`);
    expect(page).toContain('name="action" value="new-feed-url"');
    const m = messagesFor(env.SITE_LANGUAGE).preferences;
    expect(page).toContain(m.feedTitle);
    expect(page).not.toContain(m.feedIssued);
    expect(await (await get(`${sub.preferences}?feed=new`)).text()).toContain(m.feedIssued);
    await postForm(await unsubscribePath(sub.email), {});
    const after = await (await get(sub.preferences)).text();
    expect(after).not.toContain(urls.rss);
    expect(after).toContain(m.feedNone);
  });
});

describe("personal feed: the guarantees of every feed", () => {
  it("writes well-formed RSS, Atom and JSON Feed 1.1 whose self links are the personal URLs", async () => {
    const sub = await activeSubscriber({ topics: OPEN_SOURCE });
    const urls = await feedUrls(sub.preferences);

    const rssRes = await get(path(urls.rss));
    expect(rssRes.headers.get("content-type")).toBe(FEED_TYPES.rss);
    const channel = one(parseXml(await rssRes.text()), "channel");
    const rssSelf = all(channel, "atom:link").find((l) => l.attrs["rel"] === "self")!;
    expect(rssSelf.uri).toBe(NS.atom);
    expect(rssSelf.attrs["href"]).toBe(urls.rss);
    expect(text(channel, "language")).toBe("zh-CN");
    expect(text(channel, "title")).toContain("Tidings 科技快讯");

    const atomRes = await get(path(urls.atom));
    expect(atomRes.headers.get("content-type")).toBe(FEED_TYPES.atom);
    const atom = parseXml(await atomRes.text());
    expect(atom.uri).toBe(NS.atom);
    const links = all(atom, "link");
    expect(links.find((l) => l.attrs["rel"] === "self")!.attrs["href"]).toBe(urls.atom);
    expect(text(atom, "id")).toBe(urls.atom);
    expect(links.find((l) => l.attrs["rel"] === "alternate")!.attrs["href"]).toBe("https://news.example.com/");

    const jsonRes = await get(path(urls.json));
    expect(jsonRes.headers.get("content-type")).toBe(FEED_TYPES.json);
    const feed = (await jsonRes.json()) as Record<string, unknown>;
    expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
    expect(feed.feed_url).toBe(urls.json);
    expect(jsonRes.headers.get("link")).toContain(`<${urls.json}>; rel="self"`);
  });

  it("is private and not indexed; ETag/Last-Modified answer 304; HEAD works", async () => {
    const sub = await activeSubscriber({ topics: OPEN_SOURCE });
    const urls = await feedUrls(sub.preferences);
    for (const url of [urls.rss, urls.atom, urls.json]) {
      const res = await get(path(url));
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      expect(res.headers.get("cache-control")).toMatch(/^private\b/);
      expect(res.headers.get("cache-control")).not.toContain("public");
      expect(res.headers.get("x-robots-tag")).toBe("noindex");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      const etag = res.headers.get("etag")!;
      expect(etag).toMatch(/^"[^"]+"$/);
      const public_ = await get(path(url).replace(/^\/me\/[^/]+/, "") + `?topic=${OPEN_SOURCE}`);
      expect(public_.headers.get("etag")).not.toBe(etag);
      await public_.arrayBuffer();
      const again = await get(path(url), { "If-None-Match": etag });
      expect(again.status).toBe(304);
      expect(again.headers.get("cache-control")).toMatch(/^private\b/);
      const since = await get(path(url), { "If-Modified-Since": res.headers.get("last-modified")! });
      expect(since.status).toBe(304);
      const head = await exports.default.fetch(url, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("etag")).toBe(etag);
      expect(await head.text()).toBe("");
    }
  });

  it("pages by RFC 5005 under /me/{token}/: walking prev-archive reaches every item once", async () => {
    const sub = await activeSubscriber();
    const urls = await feedUrls(sub.preferences);
    const expected = await jsonIds(urls.json + "?limit=100");
    expect(expected.length).toBeGreaterThan(3);
    const base = urls.atom.replace(/atom\.xml$/, "");
    const seen: string[] = [];
    let next: string | undefined = `${urls.atom}?limit=2`;
    let docs = 0;
    while (next) {
      expect(next.startsWith(base), next).toBe(true);
      const res = await get(path(next));
      expect(res.status, next).toBe(200);
      expect(res.headers.get("cache-control")).toMatch(/^private\b/);
      const atom = parseXml(await res.text());
      const rel = (r: string) => all(atom, "link").find((l) => l.attrs["rel"] === r)?.attrs["href"];
      expect(rel("self")).toBe(next);
      if (docs > 0) expect(rel("current")).toBe(`${urls.atom}?limit=2`);
      for (const e of all(atom, "entry")) if (!seen.includes(text(e, "id"))) seen.push(text(e, "id"));
      next = rel("prev-archive");
      expect(++docs).toBeLessThan(20);
    }
    expect(docs).toBeGreaterThan(1);
    expect(seen).toEqual(expected);
    // JSON Feed's next_url too.
    const first = (await (await get(path(urls.json) + "?limit=2")).json()) as { next_url: string };
    expect(first.next_url.startsWith(base)).toBe(true);
    expect(first.next_url).toContain("page=");
  });

  it("answers bad queries with a 4xx and a reason", async () => {
    const sub = await activeSubscriber({ topics: OPEN_SOURCE });
    const urls = await feedUrls(sub.preferences);
    for (const [query, status] of [["?limit=abc", 400], ["?limit=0", 400], ["?page=x", 400], ["?page=99", 404], [`?tag=scale-ai`, 400], [`?topic=${OPEN_SOURCE}`, 400]] as const) {
      const res = await get(path(urls.rss) + query);
      expect(res.status, query).toBe(status);
      expect((await res.text()).length, query).toBeGreaterThan(10);
    }
    const other = await get(path(urls.rss).replace(/rss\.xml$/, "index.html"));
    expect(other.status).toBe(404);
    await other.arrayBuffer();
    const post = await exports.default.fetch(urls.rss, { method: "POST" });
    expect(post.status).toBe(405);
    await post.arrayBuffer();
  });
});

describe("personal feed: its own token", () => {
  const tokenOf = (linkPath_: string) => linkPath_.split("/")[2]!;

  it("is not the preferences or unsubscribe token, and neither of those opens the feed", async () => {
    const sub = await activeSubscriber();
    const preferences = tokenOf(sub.preferences);
    const unsubscribe = tokenOf(await unsubscribePath(sub.email));
    for (const token of [preferences, unsubscribe, "garbage", "a.b.c", "%00"]) {
      for (const file of ["rss.xml", "atom.xml", "feed.json"]) {
        const res = await get(`/me/${token}/${file}`);
        expect(res.status, `${token} ${file}`).toBe(404);
        expect(await res.text()).toMatch(/feed/i);
      }
    }
  });

  it("cannot open the preferences or unsubscribe pages, nor change anything", async () => {
    const sub = await activeSubscriber();
    const feedToken = path((await feedUrls(sub.preferences)).rss).split("/")[2]!;
    expect((await get(`/preferences/${feedToken}`, { Accept: "application/json" })).status).toBe(400);
    expect((await postJson(`/preferences/${feedToken}`, { cadence: "weekly" })).status).toBe(400);
    expect((await get(`/unsubscribe/${feedToken}`)).status).toBe(400);
    expect((await postForm(`/unsubscribe/${feedToken}`, { "List-Unsubscribe": "One-Click" })).status).toBe(400);
    expect((await get(`/confirm/${feedToken}`)).status).toBe(400);
    const view = (await (await get(sub.preferences, { Accept: "application/json" })).json()) as { status: string; cadence: string };
    expect(view).toMatchObject({ status: "active", cadence: "daily" });
  });

  it("a new address can be issued from the preferences form (same-origin only); the old one then answers 410", async () => {
    const sub = await activeSubscriber({ topics: OPEN_SOURCE });
    const old = await feedUrls(sub.preferences);
    // A cross-site form post is refused and changes nothing.
    const forged = await postForm(sub.preferences, { action: "new-feed-url" }, { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" });
    expect(forged.status).toBe(403);
    expect(await feedUrls(sub.preferences)).toEqual(old);

    const issued = await postForm(sub.preferences, { action: "new-feed-url" });
    expect(issued.status).toBe(303);
    expect(issued.headers.get("location")).toBe(`${sub.preferences}?feed=new`);
    const fresh = await feedUrls(sub.preferences);
    expect(fresh.rss).not.toBe(old.rss);
    for (const key of ["rss", "atom", "json"] as const) {
      const gone = await get(path(old[key]));
      expect(gone.status, key).toBe(410);
      expect(await gone.text()).toMatch(/new|replaced/i);
      const works = await get(path(fresh[key]));
      expect(works.status, key).toBe(200);
      await works.arrayBuffer();
    }
    // JSON callers get the new URLs in the answer.
    const again = await postJson(sub.preferences, { action: "new-feed-url" });
    expect(again.status).toBe(200);
    const body = (await again.json()) as { feedUrls: FeedUrls };
    expect(body.feedUrls.rss).not.toBe(fresh.rss);
    expect((await get(path(fresh.rss))).status).toBe(410);
    expect((await get(path(body.feedUrls.rss))).status).toBe(200);
  });

  it("stops working when the subscriber unsubscribes, is suppressed or is still pending", async () => {
    const leaving = await activeSubscriber();
    const leavingUrls = await feedUrls(leaving.preferences);
    expect((await get(path(leavingUrls.rss))).status).toBe(200);
    expect((await postForm(await unsubscribePath(leaving.email), {})).status).toBe(200);
    const gone = await get(path(leavingUrls.rss));
    expect(gone.status).toBe(410);
    expect(await gone.text()).toMatch(/unsubscribed/i);

    for (const status of ["bounced", "complained"] as const) {
      const sub = await activeSubscriber();
      const urls = await feedUrls(sub.preferences);
      await suppress(env.DB, sub.email, status, "test", Date.now());
      const res = await get(path(urls.atom));
      expect(res.status, status).toBe(410);
      expect(res.headers.get("x-robots-tag")).toBe("noindex");
      await res.arrayBuffer();
    }

    const email = uniqueEmail("pending");
    await postForm("/subscribe", { email });
    const [mail] = await mailTo(normalised(email));
    const pendingUrls = await feedUrls(linkPath(mail!.text, "preferences"));
    const pending = await get(path(pendingUrls.json), { Accept: "application/json" });
    expect(pending.status).toBe(404);
    expect(((await pending.json()) as { error: string }).error).toMatch(/confirm/i);
  });

  it("forged tokens keep nothing in any per-isolate cache", async () => {
    const sub = await activeSubscriber();
    const urls = await feedUrls(sub.preferences);
    await (await exports.default.fetch(urls.rss)).arrayBuffer();
    const entries = () => cacheUsage().reduce((sum, c) => sum + c.size, 0);
    const before = entries();
    const token = path(urls.rss).split("/")[2]!;
    for (let i = 0; i < 50; i++) {
      const forged = `${token.slice(0, -3)}${i.toString(36).padStart(3, "A")}`;
      const res = await exports.default.fetch(`${BASE}/me/${forged}/rss.xml?x=${"y".repeat(2_000)}`);
      expect(res.status).toBe(404);
      await res.arrayBuffer();
    }
    expect(entries()).toBe(before);
  });
});
