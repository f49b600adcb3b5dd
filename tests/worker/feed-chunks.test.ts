/**
 * A feed's bytes are encoded chunk by chunk (the head, each item, the tail), never from one
 * string of the whole document: a 20-item feed's string is a few hundred KB, which V8 puts
 * in its large-object space, where only a full collection frees it — serving every feed
 * once piled those up into the isolate's peak heap (README, "Isolate memory").
 */
import { describe, expect, it } from "vitest";
import type { FeedDocument, FeedItem } from "../../src/feeds/model.js";
import { RENDERERS, RENDER_CHUNKS } from "../../src/feeds/render.js";
import { encodeChunks } from "../../src/lib/utf8.js";
import { FEED_FORMATS } from "../../src/lib/feed-formats.js";

const BODY = "<p>数据安全 ]]> AT&T <b>C++</b> 😀 \r\n" + "产业生态与商业版图。".repeat(4_000) + "\uD800 e\u0301 \u0001</p>";

function doc(items: number): FeedDocument {
  const list: FeedItem[] = Array.from({ length: items }, (_, i) => ({
    id: `https://example.com/posts/${i}/`,
    url: `https://example.com/posts/${i}/`,
    title: `第 ${i} 篇 <AT&T>`,
    summary: "摘要 & summary ]]>",
    contentHtml: i % 3 === 1 ? BODY.replace("\r\n", "\n") : BODY,
    published: "2025-06-27T09:10:04+08:00",
    updated: "2025-06-28T00:00:00Z",
    authors: i % 2 ? ["编辑部"] : [],
    categories: [
      { label: "人工智能", scheme: "https://example.com/tags/" },
      { label: "数据 & 安全", scheme: "https://example.com/topics/" },
    ],
    ...(i % 2 ? { image: { url: "https://example.com/images/a%20b.png", type: "image/png" } } : {}),
  }));
  return {
    meta: {
      title: "Tidings 科技快讯",
      description: "科技新闻 <Tech>",
      language: "zh-CN",
      homeUrl: "https://example.com/",
      selfUrl: "https://feeds.example.com/rss.xml?tag=a&tag=b",
      formatUrls: { rss: "https://f/rss.xml", atom: "https://f/atom.xml", json: "https://f/feed.json" },
      author: "编辑部",
      updated: "2025-06-28T00:00:00Z",
      generator: "Tidings",
      links: [
        { rel: "hub", href: "https://hub.example/" },
        { rel: "next", href: "https://feeds.example.com/rss.xml?page=1", type: "application/rss+xml" },
      ],
      archive: true,
    },
    items: list,
  };
}

describe("feed bytes from chunks", () => {
  it.each(FEED_FORMATS)("%s: no chunk holds more than one item; the chunks are the document, and their bytes its UTF-8", (format) => {
    for (const items of [0, 1, 20]) {
      const d = doc(items);
      const chunks = RENDER_CHUNKS[format](d);
      const whole = RENDERERS[format](d);
      expect(chunks.join("")).toBe(whole);
      expect(chunks.length).toBeGreaterThanOrEqual(items + 1);
      const largest = Math.max(...chunks.map((c) => c.length));
      expect(largest).toBeLessThan(BODY.length + 2_000);
      expect(encodeChunks(chunks)).toEqual(new TextEncoder().encode(whole));
    }
  });

  it("encodes chunks exactly as TextEncoder encodes their concatenation, empty ones and lone surrogates included", () => {
    const chunks = ["", "a", "数据", "😀", "\uDFFF", "", "é\n"];
    expect(encodeChunks(chunks)).toEqual(new TextEncoder().encode(chunks.join("")));
    expect(encodeChunks([])).toEqual(new Uint8Array(0));
  });
});
