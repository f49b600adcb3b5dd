/**
 * Mail about a subscription (double opt-in, "already subscribed"), rendered here and
 * delivered through the durable queued path (src/email/transactional.ts): the request
 * only stores and enqueues it.
 */
import { alreadySubscribedMail, confirmationMail, type RenderedMail } from "../../templates/email/confirm.js";
import type { EmailMessage } from "../email/sender.js";
import { enqueueMail } from "../email/transactional.js";
import { pageSite as site, readConfig } from "../config.js";
import type { Env } from "../env.js";
import { CONFIRM_TOKEN_TTL_MS } from "../lib/tokens.js";
import { confirmUrl, subscriberLinks } from "./links.js";
import type { Subscriber } from "./store.js";

export type SubscriptionMail = "confirm" | "manage";

function message(env: Env, to: string, mail: RenderedMail): EmailMessage {
  return { from: readConfig(env).mail.from, to, ...mail };
}

async function render(env: Env, subscriber: Subscriber, kind: SubscriptionMail, now: number): Promise<EmailMessage> {
  if (kind === "confirm") {
    const [confirm, links] = await Promise.all([confirmUrl(readConfig(env).links, subscriber.id, now + CONFIRM_TOKEN_TTL_MS), subscriberLinks(readConfig(env).links, subscriber.id)]);
    return message(env, subscriber.email, confirmationMail(site(env), subscriber.email, { confirmUrl: confirm, preferencesUrl: links.preferencesUrl }));
  }
  return message(env, subscriber.email, alreadySubscribedMail(site(env), subscriber.email, await subscriberLinks(readConfig(env).links, subscriber.id)));
}

/**
 * Queues a confirmation (sent only while the subscriber is still pending) or an "already
 * subscribed" note (only while active: for a suppressed address it is written and then
 * dropped by the consumer, so the request does the same work whatever the address).
 */
export async function queueSubscriptionMail(env: Env, subscriber: Subscriber, kind: SubscriptionMail, now: number): Promise<void> {
  await enqueueMail(env.DB, env.DIGEST_QUEUE, {
    kind,
    subscriberId: subscriber.id,
    sendWhile: kind === "confirm" ? ["pending"] : ["active"],
    message: await render(env, subscriber, kind, now),
  }, now);
}
