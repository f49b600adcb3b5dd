/** The content store on Workers Static Assets: never served as-is, and pack layout never shows in a feed. */
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createMemoryContent, siteContent } from "../../src/content/index.js";
import { readConfig } from "../../src/config.js";
import { FeedService } from "../../src/feeds/service.js";
import { contentData } from "./content-data.js";

const content = await siteContent(env);

describe("content store", () => {
  it.each(["/__content/index.bin", "/__content/ids.json", "/__content/m/0.json", "/__content/b/0.bin"])("%s is not public", async (path) => {
    const res = await exports.default.fetch(`http://localhost${path}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(content.hash);
  });

  it("reads the store only through the binding, and the index names the version the Worker was built for", async () => {
    const res = await env.ASSETS.fetch("https://assets.invalid/__content/index.bin");
    expect(res.status).toBe(200);
    expect(content.size).toBeGreaterThan(0);
    expect(content.visibleCount(Date.now())).toBeLessThanOrEqual(content.size);
  });

  it("renders byte-identical feeds whatever the pack size (one article per pack, three, the default)", async () => {
    const data = await contentData(content);
    const now = Date.now();
    const render = async (source: typeof content) => {
      const service = new FeedService(source, readConfig(env).site);
      const out: string[] = [];
      for (const scope of [undefined, ...[...source.catalogue("tags", now).keys()].map((slug) => ({ kind: "tags" as const, slug }))]) {
        for (const format of ["rss", "atom", "json"] as const) {
          const query = { ...(scope ? { scope } : {}), tags: [], topics: [], limit: 3 };
          // The current document, then archive pages 1, 2, … until the service says there are no more.
          for (let page: number | undefined, answer; (answer = service.get({ format, query, search: "", ...(page ? { page } : {}) }, now)).ok; page = (page ?? 0) + 1) {
            const v = answer.value;
            out.push(`${v.etag} ${v.lastModified} ${new TextDecoder().decode(await v.bytes())}`);
          }
        }
      }
      return out;
    };
    const expected = await render(content);
    expect(expected.length).toBeGreaterThan(10);
    expect(await render(createMemoryContent(data, 1))).toEqual(expected);
    expect(await render(createMemoryContent(data, 3))).toEqual(expected);
  });
});
