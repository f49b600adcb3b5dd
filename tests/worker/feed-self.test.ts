/**
 * One canonical self URL per feed document: the Link header's rel=self, the document's
 * own self link (RSS atom:link, Atom link, JSON Feed feed_url) and the request's
 * canonical URL are the same string, for every file name a feed answers at (Hugo's
 * index.xml too), with filters, limits and archive pages.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { all, one, parseXml } from "../support/xml.js";

const BASE = "http://localhost:8787";
const get = (path: string, init?: RequestInit) => exports.default.fetch(BASE + path, { redirect: "manual", ...init });

function documentSelf(path: string, body: string): string | undefined {
  if (path.includes("feed.json")) return (JSON.parse(body) as { feed_url?: string }).feed_url;
  const root = parseXml(body);
  const container = root.local === "rss" ? one(root, "channel") : root;
  return all(container, root.local === "rss" ? "atom:link" : "link").find((l) => l.attrs["rel"] === "self")?.attrs["href"];
}

function headerSelf(link: string | null): string | undefined {
  return /<([^>]+)>; rel="self"/.exec(link ?? "")?.[1];
}

describe("a feed's self URL", () => {
  it.each([
    "/rss.xml",
    "/index.xml",
    "/atom.xml?limit=3",
    "/feed.json?tag=scale-ai",
    "/tags/scale-ai/index.xml",
    "/tags/scale-ai/index.xml?limit=5",
    "/topics/open-source/atom.xml",
    "/rss.xml?limit=2&page=1",
    "/index.xml?limit=2&page=1",
    "/feed.json?limit=2&page=1",
  ])("%s names itself the same way in the Link header and the document", async (path) => {
    const res = await get(path);
    expect(res.status, path).toBe(200);
    const body = await res.text();
    expect(headerSelf(res.headers.get("link")), path).toBe(BASE + path);
    expect(documentSelf(path, body), path).toBe(BASE + path);
  });

  it("index.xml and rss.xml are the same items under their own names (and validators)", async () => {
    const [hugo, ours] = await Promise.all([get("/index.xml"), get("/rss.xml")]);
    const [a, b] = await Promise.all([hugo.text(), ours.text()]);
    expect(a.replaceAll(`${BASE}/index.xml`, `${BASE}/rss.xml`)).toBe(b);
    expect(hugo.headers.get("etag")).not.toBe(ours.headers.get("etag"));
    const again = await get("/index.xml", { headers: { "If-None-Match": hugo.headers.get("etag")! } });
    expect(again.status).toBe(304);
  });
});
