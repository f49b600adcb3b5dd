/** One recipient's digest as an EmailMessage: rendered items, signed links, RFC 8058 headers. */
import type { EmailMessage } from "../email/sender.js";
import type { Env } from "../env.js";
import { feedUrls, subscriberLinks, webCopyUrl } from "../subscribers/links.js";
import type { DigestItem } from "./items.js";
import { renderDigest } from "./render.js";
import type { Cadence } from "./due.js";

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

export async function composeDigest(env: Env, cadence: Cadence, recipient: Recipient): Promise<EmailMessage> {
  const links = await subscriberLinks(env, recipient.subscriberId);
  const copy = recipient.runId ? await webCopyUrl(env, recipient.runId, recipient.subscriberId) : undefined;
  const feed = recipient.feedTokenVersion ? (await feedUrls(env, { id: recipient.subscriberId, feedTokenVersion: recipient.feedTokenVersion })).rss : undefined;
  const rendered = renderDigest({
    siteTitle: env.SITE_TITLE,
    siteUrl: env.SITE_URL,
    lang: env.SITE_LANGUAGE,
    ...(recipient.timezone ? { timezone: recipient.timezone } : {}),
    cadence,
    items: recipient.items,
    ...links,
    ...(copy ? { webCopyUrl: copy } : {}),
    ...(feed ? { feedUrl: feed } : {}),
  });
  return { from: env.EMAIL_FROM, to: recipient.email, ...rendered, headers: unsubscribeHeaders(links.unsubscribeUrl) };
}
