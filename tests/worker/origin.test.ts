/** ORIGIN_URL: Tidings on the site's own domain, every path it does not answer passed to the origin unchanged. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.js";

const BASE = "https://news.example.com";
const ORIGIN = "https://origin.example.net";

/** The fake origin: records each request it gets and answers with `answer`. */
function fakeOrigin(answer: (req: Request) => Response | Promise<Response>) {
  const seen: Request[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input as RequestInfo, init);
    seen.push(req);
    return answer(req);
  });
  return { seen, spy };
}

async function call(path: string, init: RequestInit = {}, vars: Record<string, string> = { ORIGIN_URL: ORIGIN }): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(BASE + path, { redirect: "manual", ...init }), { ...env, PUBLIC_URL: BASE, ...vars }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

afterEach(() => vi.restoreAllMocks());

describe("without ORIGIN_URL", () => {
  it("an unknown path is Tidings' own 404 and nothing is fetched", async () => {
    const { seen } = fakeOrigin(() => new Response("origin"));
    const res = await call("/about/", {}, {});
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("no page at /about/");
    expect(seen).toHaveLength(0);
  });
});

describe("with ORIGIN_URL", () => {
  it("passes method, path, query and headers through and answers the origin's status, headers and body unchanged", async () => {
    const { seen } = fakeOrigin(
      () =>
        new Response("<h1>About</h1>", {
          status: 418,
          statusText: "I'm a teapot",
          headers: { "Content-Type": "text/html; charset=utf-8", "X-Origin": "hugo", "Set-Cookie": "a=1; Path=/", "Cache-Control": "max-age=60" },
        }),
    );
    const res = await call("/about/?x=1&y=%E6%95%B0", { headers: { Accept: "text/html", Cookie: "s=1", "X-Custom": "kept", "Accept-Language": "zh-CN" } });
    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.url).toBe(`${ORIGIN}/about/?x=1&y=%E6%95%B0`);
    expect(req.method).toBe("GET");
    expect(req.headers.get("cookie")).toBe("s=1");
    expect(req.headers.get("x-custom")).toBe("kept");
    expect(req.headers.get("accept-language")).toBe("zh-CN");
    expect(req.headers.get("x-forwarded-host")).toBe("news.example.com");
    expect(req.redirect).toBe("manual");
    expect(res.status).toBe(418);
    expect(res.headers.get("x-origin")).toBe("hugo");
    expect(res.headers.get("set-cookie")).toBe("a=1; Path=/");
    expect(res.headers.get("cache-control")).toBe("max-age=60");
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await res.text()).toBe("<h1>About</h1>");
  });

  it("passes a POST body through byte for byte", async () => {
    const { seen } = fakeOrigin(async (req) => new Response(new Uint8Array(await req.arrayBuffer()), { status: 201 }));
    const body = new Uint8Array([0, 1, 2, 250, 255, 10, 13]);
    const res = await call("/api/comments", { method: "POST", body, headers: { "Content-Type": "application/octet-stream" } });
    expect(seen[0]!.method).toBe("POST");
    expect(seen[0]!.headers.get("content-type")).toBe("application/octet-stream");
    expect(res.status).toBe(201);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(body);
  });

  it.each(["PUT", "DELETE", "PATCH", "OPTIONS"])("passes %s through", async (method) => {
    const { seen } = fakeOrigin(() => new Response(null, { status: 204 }));
    const res = await call("/somewhere", { method });
    expect(seen[0]!.method).toBe(method);
    expect(res.status).toBe(204);
  });

  it("does not follow the origin's redirects: the client gets them as they are", async () => {
    const { seen } = fakeOrigin(() => new Response(null, { status: 302, headers: { Location: "/posts/new-place/" } }));
    const res = await call("/posts/old-place/");
    expect(seen).toHaveLength(1);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/posts/new-place/");
  });

  it("streams the origin's body: the first chunk arrives before the origin has finished", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const encoder = new TextEncoder();
    fakeOrigin(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(controller) {
              controller.enqueue(encoder.encode("first "));
              await released; // only once the client has read the first chunk
              controller.enqueue(encoder.encode("second"));
              controller.close();
            },
          }),
        ),
    );
    const res = await call("/big-file");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("first")) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      text += decoder.decode(value, { stream: true });
    }
    release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toBe("first second");
  });

  it("keeps answering its own paths, and hands the site's own pages (/, /tags/{t}/) to the origin", async () => {
    const { seen } = fakeOrigin(() => new Response("hugo page"));
    for (const path of ["/rss.xml", "/tags/scale-ai/index.xml", "/feeds", "/feeds.opml", "/subscribe"]) {
      const res = await call(path);
      expect(res.status, path).toBe(200);
      await res.arrayBuffer();
    }
    const redirect = await call("/main_topics/open-source/index.xml");
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toBe(`${BASE}/topics/open-source/rss.xml`);
    expect(seen).toHaveLength(0);

    for (const path of ["/", "/tags/scale-ai/", "/topics/open-source/", "/posts/meta-scale-ai/", "/images/default%20(1).png", "/no-such-section/index.xml"]) {
      const res = await call(path);
      expect(await res.text(), path).toBe("hugo page");
    }
    expect(seen.map((r) => new URL(r.url).pathname)).toEqual([
      "/",
      "/tags/scale-ai/",
      "/topics/open-source/",
      "/posts/meta-scale-ai/",
      "/images/default%20(1).png",
      "/no-such-section/index.xml",
    ]);
  });

  it("an origin that cannot be reached is a 502 with a reason", async () => {
    fakeOrigin(() => {
      throw new TypeError("connection refused");
    });
    const res = await call("/about/");
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/origin .*origin\.example\.net.* did not answer/);
  });

  it("an ORIGIN_URL that is not an http(s) URL is a 502 naming the setting", async () => {
    const { seen } = fakeOrigin(() => new Response("x"));
    const res = await call("/about/", {}, { ORIGIN_URL: "ftp://nope" });
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/ORIGIN_URL/);
    expect(seen).toHaveLength(0);
  });
});
