/** Feed audience: aggregator counts from User-Agent, distinct clients by keyed daily hash, batched after the response. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { audienceBufferUsage, FLUSH_BYTES } from "../../src/audience/recorder.js";
import worker from "../../src/index.js";

const BASE = "http://localhost:8787";

async function call(path: string, headers: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(BASE + path, { headers }), env, ctx);
  await res.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return res;
}

type Report = { feeds: { path: string; subscribers: number; aggregators: Record<string, number>; clients: number }[]; email: { topics: Record<string, number>; tags: Record<string, number>; everything: number } };

async function audience(): Promise<Report> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`${BASE}/admin/audience`, { headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, Accept: "application/json" } }), env, ctx);
  await waitOnExecutionContext(ctx);
  expect(res.status).toBe(200);
  return (await res.json()) as Report;
}

describe("feed audience", () => {
  it("counts aggregator subscribers (latest report) and distinct clients per canonical feed, storing no address", async () => {
    await call("/rss.xml", { "User-Agent": "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 40 subscribers; feed-id=x)", "CF-Connecting-IP": "203.0.113.1" });
    await call("/index.xml", { "User-Agent": "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; feed-id=x)", "CF-Connecting-IP": "203.0.113.1" });
    await call("/rss.xml", { "User-Agent": "NewsBlur Feed Fetcher - 5 subscribers - http://www.newsblur.com/site/1/x", "CF-Connecting-IP": "203.0.113.2" });
    // three polls from one IPv6 /64 with one reader app, one from another app, one from IPv4
    for (const ip of ["2001:db8:1:2::10", "2001:db8:1:2::99", "2001:db8:1:2:aaaa::1"]) await call("/rss.xml", { "User-Agent": "NetNewsWire (RSS Reader)", "CF-Connecting-IP": ip });
    await call("/rss.xml", { "User-Agent": "Miniflux/2.0", "CF-Connecting-IP": "2001:db8:1:2::10" });
    await call("/rss.xml", { "User-Agent": "curl/8", "CF-Connecting-IP": "198.51.100.9" });
    // a term feed, spelled otherwise and in another format, is its own canonical feed
    await call("/tags/scale-ai/atom.xml", { "User-Agent": "Inoreader/1.0 (+http://www.inoreader.com/feed-fetcher; 3 subscribers; )", "CF-Connecting-IP": "203.0.113.3" });
    // not counted: redirects, errors, a person's browser view
    await call("/tags/Scale%20AI/atom.xml", { "User-Agent": "Feedly/1.0 (1000 subscribers)" });
    await call("/tags/nope/rss.xml", { "User-Agent": "Feedly/1.0 (1000 subscribers)" });
    await call("/rss.xml", { Accept: "text/html", "Sec-Fetch-Mode": "navigate", "User-Agent": "Mozilla/5.0 Chrome", "CF-Connecting-IP": "192.0.2.50" });

    const report = await audience();
    const site = report.feeds.find((f) => f.path === "/rss.xml")!;
    expect(site).toEqual({ path: "/rss.xml", subscribers: 42 + 5 + 3, aggregators: { Feedly: 42, NewsBlur: 5 }, clients: 3 });
    expect(report.feeds.find((f) => f.path === "/tags/scale-ai/atom.xml")).toEqual({ path: "/tags/scale-ai/atom.xml", subscribers: 3, aggregators: { Inoreader: 3 }, clients: 0 });
    expect(report.feeds.some((f) => f.subscribers >= 1000)).toBe(false);

    const { results } = await env.DB.prepare("SELECT client FROM feed_clients").all<{ client: string }>();
    const stored = JSON.stringify(results);
    for (const secret of ["2001:db8", "198.51.100.9", "NetNewsWire", "curl"]) expect(stored).not.toContain(secret);
  });

  it("writes after the response, batched: polls wait in a bounded buffer, not one D1 write each", async () => {
    const before = (await env.DB.prepare("SELECT COUNT(*) AS n FROM feed_clients").first<{ n: number }>())!.n;
    for (let i = 0; i < 20; i++) await call("/atom.xml", { "User-Agent": `Reader ${i}`, "CF-Connecting-IP": `198.51.100.${i + 1}` });
    const usage = audienceBufferUsage();
    expect(usage.entries).toBe(20);
    expect(usage.bytes).toBeLessThan(FLUSH_BYTES);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM feed_clients").first<{ n: number }>())!.n).toBe(before);
    // many more distinct clients: the buffer flushes itself by bytes and never exceeds its bound
    for (let i = 0; i < 400; i++) {
      await call("/feed.json", { "User-Agent": `Bulk reader ${i}`, "CF-Connecting-IP": `10.0.${i >> 8}.${i & 255}` });
      expect(audienceBufferUsage().bytes).toBeLessThanOrEqual(audienceBufferUsage().maxBytes);
    }
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM feed_clients").first<{ n: number }>())!.n).toBeGreaterThan(before);
    const report = await audience();
    expect(report.feeds.find((f) => f.path === "/feed.json")!.clients).toBe(400);
    expect(report.feeds.find((f) => f.path === "/atom.xml")!.clients).toBe(20);
  });

  it("reports email subscribers per topic and tag", async () => {
    await env.DB.prepare(
      `INSERT INTO subscribers (id, email, status, topics, tags, created_at, updated_at) VALUES
       ('aud-1', 'aud1@x.org', 'active', '["open-source"]', '["meta"]', 1, 1),
       ('aud-2', 'aud2@x.org', 'active', '["open-source"]', '[]', 1, 1),
       ('aud-3', 'aud3@x.org', 'pending', '["open-source"]', '[]', 1, 1),
       ('aud-4', 'aud4@x.org', 'active', '[]', '[]', 1, 1)`,
    ).run();
    const { email } = await audience();
    expect(email.topics["open-source"]).toBe(2);
    expect(email.tags.meta).toBe(1);
    expect(email.everything).toBeGreaterThanOrEqual(1);
  });

  it("needs the bearer token or a console session", async () => {
    const res = await worker.fetch(new Request(`${BASE}/admin/audience`, { headers: { Accept: "application/json" } }), env, createExecutionContext());
    expect(res.status).toBe(401);
  });
});
