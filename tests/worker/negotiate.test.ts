/** Issue 8: Accept headers with quoted parameters are read as RFC 9110 §12.5.1 says. */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { acceptRanges, quality, wantsJson } from "../../src/lib/negotiate.js";

const BASE = "http://localhost:8787";
const get = (path: string, headers: Record<string, string>) => exports.default.fetch(new Request(BASE + path, { headers, redirect: "manual" }));

describe("the Accept parser", () => {
  it("does not split inside a quoted parameter", () => {
    const ranges = acceptRanges('text/html;level="1,2";q=0.1, application/json');
    expect(quality(ranges, "text/html")).toBe(0.1);
    expect(quality(ranges, "application/json")).toBe(1);
    expect(ranges).toHaveLength(2);
  });

  it("reads q case-insensitively, types case-insensitively, and the most specific range wins", () => {
    expect(quality(acceptRanges("TEXT/HTML;Q=0.3"), "text/html")).toBe(0.3);
    expect(quality(acceptRanges("text/*;q=0.5, text/html;q=0"), "text/html")).toBe(0);
    expect(quality(acceptRanges("*/*;q=0.2"), "application/json")).toBe(0.2);
    expect(quality(acceptRanges("garbage, ;;, /"), "text/html")).toBe(0);
  });

  it("JSON is wanted when it is preferred over HTML, by q-value", () => {
    const req = (accept: string) => new Request(BASE, { headers: { accept } });
    expect(wantsJson(req('text/html;level="1,2";q=0.1, application/json'))).toBe(true);
    expect(wantsJson(req("application/json"))).toBe(true);
    expect(wantsJson(req("application/feed+json"))).toBe(true);
    expect(wantsJson(req("text/html, application/json;q=0.9"))).toBe(false);
    expect(wantsJson(req("text/html,application/xhtml+xml,*/*;q=0.8"))).toBe(false);
    expect(wantsJson(req("*/*"))).toBe(false);
    expect(wantsJson(req(""))).toBe(false);
  });
});

describe("negotiation over HTTP", () => {
  it("a navigation preferring a feed over a quoted-parameter text/html gets the feed", async () => {
    const res = await get("/atom.xml", { "Sec-Fetch-Mode": "navigate", Accept: 'application/atom+xml;q=0.5, text/html;level="1,2";q=0.1' });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
  });

  it("an error for a client preferring JSON over a quoted-parameter text/html is JSON", async () => {
    const res = await get("/tags/no-such-tag-anywhere/rss.xml", { Accept: 'text/html;level="1,2";q=0.1, application/json' });
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(((await res.json()) as { error: string }).error).toContain("no-such-tag-anywhere");
  });
});
