import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("serves the site RSS feed", async () => {
  const res = await exports.default.fetch("http://localhost/rss.xml");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
  const text = await res.text();
  expect(text).toContain("<rss");
});
