/**
 * Mail about a subscription itself: the double opt-in confirmation, and the note an
 * already-subscribed address gets instead (same answer on the page, no enumeration).
 * HTML (inline styles, as mail clients want) plus a plain-text part.
 */
import type { Child } from "hono/jsx";
import { htmlDocument } from "../../src/lib/html.js";

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

interface Site {
  title: string;
  lang: string;
}

/** The plain-text part: site, heading, then paragraphs separated by blank lines. */
function plainText(site: Site, heading: string, ...paragraphs: string[]): string {
  return [site.title, heading, ...paragraphs].join("\n\n") + "\n";
}

function InlineLink({ href, children }: { href: string; children?: Child }) {
  return (
    <a href={href} style="color:#0b57d0">
      {children}
    </a>
  );
}

const BUTTON = "display:inline-block;background:#0b57d0;color:#ffffff;text-decoration:none;font-weight:600;padding:12px 20px;border-radius:8px";
const MUTED = "color:#5f6368;font-size:14px";

function Mail({ site, title, children }: { site: Site; title: string; children?: Child }) {
  return (
    <html lang={site.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
      </head>
      <body style="margin:0;padding:0;background:#f6f7f9">
        <div style="max-width:560px;margin:0 auto;padding:24px 16px;font:16px/1.6 system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;color:#1d1d1f">
          <div style="background:#ffffff;border:1px solid #d9dce1;border-radius:12px;padding:24px">
            <p style={`${MUTED};margin:0 0 8px`}>{site.title}</p>
            {children}
          </div>
        </div>
      </body>
    </html>
  );
}

export function confirmationMail(site: Site, email: string, links: { confirmUrl: string; preferencesUrl: string }): RenderedMail {
  const subject = `Confirm your subscription to ${site.title}`;
  const html = htmlDocument(
    <Mail site={site} title={subject}>
      <h1 style="font-size:22px;margin:0 0 16px">Confirm your subscription · 请确认订阅</h1>
      <p>
        Someone — hopefully you — asked to send digests of <strong>{site.title}</strong> to <strong>{email}</strong>. Nothing
        will be sent until you confirm:
      </p>
      <p style="margin:24px 0">
        <a href={links.confirmUrl} style={BUTTON}>
          Confirm subscription 确认订阅
        </a>
      </p>
      <p style={MUTED}>
        Or open this link: <br />
        <a href={links.confirmUrl} style="color:#0b57d0;word-break:break-all">
          {links.confirmUrl}
        </a>
      </p>
      <p style={MUTED}>
        The link works for 30 days. If you did not ask for this, ignore this mail and you will not hear from us again.
      </p>
      <p style={MUTED}>
        Topics, tags and delivery time can be changed at any time:{" "}
        <InlineLink href={links.preferencesUrl}>preferences 偏好设置</InlineLink>
        .
      </p>
    </Mail>,
  );
  const text = plainText(
    site,
    "Confirm your subscription · 请确认订阅",
    `Someone — hopefully you — asked to send digests of ${site.title} to ${email}.\nNothing will be sent until you confirm by opening this link:`,
    links.confirmUrl,
    "The link works for 30 days. If you did not ask for this, ignore this mail and you will not hear from us again.",
    `Change topics, tags and delivery time: ${links.preferencesUrl}`,
  );
  return { subject, html, text };
}

export function alreadySubscribedMail(site: Site, email: string, links: { preferencesUrl: string; unsubscribeUrl: string }): RenderedMail {
  const subject = `Your subscription to ${site.title}`;
  const html = htmlDocument(
    <Mail site={site} title={subject}>
      <h1 style="font-size:22px;margin:0 0 16px">You are already subscribed · 您已订阅</h1>
      <p>
        Someone asked to subscribe <strong>{email}</strong> to <strong>{site.title}</strong>. This address already gets our
        digests, so nothing has changed.
      </p>
      <p style="margin:24px 0">
        <a href={links.preferencesUrl} style={BUTTON}>
          Change preferences 修改偏好
        </a>
      </p>
      <p style={MUTED}>
        Not interested any more?{" "}
        <InlineLink href={links.unsubscribeUrl}>Unsubscribe 退订</InlineLink>
        .
      </p>
    </Mail>,
  );
  const text = plainText(
    site,
    "You are already subscribed · 您已订阅",
    `Someone asked to subscribe ${email} to ${site.title}. This address already gets our digests, so nothing has changed.`,
    `Change preferences: ${links.preferencesUrl}\nUnsubscribe: ${links.unsubscribeUrl}`,
  );
  return { subject, html, text };
}
