/**
 * Digests on the web: each mail's own copy (`/digests/{token}`, the "view in browser"
 * link). The copy is the mail's template rendered from the delivery's frozen items and
 * time zone, so it lists exactly what that recipient got, dated as in the mail; it leaves
 * out the personal links (a copy's URL may be forwarded) and carries no tracking.
 */
import type { Env } from "../env.js";
import { messagesFor, type Messages } from "../i18n/index.js";
import { verifyLink, webCopySubject } from "../subscribers/links.js";
import { MAX_LISTED } from "./items.js";
import type { DigestPage } from "./model.js";
import { renderDigestPage } from "./render.js";
import { deliveredCopy } from "./runs.js";

export type WebAnswer = { status: 200; html: string } | { status: 404 | 410; reason: string };

/** The footer a digest page carries instead of the recipient's links. */
function pageFooter(t: Messages, note: string): DigestPage {
  return { note, links: [{ href: "/digests", label: t.digests.title }, { href: "/subscribe", label: t.nav.subscribe }] };
}

/**
 * The web copy a token names. Not signed by us for this purpose (tampered, another
 * purpose's token, unknown) → 404; signed but its run or row is gone (pruned after 90
 * days, or the subscriber deleted) → 410. Throws ConfigError without TOKEN_SECRET.
 */
export async function webCopy(env: Env, token: string): Promise<WebAnswer> {
  const t = messagesFor(env.SITE_LANGUAGE);
  const subject = await verifyLink(env, token, "digest-copy");
  const names = subject ? webCopySubject(subject) : null;
  if (!names) return { status: 404, reason: t.errors.badLink };
  const copy = await deliveredCopy(env.DB, names.runId, names.subscriberId, MAX_LISTED);
  if (!copy) return { status: 410, reason: t.digests.gone };
  const html = renderDigestPage({
    siteTitle: env.SITE_TITLE,
    siteUrl: env.SITE_URL,
    lang: env.SITE_LANGUAGE,
    ...(copy.timezone ? { timezone: copy.timezone } : {}),
    cadence: copy.cadence,
    items: copy.items,
    total: copy.total,
    page: pageFooter(t, t.digests.copyNote),
  });
  return { status: 200, html };
}
