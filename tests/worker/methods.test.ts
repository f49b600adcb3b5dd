/** Issue 8: pages answer other methods with 405 and an Allow header, not 404. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.js";

const BASE = "http://localhost:8787";
const call = (path: string, method: string) => exports.default.fetch(new Request(BASE + path, { method, redirect: "manual" }));

describe("methods other than the page's", () => {
  it.each([
    ["/feeds", "GET, HEAD"],
    ["/feeds.opml", "GET, HEAD"],
    ["/", "GET, HEAD"],
    ["/tags/scale-ai/", "GET, HEAD"],
    [`/topics/${encodeURIComponent("数据与开源生态")}/`, "GET, HEAD"],
    ["/subscribe", "GET, HEAD, POST"],
    ["/confirm/any-token", "GET, HEAD, POST"],
    ["/preferences/any-token", "GET, HEAD, POST"],
    ["/unsubscribe/any-token", "GET, HEAD, POST"],
  ])("%s → 405 with Allow: %s", async (path, allow) => {
    for (const method of ["PUT", "DELETE", "PATCH", ...(allow.includes("POST") ? [] : ["POST"])]) {
      const res = await call(path, method);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      expect(await res.text()).toContain(`method ${method} is not allowed`);
    }
    if (!path.includes("any-token")) expect((await call(path, "GET")).status).toBe(200);
  });
});

describe("when fronting the site (ORIGIN_URL)", () => {
  afterEach(() => vi.restoreAllMocks());
  it("other methods on the landing paths go to the origin, which owns those pages", async () => {
    const seen: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      seen.push(new Request(input as RequestInfo, init).method);
      return new Response("origin", { status: 200 });
    });
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request(`${BASE}/`, { method: "POST", body: "x" }), { ...env, ORIGIN_URL: "https://origin.example.net" }, ctx);
    await waitOnExecutionContext(ctx);
    expect(await res.text()).toBe("origin");
    expect(seen).toEqual(["POST"]);
    const feeds = await worker.fetch(new Request(`${BASE}/feeds`, { method: "POST" }), { ...env, ORIGIN_URL: "https://origin.example.net" }, createExecutionContext());
    expect(feeds.status).toBe(405);
  });
});
