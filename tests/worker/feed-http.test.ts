/** HTTP behaviour of feed URLs: types, caching, conditional GET, HEAD, errors, redirects, filters. */
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { feedService } from "../../src/feeds/service.js";
import { variantOf } from "../support/feeds.js";
import { all, one, parseXml, text } from "../support/xml.js";

const BASE = "http://localhost:8787";
const get = (path: string, init?: RequestInit) => exports.default.fetch(BASE + path, { redirect: "manual", ...init });

async function guids(path: string): Promise<string[]> {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return all(one(parseXml(await res.text()), "channel"), "item").map((i) => text(i, "guid"));
}

describe("content types and headers", () => {
  it.each([
    ["/rss.xml", "application/rss+xml; charset=utf-8"],
    ["/index.xml", "application/rss+xml; charset=utf-8"],
    ["/atom.xml", "application/atom+xml; charset=utf-8"],
    ["/feed.json", "application/feed+json; charset=utf-8"],
    ["/tags/scale-ai/index.xml", "application/rss+xml; charset=utf-8"],
  ])("%s is %s with caching headers, CORS and a self Link", async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(type);
    expect(res.headers.get("etag")).toMatch(/^"[^"]+"$/); // strong
    expect(Date.parse(res.headers.get("last-modified")!)).not.toBeNaN();
    expect(res.headers.get("cache-control")).toContain("max-age=");
    expect(res.headers.get("vary")).toContain("Accept-Encoding");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("link")).toContain(`<${BASE}${path}>; rel="self"`);
    await res.arrayBuffer();
  });

  it("answers the same bytes and ETag on every request", async () => {
    const a = await get("/atom.xml");
    const b = await get("/atom.xml");
    expect(a.headers.get("etag")).toBe(b.headers.get("etag"));
    expect(await a.text()).toBe(await b.text());
  });

  it("gives each variant its own ETag", async () => {
    const tags = await Promise.all(
      ["/rss.xml", "/atom.xml", "/feed.json", "/rss.xml?limit=2", "/tags/scale-ai/rss.xml", "/rss.xml?tag=meta"].map(
        async (p) => (await get(p)).headers.get("etag"),
      ),
    );
    expect(new Set(tags).size).toBe(tags.length);
  });
});

describe("conditional GET", () => {
  it("answers 304 to If-None-Match (strong, weak, lists, *) with no body", async () => {
    const first = await get("/rss.xml");
    const etag = first.headers.get("etag")!;
    await first.arrayBuffer();
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const res = await get("/rss.xml", { headers: { "If-None-Match": header } });
      expect(res.status, header).toBe(304);
      expect(await res.text()).toBe("");
      expect(res.headers.get("etag")).toBe(etag);
      // RFC 9110 §15.4.5: validators and caching headers stay, representation headers go.
      expect(res.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
      expect(res.headers.get("vary")).toBe(first.headers.get("vary"));
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("content-type")).toBeNull();
    }
    const miss = await get("/rss.xml", { headers: { "If-None-Match": '"other"' } });
    expect(miss.status).toBe(200);
    await miss.arrayBuffer();
  });

  it("answers 304 to If-Modified-Since at or after Last-Modified, 200 before", async () => {
    const first = await get("/atom.xml");
    const lastModified = first.headers.get("last-modified")!;
    await first.arrayBuffer();
    expect((await get("/atom.xml", { headers: { "If-Modified-Since": lastModified } })).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    const res = await get("/atom.xml", { headers: { "If-Modified-Since": earlier } });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    const both = await get("/atom.xml", { headers: { "If-None-Match": '"x"', "If-Modified-Since": lastModified } });
    expect(both.status).toBe(200);
    await both.arrayBuffer();
  });

  it("answers a conditional request for a never-rendered variant without rendering it", async () => {
    const service = await feedService(env);
    const { parseFeedQuery } = await import("../../src/feeds/query.js");
    const parsed = parseFeedQuery(new URLSearchParams("limit=3"), { kind: "topics", slug: "open-source" }, service.content, Date.now());
    if (!parsed.ok) throw new Error(parsed.reason);
    const { etag } = variantOf(service.get({ format: "json", query: parsed.value.query, search: parsed.value.search }, Date.now()));
    const before = service.renders;
    const res = await get("/topics/open-source/feed.json?limit=3", { headers: { "If-None-Match": etag } });
    expect(res.status).toBe(304);
    expect(service.renders).toBe(before);
    const full = await get("/topics/open-source/feed.json?limit=3");
    expect(full.status).toBe(200);
    await full.arrayBuffer();
    expect(service.renders).toBe(before + 1);
  });
});

