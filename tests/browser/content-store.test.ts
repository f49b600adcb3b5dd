/**
 * Through `wrangler dev`'s real asset router: the content store's files are never served
 * as-is (`run_worker_first`), while feeds read from them.
 */
import { describe, expect, it } from "vitest";
import { baseUrl } from "./browser.js";

describe("content store behind the Worker", () => {
  it.each(["/__content/index.bin", "/__content/ids.json", "/__content/m/0.json", "/__content/b/0.bin"])("%s answers 404", async (path) => {
    const res = await fetch(`${baseUrl()}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type") ?? "").not.toMatch(/octet-stream|application\/json$/);
  });

  it("serves the site feed from the store", async () => {
    const res = await fetch(`${baseUrl()}/rss.xml`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<item>");
  });
});
