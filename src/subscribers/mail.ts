/** Mail about a subscription (double opt-in, "already subscribed"), through createSender(). */
import { alreadySubscribedMail, confirmationMail, type RenderedMail } from "../../templates/email/confirm.js";
import { createSender, type SendOutcome } from "../email/sender.js";
import { pageSite as site, type Env } from "../env.js";
import { CONFIRM_TOKEN_TTL_MS } from "../lib/tokens.js";
import { confirmUrl, subscriberLinks } from "./links.js";
import type { Subscriber } from "./store.js";


function send(env: Env, to: string, mail: RenderedMail): Promise<SendOutcome> {
  return createSender(env).send({ from: env.EMAIL_FROM, to, ...mail });
}

export async function sendConfirmation(env: Env, subscriber: Subscriber, now: number): Promise<SendOutcome> {
  const [confirm, links] = await Promise.all([confirmUrl(env, subscriber.id, now + CONFIRM_TOKEN_TTL_MS), subscriberLinks(env, subscriber.id)]);
  return send(env, subscriber.email, confirmationMail(site(env), subscriber.email, { confirmUrl: confirm, preferencesUrl: links.preferencesUrl }));
}

export async function sendAlreadySubscribed(env: Env, subscriber: Subscriber): Promise<SendOutcome> {
  return send(env, subscriber.email, alreadySubscribedMail(site(env), subscriber.email, await subscriberLinks(env, subscriber.id)));
}