describe("HEAD and methods", () => {
  it("HEAD gives the GET headers and no body", async () => {
    const getRes = await get("/feed.json");
    const body = await getRes.arrayBuffer();
    const head = await get("/feed.json", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBe(getRes.headers.get("etag"));
    expect(head.headers.get("content-type")).toBe(getRes.headers.get("content-type"));
    expect(Number(head.headers.get("content-length"))).toBe(body.byteLength);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it.each(["POST", "PUT", "DELETE", "PATCH"])("%s → 405 with Allow", async (method) => {
    const res = await get("/tags/scale-ai/atom.xml", { method });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(await res.text()).toMatch(/not allowed/);
  });

  it("OPTIONS answers a CORS preflight", async () => {
    const res = await get("/feed.json", { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-methods")).toContain("GET");
  });
});

describe("term URLs", () => {
  it.each([
    ["/tags/数据安全/rss.xml", 3],
    ["/tags/%E6%95%B0%E6%8D%AE%E5%AE%89%E5%85%A8/atom.xml", 3],
    ["/tags/%e6%95%b0%e6%8d%ae%e5%ae%89%e5%85%a8/atom.xml", 3],
    ["/topics/产业生态与商业版图/feed.json", 6],
    ["/tags/scale-ai/rss.xml", 2],
  ])("%s serves %i items", async (path, count) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    const body = await res.text();
    const n = path.endsWith(".json")
      ? (JSON.parse(body).items as unknown[]).length
      : (body.match(/<item>|<entry>/g) ?? []).length;
    expect(n).toBe(count);
  });

  it.each([
    ["/tags/Scale%20AI/rss.xml", "/tags/scale-ai/rss.xml"],
    ["/tags/Scale AI/atom.xml", "/tags/scale-ai/atom.xml"],
    ["/tags/SCALE-AI/feed.json?limit=1", "/tags/scale-ai/feed.json?limit=1"],
    ["/tags/%E6%95%B0%E6%8D%AE%E5%AE%89%E5%85%A8%20/rss.xml", "/tags/%E6%95%B0%E6%8D%AE%E5%AE%89%E5%85%A8/rss.xml"],
    ["/topics/Open%20Source/index.xml", "/topics/open-source/index.xml"],
  ])("%s → 301 %s", async (path, location) => {
    const res = await get(path);
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe(BASE + location);
  });

  it("unknown tag or topic → 404 naming it and pointing to the directory", async () => {
    for (const path of ["/tags/no-such-tag/rss.xml", "/topics/火星/atom.xml"]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      const body = await res.text();
      expect(body).toMatch(/unknown (tag|topic) "(no-such-tag|火星)"/);
      expect(body).toContain(`${BASE}/feeds`);
    }
  });

  it("a tag used only by a draft or a future article does not exist yet", async () => {
    expect((await get("/tags/投融资/rss.xml")).status).toBe(404); // only on the draft
    expect((await get("/tags/能源/rss.xml")).status).toBe(404); // only on the 2030 article
  });

  it("answers JSON errors when asked", async () => {
    const res = await get("/tags/nope/feed.json", { headers: { Accept: "application/json" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404, error: expect.stringContaining("nope") });
  });
});

describe("bad requests", () => {
  it.each(["abc", "0", "-1", "101", "1.5", "1e2", ""])("limit=%s → 400 with the reason", async (limit) => {
    const res = await get(`/rss.xml?limit=${limit}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("limit must be a whole number from 1 to 100");
  });

  it("malformed percent-encoding → 400", async () => {
    const res = await get("/tags/%E6%95x/rss.xml");
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("malformed percent-encoding");
  });

  it("unknown filter value → 404 naming it", async () => {
    const res = await get("/rss.xml?tag=nope");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('unknown tag "nope"');
  });

  it("echoes request text in a reason quoted, control and bidi characters escaped, at most 80 characters", async () => {
    const odd = await get("/tags/%1B%5B31m%00%E2%80%AE/rss.xml");
    expect(odd.status).toBe(404);
    const reason = (await odd.text()).trimEnd();
    expect(reason).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(reason).toContain('unknown tag "\\u001b[31m\\u0000\\u202e"');
    const long = await get(`/rss.xml?tag=${"x".repeat(5000)}`);
    expect(long.status).toBe(404);
    const text = await long.text();
    expect(text).toContain(`"${"x".repeat(79)}…"`);
    expect(text.length).toBeLessThan(300);
    const json = await get(`/rss.xml?limit=${"9".repeat(500)}`, { headers: { Accept: "application/json" } });
    expect(((await json.json()) as { error: string }).error.length).toBeLessThan(300);
  });

  it("no odd input produces a 500", async () => {
    const paths = [
      "/tags/%00/rss.xml", "/tags/%F0%9F%98%80/rss.xml", "/tags/../rss.xml", "/tags/a%2Fb/rss.xml",
      "/rss.xml?tag=%FF", "/rss.xml?limit=99999999999999999999", "/topics/%C0%AF/feed.json",
      "/rss.xml?topic=&tag=", `/tags/${"x".repeat(5000)}/rss.xml`, "/feed.json?limit=1&limit=abc",
    ];
    for (const path of paths) {
      const res = await get(path);
      expect(res.status, path).toBeLessThan(500);
      await res.arrayBuffer();
    }
  });
});

describe("filters and limits", () => {
  it("limit cuts the newest N; default is 20", async () => {
    const allIds = await guids("/rss.xml");
    expect(await guids("/rss.xml?limit=2")).toEqual(allIds.slice(0, 2));
  });

  it("?tag= is OR within tags, AND with ?topic=", async () => {
    const meta = await guids("/rss.xml?tag=meta");
    const openai = await guids("/rss.xml?tag=openai");
    const either = await guids("/rss.xml?tag=meta&tag=openai");
    expect(new Set(either)).toEqual(new Set([...meta, ...openai]));
    const openSource = await guids("/topics/open-source/rss.xml");
    const both = await guids("/rss.xml?tag=meta&tag=openai&topic=open-source");
    expect(both).toEqual(either.filter((id) => openSource.includes(id)));
    expect(both.length).toBeGreaterThan(0);
    expect(both.length).toBeLessThan(either.length);
  });

  it("filters accept any spelling of a term and narrow a term feed", async () => {
    expect(await guids("/rss.xml?tag=Scale%20AI")).toEqual(await guids("/tags/scale-ai/rss.xml"));
    const narrowed = await guids("/topics/open-source/rss.xml?tag=c%2B%2B");
    expect(narrowed).toEqual(["https://news.example.com/posts/2025-07-14-att-cpp-cdata-problem/"]);
  });

  it("self links carry the canonical query", async () => {
    const res = await get("/rss.xml?tag=OpenAI&tag=Meta&limit=5&utm_source=x");
    const body = await res.text();
    expect(body).toContain(`href="${BASE}/rss.xml?tag=meta&amp;tag=openai&amp;limit=5"`);
  });
});

describe("future articles", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("appear once their time has come, decided at request time", async () => {
    const before = await (await get("/rss.xml")).text();
    expect(before).not.toContain("2030年展望");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2030-01-01T00:00:01Z"));
    const after = await get("/rss.xml");
    const body = await after.text();
    expect(body).toContain("2030年展望");
    expect((await get("/tags/能源/rss.xml")).status).toBe(200);
  });
});
