/** WebSub: hub and self links when WEBSUB_HUB is set; publish pings counted with a mocked hub. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.js";
import { siteContent } from "../../src/content/index.js";
import { MAX_PINGS_PER_RUN, publishWebSub, SCOPES_PER_RUN } from "../../src/websub/publish.js";
import { all, parseXml } from "../support/xml.js";

const content = await siteContent(env);

const HUB = "https://hub.example.net/";
const BASE = "http://localhost:8787";
const withHub = { ...env, WEBSUB_HUB: HUB };

async function fetchWith(e: typeof env, path: string): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(BASE + path), e, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** A fake hub: records every publish ping; `fail(url)` makes the next pings for it fail. */
function fakeHub() {
  const pings: string[] = [];
  const failing = new Set<string>();
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    expect(url).toBe(HUB);
    expect(init?.method).toBe("POST");
    expect(new Headers(init?.headers).get("content-type")).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(String(init?.body));
    expect(form.get("hub.mode")).toBe("publish");
    const topic = form.get("hub.url")!;
    if (failing.has(topic)) return new Response("try later", { status: 503 });
    pings.push(topic);
    return new Response(null, { status: 204 });
  });
  return { pings, failing, fetch: fetch as unknown as typeof globalThis.fetch };
}

const feedsOf = (path: string) => ["rss.xml", "index.xml", "atom.xml", "feed.json"].map((f) => `${BASE}${path}${f}`);
const visibleFeedCount = (now: number) => 4 * (1 + content.catalogue("topics", now).size + content.catalogue("tags", now).size);

beforeEach(async () => {
  await env.DB.batch(["websub_publications", "websub_scopes"].map((t) => env.DB.prepare(`DELETE FROM ${t}`)));
});

/** Runs until every feed is published (the per-run cap spreads the first publication over runs). */
async function publishAll(e: typeof env, from: number, hub: ReturnType<typeof fakeHub>): Promise<number> {
  let at = from;
  for (let run = 0; run < 10; run++) {
    const report = await publishWebSub(e, at++, hub);
    if (report.deferred === 0 && report.failed.length === 0) break;
  }
  return at;
}

/** Feeds fingerprinted (SHA-256 over their bytes) while `task` runs. */
async function fingerprinted(task: () => Promise<unknown>): Promise<number> {
  const digest = vi.spyOn(crypto.subtle, "digest");
  try {
    await task();
    return digest.mock.calls.length;
  } finally {
    digest.mockRestore();
  }
}
afterEach(() => {
  vi.restoreAllMocks();
});

