/** One recipient's digest as an EmailMessage: rendered items, signed links, RFC 8058 headers. */
import type { Config } from "../config.js";
import type { EmailMessage } from "../email/sender.js";
import { personalFeedUrls, subscriberLinks, webCopyUrl } from "../subscribers/links.js";
import type { Cadence } from "./due.js";
import type { DigestItem } from "./items.js";
import { renderDigest } from "./render.js";

export interface Recipient {
  subscriberId: string;
  email: string;
  items: DigestItem[];
  /** Frozen at plan time: the dates in the mail are the recipient's. */
  timezone?: string;
  /** The subscriber's feed-token version: the mail links their personal feed. Absent in previews of no one. */
  feedTokenVersion?: number;
  /** The run the mail belongs to: its web copy link ("view in browser"). Absent in previews. */
  runId?: string;
}

export function unsubscribeHeaders(unsubscribeUrl: string): Record<string, string> {
  return { "List-Unsubscribe": `<${unsubscribeUrl}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

/** What a digest mail needs of the configuration (readConfig): the site, the sender address, link signing. */
export type DigestSettings = Pick<Config, "site" | "links"> & { mail: Pick<Config["mail"], "from"> };

export async function composeDigest(settings: DigestSettings, cadence: Cadence, recipient: Recipient): Promise<EmailMessage> {
  const links = await subscriberLinks(settings.links, recipient.subscriberId);
  const copy = recipient.runId ? await webCopyUrl(settings.links, recipient.runId, recipient.subscriberId) : undefined;
  const feed = recipient.feedTokenVersion ? (await personalFeedUrls(settings.links, { id: recipient.subscriberId, feedTokenVersion: recipient.feedTokenVersion })).rss : undefined;
  const rendered = renderDigest({
    siteTitle: settings.site.title,
    siteUrl: settings.site.url,
    lang: settings.site.language,
    ...(recipient.timezone ? { timezone: recipient.timezone } : {}),
    cadence,
    items: recipient.items,
    ...links,
    ...(copy ? { webCopyUrl: copy } : {}),
    ...(feed ? { feedUrl: feed } : {}),
  });
  return { from: settings.mail.from, to: recipient.email, ...rendered, headers: unsubscribeHeaders(links.unsubscribeUrl) };
}
