/** /dev/outbox: mail the dev outbox captured (ENVIRONMENT=development only). */
import type { OutboxMessage } from "../../src/email/outbox.js";
import { fill, format } from "../../src/i18n/index.js";
import { SubscriberLayout, type PageSite } from "./subscribe-message.js";

const OUTBOX_STYLES = `
.mail-frame{width:100%;height:70vh;border:1px solid var(--line);border-radius:.5rem;background:#fff}
pre.text{white-space:pre-wrap;word-break:break-word;background:var(--card);border:1px solid var(--line);border-radius:.5rem;padding:1rem}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.meta dt{font-weight:600}
dl.meta dd{margin:0;word-break:break-all}
`;

export function OutboxListPage({ site, messages, ranDigests = false }: { site: PageSite; messages: OutboxMessage[]; ranDigests?: boolean }) {
  const m = site.t.outbox;
  return (
    <SubscriberLayout site={site} title={m.title}>
      <h1>{m.title}</h1>
      <p class="muted">{fill(m.intro, { accept: <code>Accept: application/json</code> })}</p>
      <form method="post" action="/dev/outbox/digests">
        <button type="submit">{m.run}</button> <span class="muted">{m.runHint}</span>
      </form>
      {ranDigests ? (
        <p class="notice" role="status">
          {m.started}
        </p>
      ) : null}
      {messages.length === 0 ? (
        <p class="notice">{m.empty}</p>
      ) : (
        <ul class="items">
          {messages.map((mail) => (
            <li>
              <a href={`/dev/outbox/${encodeURIComponent(mail.id)}`}>
                <strong>{mail.subject}</strong>
              </a>
              <br />
              <span class="muted">{format(site.t.outbox.meta, { to: mail.to, sent: mail.sentAt })}</span>
            </li>
          ))}
        </ul>
      )}
    </SubscriberLayout>
  );
}

/** Links in the mail open in a new tab: the sandboxed frame runs no script and cannot navigate the page. */
function withBlankTargets(html: string): string {
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (head) => `${head}<base target="_blank">`) : `<base target="_blank">${html}`;
}

export function OutboxMessagePage({ site, message }: { site: PageSite; message: OutboxMessage }) {
  const links = [...new Set(message.text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
  const m = site.t.outbox;
  return (
    <SubscriberLayout site={site} title={message.subject}>
      <style dangerouslySetInnerHTML={{ __html: OUTBOX_STYLES }} />
      <p>
        <a href="/dev/outbox">{m.back}</a>
      </p>
      <h1>{message.subject}</h1>
      <dl class="meta">
        <dt>{m.from}</dt>
        <dd>{message.from}</dd>
        <dt>{m.to}</dt>
        <dd>{message.to}</dd>
        <dt>{m.sent}</dt>
        <dd>{message.sentAt}</dd>
        {Object.entries(message.headers).map(([name, value]) => (
          <>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </>
        ))}
      </dl>
      {links.length > 0 ? (
        <>
          <h2>{m.links}</h2>
          <ul>
            {links.map((href) => (
              <li>
                <a class="url" href={href}>
                  {href}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>{m.html}</h2>
      <iframe class="mail-frame" title={m.htmlPart} sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc={withBlankTargets(message.html)}></iframe>
      <h2>{m.text}</h2>
      <pre class="text">{message.text}</pre>
    </SubscriberLayout>
  );
}
