/**
 * Why Tidings writes its own serializer: the defects of feed@6 that our feeds must not
 * have, reproduced. If an upgrade fixes them, this test fails and the choice in the
 * README ("Why not the `feed` library") should be revisited.
 */
import { Feed } from "feed";
import { describe, expect, it } from "vitest";
import { parseXml } from "../support/xml.js";

function sample(item: Record<string, unknown> = {}): Feed {
  const feed = new Feed({ title: "T", id: "https://x.test/", link: "https://x.test/", copyright: "" });
  feed.addItem({ title: "AT&T <C++>", id: "https://x.test/a", link: "https://x.test/a", date: new Date(0), ...item });
  return feed;
}

describe("feed@6 defects reproduced", () => {
  it("a second ]]> in content gives malformed XML", () => {
    const feed = sample({ content: "one ]]> two ]]> three" });
    expect(() => parseXml(feed.rss2())).toThrow();
    expect(() => parseXml(feed.atom1())).toThrow();
  });

  it("control characters pass through into the XML", () => {
    expect(() => parseXml(sample({ content: "bell \u0007" }).rss2())).toThrow();
  });

  it("`<` in an Atom category attribute is not escaped", () => {
    expect(sample({ category: [{ name: "a<b" }] }).atom1()).toContain('label="a<b"');
  });

  it("Atom titles are forced to type=html", () => {
    expect(sample().atom1()).toContain('<title type="html">');
  });

  it("relative or spaced image URLs throw Invalid URL", () => {
    expect(() => sample({ image: "/images/default (1).png" }).rss2()).toThrow(/Invalid URL/);
  });

  it("writes image/jpg and JSON Feed 1.0", () => {
    const feed = sample({ image: "https://x.test/a.jpg" });
    expect(feed.rss2()).toContain('type="image/jpg"');
    expect(JSON.parse(feed.json1()).version).toBe("https://jsonfeed.org/version/1");
  });
});
