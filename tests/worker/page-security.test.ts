/**
 * Issue 8: every HTML page Tidings renders carries a CSP (no script but our own inline
 * scripts, by hash), nosniff and framing protection; feed redirects carry the CORS grant.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.js";

const BASE = "http://localhost:8787";
const CHROME = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

async function call(path: string, init: RequestInit = {}, vars: Record<string, string> = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(BASE + path, { redirect: "manual", ...init }), { ...env, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

const topic = encodeURIComponent("数据与开源生态");
const PAGES: [string, RequestInit][] = [
  ["/", {}],
  ["/feeds", {}],
  ["/feeds?q=%E6%95%B0%E6%8D%AE", {}],
  ["/tags/scale-ai/", {}],
  [`/topics/${topic}/`, {}],
  ["/tags/no-such-tag-at-all/", { headers: { Accept: CHROME } }],
  ["/rss.xml", { headers: { Accept: CHROME, "Sec-Fetch-Mode": "navigate" } }],
  [`/topics/${topic}/atom.xml?limit=2&page=1`, { headers: { Accept: CHROME, "Sec-Fetch-Mode": "navigate" } }],
  ["/subscribe", { headers: { Accept: CHROME } }],
  ["/confirm/not-a-token", { headers: { Accept: CHROME } }],
  ["/dev/outbox", { headers: { Accept: CHROME } }],
  ["/no/such/page", { headers: { Accept: CHROME } }],
];

describe("HTML pages", () => {
  it.each(PAGES)("%s: CSP, nosniff and no framing", async (path, init) => {
    const res = await call(path, init);
    const type = res.headers.get("content-type") ?? "";
    const body = await res.text();
    if (!type.startsWith("text/html")) return expect(path).toBe("/no/such/page"); // a plain-text 404
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp, path).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    // Every inline script of the page is allowed by its hash, and nothing else is.
    const scripts = [...body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(body).not.toMatch(/<script [^>]*src=/);
    for (const script of scripts) expect(csp, `${path}: a script's hash`).toContain(`'sha256-${await sha256(script)}'`);
  });

  it("the CSP allows what the pages use: inline styles, images from the site, same-origin fetch", async () => {
    const csp = (await call("/feeds")).headers.get("content-security-policy")!;
    expect(csp).toContain("style-src 'unsafe-inline'");
    expect(csp).toMatch(/img-src [^;]*(\*|https:)/);
    expect(csp).toContain("connect-src 'self'");
  });

  it("a 304 for a page stays small (no page headers)", async () => {
    const first = await call("/feeds");
    const res = await call("/feeds", { headers: { "If-None-Match": first.headers.get("etag")! } });
    expect(res.status).toBe(304);
  });

  it("feeds themselves are not given a page CSP", async () => {
    const res = await call("/rss.xml");
    expect(res.headers.get("content-security-policy")).toBeNull();
  });
});

describe("responses passed through from ORIGIN_URL", () => {
  afterEach(() => vi.restoreAllMocks());
  it("are left exactly as the origin sent them", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("<h1>About</h1>", { headers: { "Content-Type": "text/html; charset=utf-8" } }));
    const res = await call("/about/", {}, { ORIGIN_URL: "https://origin.example.net" });
    expect(await res.text()).toBe("<h1>About</h1>");
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(res.headers.get("x-frame-options")).toBeNull();
  });
});

describe("redirects to a term's canonical feed URL", () => {
  it.each(["/tags/Scale%20AI/atom.xml", "/tags/SCALE-AI/rss.xml", "/main_topics/%E6%95%B0%E6%8D%AE%E4%B8%8E%E5%BC%80%E6%BA%90%E7%94%9F%E6%80%81/index.xml"])(
    "%s → 301 with the CORS grant, so a page's fetch() can follow it",
    async (path) => {
      const res = await call(path);
      expect(res.status).toBe(301);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
    },
  );
});
