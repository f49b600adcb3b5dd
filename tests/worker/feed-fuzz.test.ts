/**
 * Hostile content through every format: random Unicode (controls, several `]]>`, `&`,
 * `<` in tags, emoji, right-to-left text, lone surrogates, very long strings) in titles,
 * tags, summaries and bodies. All three formats must stay well-formed and carry the text
 * exactly (minus the characters XML 1.0 cannot carry, removed the same way everywhere).
 */
import { describe, expect, it } from "vitest";
import type { FeedDocument, FeedItem } from "../../src/feeds/model.js";
import { RENDERERS } from "../../src/feeds/render.js";
import { stripInvalidXmlChars } from "../../src/lib/xml.js";
import { all, one, parseXml, text } from "../support/xml.js";

// Deterministic PRNG so a failure can be replayed (seed printed in the test name).
function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "]]>", "]]>]]>", "<![CDATA[", "&", "&amp;", "&#x1;", "<", ">", '"', "'", "<script>alert(1)</script>",
  "AT&T <C++>", "\u0000", "\u0001", "\u0008", "\u000B", "\u000C", "\u001F", "\u007F", "\u0085", "\uFFFE", "\uFFFF",
  "\uD800", "\uDFFF", "\t", "\n", "\r\n", "\r", "  ", "😀", "👨‍👩‍👧", "🇨🇳", "e\u0301", "שלום עולם", "مرحبا", "\u202E", "\u200F",
  "数据安全", "产业生态与商业版图", "\u3000", "\u2028", "\u2029", "\\", "\u00A0", "--", "<!--", "?>", "<?xml",
];

function randomString(rand: () => number, maxPieces: number): string {
  const n = 1 + Math.floor(rand() * maxPieces);
  let out = "";
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.6) out += PIECES[Math.floor(rand() * PIECES.length)];
    else if (r < 0.9) out += String.fromCodePoint(Math.floor(rand() * 0x2ffff));
    else out += "x".repeat(Math.floor(rand() * 5000));
  }
  return out;
}

function randomDoc(rand: () => number): FeedDocument {
  const items: FeedItem[] = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, i) => ({
    id: `https://example.com/posts/${i}/?q=${encodeURIComponent(randomString(rand, 3).toWellFormed())}&x=<&y="`,
    url: `https://example.com/posts/${i}/`,
    title: randomString(rand, 8),
    summary: randomString(rand, 8),
    contentHtml: randomString(rand, 20),
    published: "2025-06-27T09:10:04+08:00",
    updated: "2025-06-28T00:00:00Z",
    authors: [randomString(rand, 3)],
    categories: [
      { label: randomString(rand, 4), scheme: "https://example.com/tags/" },
      { label: "<" + randomString(rand, 2), scheme: "https://example.com/topics/" },
    ],
    image: { url: "https://example.com/images/default%20(1).png", type: "image/png" },
  }));
  return {
    meta: {
      title: randomString(rand, 5),
      description: randomString(rand, 5),
      language: "zh-CN",
      homeUrl: "https://example.com/",
      selfUrl: "https://feeds.example.com/rss.xml?tag=a&tag=b",
      formatUrls: { rss: "https://f/rss.xml", atom: "https://f/atom.xml", json: "https://f/feed.json" },
      author: randomString(rand, 3),
      updated: "2025-06-28T00:00:00Z",
      generator: "Tidings",
      links: [],
    },
    items,
  };
}

const clean = stripInvalidXmlChars;
const SEEDS = Array.from({ length: 60 }, (_, i) => 1000 + i);

describe("feeds with hostile content", () => {
  it.each(SEEDS)("seed %i: RSS, Atom and JSON are well-formed and round-trip the text", (seed) => {
    const doc = randomDoc(mulberry32(seed));

    const rss = one(parseXml(RENDERERS.rss(doc)), "channel");
    expect(text(rss, "title")).toBe(clean(doc.meta.title));
    expect(text(rss, "description")).toBe(clean(doc.meta.description));
    all(rss, "item").forEach((node, i) => {
      const item = doc.items[i]!;
      expect(text(node, "title")).toBe(clean(item.title));
      expect(text(node, "description")).toBe(clean(item.summary));
      expect(text(node, "content:encoded")).toBe(clean(item.contentHtml));
      expect(text(node, "guid")).toBe(item.id);
      expect(text(node, "dc:creator")).toBe(clean(item.authors[0]!));
      expect(all(node, "category").map((c) => c.text)).toEqual(item.categories.map((c) => clean(c.label)));
    });

    const atom = parseXml(RENDERERS.atom(doc));
    expect(text(atom, "title")).toBe(clean(doc.meta.title));
    all(atom, "entry").forEach((node, i) => {
      const item = doc.items[i]!;
      expect(text(node, "title")).toBe(clean(item.title));
      expect(text(node, "summary")).toBe(clean(item.summary));
      expect(text(node, "content")).toBe(clean(item.contentHtml));
      expect(all(node, "category").map((c) => c.attrs["term"])).toEqual(item.categories.map((c) => clean(c.label)));
    });

    const json = JSON.parse(RENDERERS.json(doc)) as { title: string; items: Record<string, unknown>[] };
    expect(json.title).toBe(clean(doc.meta.title));
    json.items.forEach((node, i) => {
      const item = doc.items[i]!;
      expect(node["title"]).toBe(clean(item.title));
      expect(node["summary"]).toBe(clean(item.summary));
      expect(node["content_html"]).toBe(clean(item.contentHtml));
    });
  });

  it("text without forbidden characters round-trips byte for byte", () => {
    const title = 'AT&T <C++> ]]> ]]]]>> "q" \'a\' \r\n\t 👨‍👩‍👧 שלום';
    const doc = randomDoc(mulberry32(7));
    doc.meta.title = title;
    doc.items[0]!.title = title;
    expect(text(one(parseXml(RENDERERS.rss(doc)), "channel"), "title")).toBe(title);
    expect(text(all(parseXml(RENDERERS.atom(doc)), "entry")[0]!, "title")).toBe(title);
    expect(all(parseXml(RENDERERS.atom(doc)), "entry")[0]!.children.find((c) => c.name === "category")!.attrs["term"]).toBe(
      clean(doc.items[0]!.categories[0]!.label),
    );
  });
});
