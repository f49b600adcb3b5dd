/**
 * Mail about a subscription itself: the double opt-in confirmation, and the note an
 * already-subscribed address gets instead (same answer on the page, no enumeration).
 * HTML (inline styles, as mail clients want) plus a plain-text part.
 */
import type { Child } from "hono/jsx";
import type { PageSite } from "../../src/config.js";
import { fill, format } from "../../src/i18n/index.js";
import { htmlDocument } from "../../src/lib/html.js";

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

type Site = PageSite;

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
  const m = site.t.mail;
  const subject = format(m.confirmSubject, { site: site.title });
  const html = htmlDocument(
    <Mail site={site} title={subject}>
      <h1 style="font-size:22px;margin:0 0 16px">{m.confirmHeading}</h1>
      <p>{fill(m.confirmBody, { site: <strong>{site.title}</strong>, email: <strong>{email}</strong> })}</p>
      <p style="margin:24px 0">
        <a href={links.confirmUrl} style={BUTTON}>
          {m.confirmButton}
        </a>
      </p>
      <p style={MUTED}>
        {m.orOpen} <br />
        <a href={links.confirmUrl} style="color:#0b57d0;word-break:break-all">
          {links.confirmUrl}
        </a>
      </p>
      <p style={MUTED}>{m.confirmExpiry}</p>
      <p style={MUTED}>{fill(m.confirmPreferences, { link: <InlineLink href={links.preferencesUrl}>{m.preferencesLink}</InlineLink> })}</p>
    </Mail>,
  );
  const text = plainText(
    site,
    m.confirmHeading,
    `${format(m.confirmBody, { site: site.title, email })}\n${links.confirmUrl}`,
    m.confirmExpiry,
    format(m.confirmPreferencesText, { url: links.preferencesUrl }),
  );
  return { subject, html, text };
}

export function alreadySubscribedMail(site: Site, email: string, links: { preferencesUrl: string; unsubscribeUrl: string }): RenderedMail {
  const m = site.t.mail;
  const subject = format(m.alreadySubject, { site: site.title });
  const html = htmlDocument(
    <Mail site={site} title={subject}>
      <h1 style="font-size:22px;margin:0 0 16px">{m.alreadyHeading}</h1>
      <p>{fill(m.alreadyBody, { site: <strong>{site.title}</strong>, email: <strong>{email}</strong> })}</p>
      <p style="margin:24px 0">
        <a href={links.preferencesUrl} style={BUTTON}>
          {m.alreadyButton}
        </a>
      </p>
      <p style={MUTED}>{fill(m.alreadyLeave, { link: <InlineLink href={links.unsubscribeUrl}>{m.unsubscribe}</InlineLink> })}</p>
    </Mail>,
  );
  const text = plainText(
    site,
    m.alreadyHeading,
    format(m.alreadyBody, { site: site.title, email }),
    `${format(m.preferencesText, { url: links.preferencesUrl })}\n${format(m.unsubscribeText, { url: links.unsubscribeUrl })}`,
  );
  return { subject, html, text };
}
