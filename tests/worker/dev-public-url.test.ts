/** In development with PUBLIC_URL unset, links follow the origin the Worker was reached on. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index.js";

async function fetchWith(url: string, overrides: Partial<typeof env>): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(url, { redirect: "manual" }), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe("PUBLIC_URL in development", () => {
  it("self links and redirects use the request's origin when PUBLIC_URL is empty", async () => {
    const feed = await fetchWith("http://127.0.0.1:8788/atom.xml", { PUBLIC_URL: "", ENVIRONMENT: "development" });
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('href="http://127.0.0.1:8788/atom.xml"');
    const moved = await fetchWith("http://127.0.0.1:8788/tags/Scale%20AI/rss.xml", { PUBLIC_URL: "", ENVIRONMENT: "development" });
    expect(moved.status).toBe(301);
    expect(moved.headers.get("Location")).toBe("http://127.0.0.1:8788/tags/scale-ai/rss.xml");
  });

  it("an explicit PUBLIC_URL wins, and production never derives it", async () => {
    const set = await fetchWith("http://127.0.0.1:8788/atom.xml", { PUBLIC_URL: "https://feeds.example.org", ENVIRONMENT: "development" });
    expect(await set.text()).toContain('href="https://feeds.example.org/atom.xml"');
    const prod = await fetchWith("http://127.0.0.1:8788/atom.xml", { PUBLIC_URL: "https://feeds.example.org", ENVIRONMENT: "production" });
    expect(await prod.text()).not.toContain("127.0.0.1:8788");
  });
});