describe("advertising the hub", () => {
  it("every feed format carries rel=hub and rel=self, in the document and the Link header", async () => {
    for (const path of ["/rss.xml", "/tags/scale-ai/atom.xml", "/topics/open-source/feed.json", "/index.xml"]) {
      const res = await fetchWith(withHub, path);
      expect(res.status).toBe(200);
      const link = res.headers.get("link")!;
      expect(link).toContain(`<${HUB}>; rel="hub"`);
      expect(link).toContain(`<${BASE}${path}>; rel="self"`);
      const body = await res.text();
      if (path.endsWith(".json")) {
        const feed = JSON.parse(body) as { hubs: { type: string; url: string }[]; feed_url: string };
        expect(feed.hubs).toEqual([{ type: "WebSub", url: HUB }]);
        expect(feed.feed_url).toBe(BASE + path);
        continue;
      }
      const root = parseXml(body);
      const container = root.local === "rss" ? root.children.find((c) => c.name === "channel")! : root;
      const links = all(container, root.local === "rss" ? "atom:link" : "link");
      expect(links.find((l) => l.attrs.rel === "hub")?.attrs.href).toBe(HUB);
      expect(links.find((l) => l.attrs.rel === "self")?.attrs.href).toMatch(/^http:\/\/localhost:8787\//);
    }
  });

  it("without WEBSUB_HUB no hub is advertised", async () => {
    const res = await fetchWith({ ...env, WEBSUB_HUB: "" }, "/atom.xml");
    expect(res.headers.get("link")).not.toContain('rel="hub"');
    expect(await res.text()).not.toContain('rel="hub"');
  });

  it("the hub changes the ETag", async () => {
    const a = await fetchWith(withHub, "/rss.xml");
    const b = await fetchWith({ ...env, WEBSUB_HUB: "" }, "/rss.xml");
    expect(a.headers.get("etag")).not.toBe(b.headers.get("etag"));
  });
});

describe("publishing", () => {
  it("does nothing without a hub", async () => {
    const hub = fakeHub();
    const report = await publishWebSub({ ...env, WEBSUB_HUB: "" }, Date.now(), hub);
    expect(report.hub).toBeNull();
    expect(hub.fetch).not.toHaveBeenCalled();
  });

  it("publishes every feed once, then nothing while nothing changes", async () => {
    const hub = fakeHub();
    const now = Date.now();
    const first = await publishWebSub(withHub, now, hub);
    const total = visibleFeedCount(now);
    expect(first.published.length + first.deferred).toBe(total);
    // A few scopes per run (four feeds each), never more pings than the cap.
    expect(first.published).toHaveLength(Math.min(total, SCOPES_PER_RUN * 4));
    expect(SCOPES_PER_RUN * 4).toBeLessThanOrEqual(MAX_PINGS_PER_RUN);
    // Later runs finish the backlog, never repeating a feed.
    for (let run = 0; run < 10 && hub.pings.length < total; run++) await publishWebSub(withHub, now + 1000 * (run + 1), hub);
    expect(hub.pings).toHaveLength(total);
    expect(new Set(hub.pings).size).toBe(total);
    expect(hub.pings).toEqual(expect.arrayContaining(feedsOf("/")));
    expect(hub.pings).toEqual(expect.arrayContaining(feedsOf("/tags/scale-ai/")));
    const quiet = await publishWebSub(withHub, now + 60_000, hub);
    expect(quiet.published).toEqual([]);
    expect(quiet.unchanged).toBe(total);
    expect(hub.pings).toHaveLength(total);
  });

  it("publishes exactly the feeds a new article changes", async () => {
    const hub = fakeHub();
    const before = new Date("2029-12-31T00:00:00Z").getTime();
    await publishAll(withHub, before, hub);
    expect(hub.pings).toHaveLength(visibleFeedCount(before));
    hub.pings.length = 0;
    const after = new Date("2030-01-02T00:00:00Z").getTime(); // the 2030 article is out
    await publishWebSub(withHub, after, hub);
    const enc = encodeURIComponent;
    const expected = [
      "/",
      `/topics/${enc("产业生态与商业版图")}/`,
      `/topics/${enc("投融资与市场洞察")}/`,
      `/tags/${enc("人工智能")}/`,
      `/tags/${enc("算力")}/`,
      `/tags/${enc("能源")}/`, // new: first seen with this article
      `/tags/${enc("行业展望")}/`,
    ].flatMap(feedsOf);
    expect([...hub.pings].sort()).toEqual([...expected].sort());
    hub.pings.length = 0;
    await publishWebSub(withHub, after + 1000, hub);
    expect(hub.pings).toEqual([]);
  });

  it("renders no feed while the content, the settings and the visible articles are those of a run that left nothing to do", async () => {
    const hub = fakeHub();
    const now = Date.now();
    // The run that published the last changes records that nothing is left; every later one like it renders nothing.
    let at = now;
    const first = await fingerprinted(async () => (at = await publishAll(withHub, now, hub)));
    expect(first).toBeGreaterThanOrEqual(visibleFeedCount(now));
    for (const later of [at, at + 60_000, at + 3_600_000]) {
      let report: Awaited<ReturnType<typeof publishWebSub>> | undefined;
      expect(await fingerprinted(async () => (report = await publishWebSub(withHub, later, hub)))).toBe(0);
      expect(report).toMatchObject({ published: [], failed: [], deferred: 0, unchanged: visibleFeedCount(later) });
    }
    expect(new Set(hub.pings).size).toBe(hub.pings.length);
  });

  it("compares a few scopes per run, the newest articles' first", async () => {
    const hub = fakeHub();
    const now = Date.now();
    const runs: number[] = [];
    for (let run = 0; run < 10; run++) runs.push(await fingerprinted(() => publishWebSub(withHub, now + run, hub)));
    expect(Math.max(...runs)).toBeLessThanOrEqual(SCOPES_PER_RUN * 4);
    expect(new Set(hub.pings).size).toBe(visibleFeedCount(now));
    // The first run told the hub about the site and the terms of the newest article.
    const newest = (await content.articles([content.visibleStart(now)]))[0]!;
    const enc = encodeURIComponent;
    expect(hub.pings.slice(0, SCOPES_PER_RUN * 4)).toEqual(expect.arrayContaining([...feedsOf("/"), ...feedsOf(`/tags/${enc(newest.tagSlugs[0]!)}/`)]));
  });

  it("compares every feed again when a setting that shows in them changes", async () => {
    const hub = fakeHub();
    const now = Date.now();
    const at = await publishAll(withHub, now, hub);
    await publishWebSub(withHub, at, hub);
    hub.pings.length = 0;
    const renamed = { ...withHub, SITE_TITLE: "Tidings, renamed" };
    await publishAll(renamed, at + 1, hub);
    expect(hub.pings).toHaveLength(visibleFeedCount(at));
  });

  it("retries a failed ping on the next run, and only that one", async () => {
    const hub = fakeHub();
    const now = Date.now();
    const site = `${BASE}/rss.xml`;
    hub.failing.add(site);
    const first = await publishWebSub(withHub, now, hub);
    expect(first.failed).toEqual([{ url: site, error: "hub answered 503: try later" }]);
    expect(hub.pings).not.toContain(site);
    const row = await env.DB.prepare("SELECT failures, last_error, published_fingerprint FROM websub_publications WHERE feed_url = ?")
      .bind(site)
      .first<{ failures: number; last_error: string; published_fingerprint: string | null }>();
    expect(row).toMatchObject({ failures: 1, last_error: "hub answered 503: try later", published_fingerprint: null });
    for (let run = 1; run < 10; run++) await publishWebSub(withHub, now + run, hub);
    expect(hub.pings).not.toContain(site);
    expect(new Set(hub.pings).size).toBe(visibleFeedCount(now) - 1);
    hub.failing.clear();
    hub.pings.length = 0;
    await publishWebSub(withHub, now + 10, hub);
    expect(hub.pings).toEqual([site]);
  });

  it("a network error is a failure to retry, not a crash", async () => {
    const now = Date.now();
    const broken = vi.fn(async () => {
      throw new TypeError("network down");
    }) as unknown as typeof fetch;
    const report = await publishWebSub(withHub, now, { fetch: broken });
    expect(report.published).toEqual([]);
    expect(report.failed.length).toBeGreaterThan(0);
    expect(report.failed[0]!.error).toBe("network down");
    const hub = fakeHub();
    await publishWebSub(withHub, now + 1, hub);
    expect(hub.pings.length).toBeGreaterThan(0);
  });

  it("overlapping runs ping each change once", async () => {
    const hub = fakeHub();
    const now = Date.now();
    await Promise.all([publishWebSub(withHub, now, hub), publishWebSub(withHub, now, hub), publishWebSub(withHub, now, hub)]);
    expect(new Set(hub.pings).size).toBe(hub.pings.length);
  });

  it("a new hub is told about every feed again", async () => {
    const hub = fakeHub();
    const now = Date.now();
    await publishAll(withHub, now, hub);
    const count = hub.pings.length;
    const other = "https://other-hub.example.org/";
    const otherPings: string[] = [];
    const otherFetch = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      otherPings.push(new URLSearchParams(String(init?.body)).get("hub.url")!);
      return new Response(null, { status: 202 });
    }) as typeof fetch;
    await publishWebSub({ ...env, WEBSUB_HUB: other }, now + 10, { fetch: otherFetch });
    expect(otherPings).toHaveLength(Math.min(count, SCOPES_PER_RUN * 4));
  });
});

describe("the scheduled handler", () => {
  it("publishes to the hub through the global fetch", async () => {
    const hub = fakeHub();
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) =>
      String(input instanceof Request ? input.url : input) === HUB ? hub.fetch(input, init) : new Response("unexpected", { status: 599 }),
    );
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "0 * * * *" }), withHub, ctx);
    await waitOnExecutionContext(ctx);
    expect(hub.pings.length).toBe(Math.min(visibleFeedCount(Date.now()), SCOPES_PER_RUN * 4));
    const stored = await env.DB.prepare("SELECT COUNT(*) AS n FROM websub_publications WHERE published_fingerprint IS NOT NULL").first<{ n: number }>();
    expect(stored!.n).toBe(hub.pings.length);
  });
});
