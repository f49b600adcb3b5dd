/** Signed links for mail and pages, all on PUBLIC_URL; signing settings come from readConfig (src/config.ts). */
import { signingSecret, type LinkConfig } from "../config.js";
import { signToken, verifyToken, type TokenPurpose } from "../lib/tokens.js";
import type { FeedFormat } from "../lib/feed-formats.js";
import { feedUrls, personalFeedBase, publicUrl } from "../lib/urls.js";

/** The subscriber id (or subject) a link token was signed for, verified with every accepted secret (rotation). */
export async function verifyLink(links: LinkConfig, token: string, purpose: TokenPurpose, now?: number): Promise<string | null> {
  signingSecret(links); // without TOKEN_SECRET nothing can be verified: a ConfigError, not "no such link"
  return verifyToken(links.accepted, token, purpose, now);
}

async function link(links: LinkConfig, path: string, subscriberId: string, purpose: TokenPurpose, expiresAt?: number): Promise<string> {
  return publicUrl({ PUBLIC_URL: links.publicUrl }, `/${path}/${await signToken(signingSecret(links), subscriberId, purpose, expiresAt)}`);
}

/** Links every mail to a subscriber carries: change preferences, and RFC 8058 one-click unsubscribe. */
export async function subscriberLinks(links: LinkConfig, subscriberId: string): Promise<{ preferencesUrl: string; unsubscribeUrl: string }> {
  const [preferencesUrl, unsubscribeUrl] = await Promise.all([
    link(links, "preferences", subscriberId, "preferences"),
    link(links, "unsubscribe", subscriberId, "unsubscribe"),
  ]);
  return { preferencesUrl, unsubscribeUrl };
}

/**
 * One mail's web copy, `/digests/{token}` ("view in browser"): signed for the run and the
 * recipient together, so a token opens that one delivery and no other, and no other
 * purpose's token opens it. Never expires; the copy itself is gone once its run is pruned.
 */
export function webCopyUrl(links: LinkConfig, runId: string, subscriberId: string): Promise<string> {
  return link(links, "digests", `${runId}/${subscriberId}`, "digest-copy");
}

/** The delivery a verified web copy token names; null for a subject no copy link carries. */
export function webCopySubject(subject: string): { runId: string; subscriberId: string } | null {
  // Run ids and subscriber ids never hold a "/" (due.ts cronRunId, scheduler.ts, randomUUID).
  const parts = subject.split("/");
  return parts.length === 2 && parts[0] && parts[1] ? { runId: parts[0], subscriberId: parts[1] } : null;
}

/** The double opt-in link; valid for 30 days (CONFIRM_TOKEN_TTL_MS) from `now`. */
export function confirmUrl(links: LinkConfig, subscriberId: string, expiresAt?: number): Promise<string> {
  return link(links, "confirm", subscriberId, "confirm", expiresAt);
}

/** The subject a personal feed token signs: the subscriber and their feed-token version. */
function feedSubject(subscriberId: string, version: number): string {
  return `${subscriberId}:${version}`;
}

/** A personal feed's URLs, one per format: `/me/{token}/rss.xml`, `atom.xml`, `feed.json`. */
export async function personalFeedUrls(links: LinkConfig, subscriber: { id: string; feedTokenVersion: number }): Promise<Record<FeedFormat, string>> {
  const token = await signToken(signingSecret(links), feedSubject(subscriber.id, subscriber.feedTokenVersion), "feed");
  return feedUrls(links.publicUrl, { base: personalFeedBase(token), format: "rss", search: "" }).formats;
}

/** Who a personal feed token was signed for, and for which feed-token version; null if it was not. */
export async function verifyFeedLink(links: LinkConfig, token: string): Promise<{ subscriberId: string; version: number } | null> {
  const subject = await verifyLink(links, token, "feed");
  const m = subject === null ? null : /^(.+):([1-9]\d{0,8})$/.exec(subject);
  return m ? { subscriberId: m[1]!, version: Number(m[2]) } : null;
}
