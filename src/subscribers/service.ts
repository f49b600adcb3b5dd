/**
 * Sign-up with double opt-in and the abuse controls around it. The answer is the same
 * whether or not an address is known; what happens differs only in the mailbox.
 */
import type { Env } from "../env.js";
import type { Reason } from "../i18n/index.js";
import { hitRateLimit, networkKey, type RateLimit } from "../lib/ratelimit.js";
import { mailboxKey, normaliseEmail } from "./address.js";
import { queueSubscriptionMail, type SubscriptionMail } from "./subscription-mail.js";
import { siteContent } from "../content/index.js";
import { DEFAULT_PREFERENCES, parsePreferences, type Fields } from "./preferences.js";
import { insertPending, restartPending, type Subscriber } from "./store.js";

/** Per client network (an IPv4 address, an IPv6 /64), all POST /subscribe attempts. */
export const SUBSCRIBE_PER_IP: RateLimit = { limit: 10, windowMs: 10 * 60 * 1000 };
/** Per address: at most one mail about the subscription every 10 minutes. */
export const MAIL_PER_ADDRESS: RateLimit = { limit: 1, windowMs: 10 * 60 * 1000 };
/** The hidden field bots fill in. */
export const HONEYPOT_FIELD = "website";

export type SubscribeResult =
  | { ok: true }
  | { ok: false; status: 400 | 429; reason: Reason; retryAfter?: number; email?: string };

/** Per mailbox, so case variants of one address share one allowance. */
export function mailLimitKey(email: string): string {
  return `mail:${mailboxKey(email)}`;
}

export async function subscribe(env: Env, fields: Fields, listsAbsentMeanNone: boolean, ip: string, now: number): Promise<SubscribeResult> {
  // A filled honeypot gets the usual answer and nothing happens.
  const honeypot = fields[HONEYPOT_FIELD];
  if (honeypot !== undefined && honeypot !== "" && !(Array.isArray(honeypot) && honeypot.every((v) => v === ""))) return { ok: true };

  const perIp = await hitRateLimit(env.DB, `subscribe-ip:${networkKey(ip)}`, SUBSCRIBE_PER_IP, now);
  if (!perIp.allowed) return { ok: false, status: 429, reason: { key: "errors.tooManySignups" }, retryAfter: perIp.retryAfter };

  const email = normaliseEmail(fields.email);
  if (!email.ok) return { ok: false, status: 400, reason: email.reason };
  const prefs = parsePreferences(fields, DEFAULT_PREFERENCES, listsAbsentMeanNone, await siteContent(env));
  if (!prefs.ok) return { ok: false, status: 400, reason: prefs.reason, email: email.email };

  const { subscriber, created } = await insertPending(env.DB, email.email, prefs.value, now);
  let target: Subscriber = subscriber;
  let mail: SubscriptionMail = "manage";
  if (created) mail = "confirm";
  else if (subscriber.status === "pending" || subscriber.status === "unsubscribed") {
    const restarted = await restartPending(env.DB, subscriber.id, prefs.value, now);
    if (restarted) [target, mail] = [restarted, "confirm"];
  }
  // Active: preferences are not changed without a signed link; the owner gets one by mail.
  // Bounced / complained: the "manage" mail is queued like any other and dropped by the
  // consumer's status check, so neither the answer nor its timing tells them apart.
  await mailOnce(env, target, mail, now);
  return { ok: true };
}

async function mailOnce(env: Env, subscriber: Subscriber, kind: SubscriptionMail, now: number): Promise<void> {
  const allowance = await hitRateLimit(env.DB, mailLimitKey(subscriber.email), MAIL_PER_ADDRESS, now);
  if (!allowance.allowed) return;
  // Durable: stored in D1 and queued; the provider is called by the queue consumer, with
  // retries, never by this request.
  await queueSubscriptionMail(env, subscriber, kind, now);
}
