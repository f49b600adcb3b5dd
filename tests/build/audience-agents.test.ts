import { describe, expect, it } from "vitest";
import { clientNetwork, readAggregator } from "../../src/audience/agents.js";

describe("readAggregator", () => {
  it.each([
    ["Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; feed-id=feed/https://x/rss.xml)", "Feedly", 42],
    ["Mozilla/5.0 (compatible; Inoreader/1.0; +http://www.inoreader.com/feed-fetcher; 7 subscribers; )", "Inoreader", 7],
    ["NewsBlur Feed Fetcher - 12 subscribers - http://www.newsblur.com/site/123/x (Mozilla/5.0)", "NewsBlur", 12],
    ["Feedbin feed-id:1234 - 3 subscribers", "Feedbin", 3],
    ["Mozilla/5.0 (compatible; theoldreader.com; 1 subscribers; feed-id=abc)", "The Old Reader", 1],
    ["BazQux/2.4 (+https://bazqux.com/fetcher; 5 subscribers)", "BazQux", 5],
    ["Acme Reader/3.1 (+https://acme.test; 9 readers)", "Acme Reader", 9],
  ])("%s → %s %d", (ua, name, subscribers) => {
    expect(readAggregator(ua)).toEqual({ name, subscribers });
  });

  it.each(["NetNewsWire (RSS Reader; https://netnewswire.com/)", "curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120", "", "Feedly 99999999999 subscribers"])(
    "%s is an ordinary client",
    (ua) => {
      expect(readAggregator(ua)).toBeNull();
    },
  );
});

describe("clientNetwork", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd:12::/64"],
    ["2001:db8:abcd:12::99", "2001:db8:abcd:12::/64"],
    ["2001:DB8::1", "2001:db8:0:0::/64"],
    ["::ffff:198.51.100.2", "198.51.100.2"],
    ["nonsense", ""],
    ["1:2:3", ""],
  ])("%s → %s", (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });
});
