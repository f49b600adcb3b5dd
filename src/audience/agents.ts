/**
 * What a feed request's client tells about its audience (pure): aggregators report how
 * many of their users follow the feed in the User-Agent, e.g.
 *   Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; feed-id=…)
 *   NewsBlur Feed Fetcher - 12 subscribers - http://www.newsblur.com/site/…
 * Anything else is one client, counted by network (/64 or IPv4) and user agent.
 */
export interface AggregatorReport {
  name: string;
  subscribers: number;
}

/** Known aggregators: display name and how to recognise its User-Agent. */
const AGGREGATORS: readonly (readonly [string, RegExp])[] = [
  ["Feedly", /feedly/i],
  ["Inoreader", /inoreader/i],
  ["NewsBlur", /newsblur/i],
  ["Feedbin", /feedbin/i],
  ["The Old Reader", /theoldreader|old reader/i],
  ["BazQux", /bazqux/i],
  ["Feedspot", /feedspot/i],
  ["Feed Wrangler", /feed ?wrangler/i],
  ["FeedHQ", /feedhq/i],
  ["Feeder", /feeder\.co/i],
  ["NetVibes", /netvibes/i],
  ["Tiny Tiny RSS", /tiny tiny rss/i],
  ["Miniflux", /miniflux/i],
  ["FreshRSS", /freshrss/i],
];

const COUNT = /(\d{1,9})\s+(?:subscribers?|readers?|users?)\b/i;
/** Upper bound on a believable report: one feed on one aggregator. */
const MAX_REPORTED = 100_000_000;

/** The aggregator and its reported subscriber count, or null for an ordinary client. */
export function readAggregator(userAgent: string): AggregatorReport | null {
  if (userAgent.length > 512) return null;
  const count = COUNT.exec(userAgent);
  if (!count) return null;
  const subscribers = Number(count[1]);
  if (!(subscribers >= 0 && subscribers <= MAX_REPORTED)) return null;
  const known = AGGREGATORS.find(([, pattern]) => pattern.test(userAgent));
  if (known) return { name: known[0], subscribers };
  // An unknown aggregator: its first product token, cleaned and bounded.
  const token = /^[A-Za-z][A-Za-z0-9 ._-]{0,39}/.exec(userAgent.split("/")[0]!.trim())?.[0]?.trim();
  return token ? { name: token, subscribers } : null;
}

function expandIpv6(address: string): number[] | null {
  const [head, tail, extra] = address.split("::");
  if (extra !== undefined) return null;
  const parse = (part: string | undefined) => (part ? part.split(":") : []);
  const left = parse(head);
  const right = parse(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill("0"), ...right];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

/** The client's network for counting: an IPv4 address, or the /64 of an IPv6 one; "" when unknown. */
export function clientNetwork(ip: string): string {
  const address = ip.trim();
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(address)) return address;
  const v4mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (v4mapped) return v4mapped[1]!;
  const groups = expandIpv6(address.replace(/%.*$/, ""));
  return groups ? `${groups.slice(0, 4).map((g) => g.toString(16)).join(":")}::/64` : "";
}
